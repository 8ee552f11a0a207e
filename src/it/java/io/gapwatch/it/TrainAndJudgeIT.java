package io.gapwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.app.Gapwatch;
import io.gapwatch.app.GapwatchService;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real client: examples/train_and_judge.py, a numpy gradient-descent loop, posts its weights to
 * a live processor that learned the same records through Kafka, and checks what it gets back
 * against numpy's own computation. Needs /usr/bin/python3 with numpy (Debian's python3-numpy); the
 * test is skipped without it, unless {@code REQUIRE_PYTHON_NUMPY=1}, as {@code .ci/run} sets it.
 */
class TrainAndJudgeIT {

    static final Path SCRIPT = Path.of("examples/train_and_judge.py");
    static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Skips, or fails where it must run, when /usr/bin/python3 cannot import numpy. */
    static void requireNumpy() throws InterruptedException {
        String reason;
        try {
            final Process check = new ProcessBuilder(PYTHON, "-c", "import numpy").redirectErrorStream(true).start();
            final boolean done = check.waitFor(60, TimeUnit.SECONDS);
            final String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (done && check.exitValue() == 0) {
                return;
            }
            reason = PYTHON + " cannot import numpy (Debian: apt-get install python3-numpy): " + output;
        } catch (IOException e) {
            reason = "no " + PYTHON + " (Debian: apt-get install python3-numpy): " + e.getMessage();
        }
        if ("1".equals(System.getenv("REQUIRE_PYTHON_NUMPY"))) {
            throw new AssertionError(reason);
        }
        Assumptions.abort(reason);
    }

    private static String run(Path log, String... arguments) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT.toString()));
        command.addAll(List.of(arguments));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).as("the script finished within 5 minutes").isTrue();
        final String output = Files.readString(log);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldSeeTheExcessMseFallAsTheLoopTrainsAndAgreeWithNumpy(KafkaBackend backend) throws Exception {
        requireNumpy();
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-it-");
        final Path design = dir.resolve("design.csv");
        run(dir.resolve("design.log"), "--write-design", design.toString());
        final long rows = Files.readAllLines(design).size() - 1;
        try (GapwatchService service = cluster.start(cluster.config(dir.resolve("state"), Map.of()))) {
            assertThat(Gapwatch.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                    .execute("produce", "--csv", design.toString(), "--target", "y", "--model", "gd",
                            "--bootstrap", cluster.bootstrap, "--topic", cluster.observations)).isZero();
            StreamProcessorIT.model(cluster, service, "gd", rows);
            final JsonNode before = JSON.readTree(cluster.get(service, "/models/gd").body());

            final Path report = dir.resolve("report.jsonl");
            final String output = run(dir.resolve("train.log"), "--csv", design.toString(), "--target", "y",
                    "--url", "http://" + service.http().host() + ":" + service.http().port(), "--model", "gd",
                    "--steps", "3000", "--every", "300", "--tolerance", "1e-9", "--report", report.toString());

            final List<JsonNode> checks = new ArrayList<>();
            for (String line : Files.readAllLines(report)) {
                checks.add(JSON.readTree(line));
            }
            assertThat(checks).as(output).hasSize(11);
            for (int i = 0; i < checks.size(); i++) {
                final JsonNode c = checks.get(i);
                assertThat(c.get("step").asInt()).isEqualTo(300 * i);
                assertThat(c.get("records").asLong()).isEqualTo(rows);
                // gapwatch's excess MSE, from its factor, against numpy's with the design in memory
                final double gapwatch = c.get("excess_mse").asDouble();
                final double numpy = c.get("numpy_excess_mse").asDouble();
                assertThat(Math.abs(gapwatch - numpy) / numpy).as("step %d: %s against %s", 300 * i, gapwatch, numpy).isLessThan(1e-9);
                if (i > 0) {
                    assertThat(gapwatch).as("step %d: the excess MSE falls as the loop trains", 300 * i)
                            .isLessThan(checks.get(i - 1).get("excess_mse").asDouble());
                }
                assertThat(c.get("findings").asText()).isEqualTo("not_converged");
            }
            assertThat(checks.get(10).get("excess_mse").asDouble()).isLessThan(checks.get(0).get("excess_mse").asDouble() / 10);
            assertThat(output).contains("gapwatch and numpy agree to");
            // eleven judgements later, the model is as it was
            StreamProcessorIT.assertSameNumbers(JSON.readTree(cluster.get(service, "/models/gd").body()), before);
        }
    }
}
