package io.gapwatch.deploy;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * promtool on the shipped files: the scrape configuration, the alert rules, and the rules' unit
 * tests (prometheus/alerts.test.yml). Skipped without promtool, unless REQUIRE_PROMETHEUS
 * is set (.ci/run sets it after installing Debian's prometheus package).
 */
class PrometheusRulesTest {

    static String promtool() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            final Path candidate = Path.of(entry, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        final String reason = "no promtool on PATH (Debian: apt-get install prometheus)";
        if (System.getenv("REQUIRE_PROMETHEUS") != null) {
            throw new AssertionError(reason);
        }
        Assumptions.abort(reason);
        return null;
    }

    static String run(String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(promtool()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).directory(Expressions.ROOT.resolve("prometheus").toFile())
                .redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
        return output;
    }

    @Test
    void scrapeConfigurationShouldBeValid() throws Exception {
        assertThat(run("check", "config", "prometheus.yml")).contains("SUCCESS").contains("1 rule files found");
    }

    @Test
    void alertRulesShouldBeValid() throws Exception {
        final long rules = java.nio.file.Files.readAllLines(java.nio.file.Path.of("prometheus/alerts.yml")).stream()
                .filter(l -> l.strip().startsWith("- alert:")).count();
        assertThat(rules).isGreaterThanOrEqualTo(8);
        assertThat(run("check", "rules", "alerts.yml")).contains("SUCCESS: " + rules + " rules found");
    }

    @Test
    void alertRulesShouldPassTheirUnitTests() throws Exception {
        assertThat(run("test", "rules", "alerts.test.yml")).contains("SUCCESS");
    }
}
