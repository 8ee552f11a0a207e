package io.gapwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.app.Gapwatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's reference parts are checked against the code, so they cannot drift: the two
 * commands of its first screen, every option of {@code replay}, every field of the JSON summary.
 */
class ReadmeTest {

    private static String readme;

    @BeforeAll
    static void read() throws IOException {
        readme = Files.readString(Path.of("README.md"));
    }

    @Test
    void shouldOpenWithExactlyTheRunCommandAndTheTestCommandThatCiRuns() throws IOException {
        final Matcher block = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find()).as("a first sh code block").isTrue();
        final List<String> commands = block.group(1).strip().lines().toList();
        assertThat(commands).hasSize(2);
        assertThat(commands.get(0)).contains("java -jar target/gapwatch.jar");
        assertThat(readme.indexOf(block.group(0))).as("on the first screen").isLessThan(1500);

        final String testCommand = commands.get(1);
        final List<String> ciLines = Files.readString(Path.of(".ci/run")).lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ciLines).contains(testCommand);
    }

    @Test
    void shouldDocumentEveryReplayOption() {
        final CommandLine replay = Gapwatch.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .getSubcommands().get("replay");
        for (CommandLine.Model.OptionSpec option : replay.getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            assertThat(readme).as("README documents %s", option.longestName()).contains("| `" + option.longestName());
        }
    }

    @Test
    void shouldCarryTheConfigurationLearnerSettingsAndFindingsTablesRenderedFromTheCode() {
        // regenerate with: java -jar target/gapwatch.jar docs --write README.md
        assertThat(readme).contains(io.gapwatch.app.ReferenceTables.configuration());
        assertThat(readme).contains(io.gapwatch.app.ReferenceTables.learnerSettings());
        assertThat(readme).contains(io.gapwatch.app.ReferenceTables.findings());
        assertThat(readme).contains(io.gapwatch.app.ReferenceTables.metrics());
        assertThat(readme).contains(io.gapwatch.app.ReferenceTables.reportFields());
    }
}
