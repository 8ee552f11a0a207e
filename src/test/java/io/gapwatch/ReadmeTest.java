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
    }

    @Test
    void shouldDocumentEveryJsonFieldAndNoOther() throws IOException {
        final StringWriter out = new StringWriter();
        final int exit = Gapwatch.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true))
                .execute("replay", "--csv", "examples/collinear.csv", "--target", "y", "--json", "-",
                        "--learner", "only:optimizer=adam");
        assertThat(exit).isZero();
        final JsonNode root = new ObjectMapper().readTree(out.toString());

        final Set<String> emitted = new TreeSet<>();
        collect(root, "", emitted);
        for (String path : emitted) {
            final String documented = path.replace("learners.only", "learners.NAME");
            if (documented.equals("learners.NAME")) {
                continue; // the learner's name is the key: "`learners`, one object per learner, by name"
            }
            final String leaf = path.substring(path.lastIndexOf('.') + 1);
            assertThat(readme.contains("`" + documented + "`") || readme.contains("`" + leaf + "`"))
                    .as("README documents JSON field %s", documented).isTrue();
        }
        // and nothing documented under exact. is stale
        final Matcher documented = Pattern.compile("`exact\\.([a-z0-9_]+)`").matcher(readme);
        final List<String> stale = new ArrayList<>();
        while (documented.find()) {
            if (!root.get("exact").has(documented.group(1))) {
                stale.add(documented.group(1));
            }
        }
        assertThat(stale).as("documented but not emitted").isEmpty();
    }

    private static void collect(JsonNode node, String prefix, Set<String> paths) {
        if (node.isObject()) {
            final Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                final String name = names.next();
                final String path = prefix.isEmpty() ? name : prefix + "." + name;
                paths.add(path);
                if (prefix.equals("options") || prefix.startsWith("exact.") || prefix.startsWith("learners.") && prefix.indexOf('.', 9) > 0) {
                    continue; // options.* and nested objects: documented together with their parent
                }
                collect(node.get(name), path, paths);
            }
        } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
            collect(node.get(0), prefix, paths);
        }
    }
}
