package io.gapwatch.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code gapwatch docs}: prints the README's reference tables from the code's definitions, or with
 * {@code --write README.md} replaces each of them in place (a table is found by its header row).
 */
@Command(name = "docs", hidden = true, description = "Print the README's reference tables, rendered from the code.")
final class DocsCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--write", paramLabel = "FILE", description = "Replace the tables in FILE (the README) instead of printing them.")
    Path write;

    @Override
    public Integer call() throws IOException {
        final List<String> tables = ReferenceTables.all();
        if (write == null) {
            final var out = spec.commandLine().getOut();
            tables.forEach(out::println);
            out.flush();
            return 0;
        }
        String text = Files.readString(write, StandardCharsets.UTF_8);
        for (String table : tables) {
            text = replaceTable(text, table);
        }
        Files.writeString(write, text, StandardCharsets.UTF_8);
        return 0;
    }

    /** The table in {@code text} whose header row is {@code table}'s, replaced by {@code table}. */
    static String replaceTable(String text, String table) {
        final String header = table.substring(0, table.indexOf('\n') + 1);
        final int start = text.indexOf(header);
        if (start < 0) {
            throw new IllegalStateException("no table with the header " + header.strip());
        }
        final List<String> lines = new ArrayList<>(text.substring(start).lines().toList());
        int rows = 0;
        while (rows < lines.size() && lines.get(rows).startsWith("|")) {
            rows++;
        }
        int end = start;
        for (int i = 0; i < rows; i++) {
            end = text.indexOf('\n', end) + 1;
        }
        return text.substring(0, start) + table + text.substring(end);
    }
}
