package io.gapwatch.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code gapwatch docs}: prints the README's reference tables from the code's definitions. */
@Command(name = "docs", hidden = true, description = "Print the README's reference tables, rendered from the code.")
final class DocsCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        final var out = spec.commandLine().getOut();
        out.println("## Configuration\n");
        out.println(ReferenceTables.configuration());
        out.println("## Learner settings\n");
        out.println(ReferenceTables.learnerSettings());
        out.println("## Findings\n");
        out.println(ReferenceTables.findings());
        out.println("## Metrics\n");
        out.println(ReferenceTables.metrics());
        out.flush();
        return 0;
    }
}
