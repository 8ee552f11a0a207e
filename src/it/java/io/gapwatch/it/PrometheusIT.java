package io.gapwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.app.GapwatchService;
import io.gapwatch.demo.DemoStream;
import io.gapwatch.deploy.Expressions;
import io.gapwatch.deploy.Expressions.Expression;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Prometheus (Debian's package) scrapes a real gapwatch fed the demo stream, and every
 * PromQL expression of the dashboards and the alert rules, variables filled in, must return
 * series: a panel that would show nothing fails the build.
 *
 * <p>Alerts that the demo does not trip (gapwatch down, no records at all) are evaluated without
 * their final comparison, so their metrics and syntax are still checked; the four the demo does
 * trip must return series as written. Without a {@code prometheus} binary the test is skipped,
 * unless {@code REQUIRE_PROMETHEUS} is set, as {@code .ci/run} sets it.
 */
class PrometheusIT {

    /** Alerts the demo stream cannot trip while it runs. */
    /** Alerts that must not fire on the demo stream: their expressions are checked without the threshold. */
    private static final Set<String> QUIET_ALERTS = Set.of("GapwatchDown", "GapwatchNoRecordsProcessed",
            "GapwatchProcessingFailed", "GapwatchReportsLate", "GapwatchRecordsLost");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    static String prometheusBinary() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            final Path candidate = Path.of(entry, "prometheus");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        final String reason = "no prometheus binary on PATH (Debian: apt-get install prometheus)";
        if (System.getenv("REQUIRE_PROMETHEUS") != null) {
            throw new AssertionError(reason);
        }
        Assumptions.abort(reason);
        return null;
    }

    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void everyDashboardPanelAndAlertRuleShouldFindItsSeries(KafkaBackend backend) throws Exception {
        final String binary = prometheusBinary();
        final Cluster cluster = new Cluster(backend);
        final AtomicBoolean producing = new AtomicBoolean(true);
        final AtomicBoolean badRecords = new AtomicBoolean(false);
        Process prometheus = null;
        try (GapwatchService service = cluster.start(cluster.config(dir.resolve("state"), Map.of("report.interval.ms", "1000")))) {
            cluster.awaitTopics(Duration.ofSeconds(60));
            // the demo stream at a steady rate, first clean — every panel must read 0 rejects, not nothing —
            // then with its bad records, for the alerts on rejects
            final Thread producer = new Thread(() -> {
                final DemoStream clean = new DemoStream(7, false);
                final DemoStream withBad = new DemoStream(8, true);
                try (KafkaProducer<String, byte[]> kafka = cluster.producer()) {
                    while (producing.get()) {
                        for (int i = 0; i < 100; i++) {
                            final DemoStream.Entry entry = (badRecords.get() ? withBad : clean).next();
                            kafka.send(new ProducerRecord<>(cluster.observations, entry.key(), entry.value()));
                        }
                        Thread.sleep(100);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "demo-producer");
            producer.start();

            final int port = io.gapwatch.stream.EmbeddedKafka.freePort();
            prometheus = startPrometheus(binary, service.http().port(), port);
            final String api = "http://127.0.0.1:" + port;

            final Map<String, String> panels = new LinkedHashMap<>();
            for (Expression e : Expressions.fromDashboards()) {
                panels.put(e.source(), e.substituted());
            }
            assertThat(panels).hasSizeGreaterThan(30);
            assertEverySeriesFound(api, panels, "dashboard expressions without series on a clean stream");

            badRecords.set(true);
            final Map<String, String> expressions = new LinkedHashMap<>(panels);
            for (Expression rule : Expressions.fromRules()) {
                final String promql = QUIET_ALERTS.contains(rule.source())
                        ? rule.promql().replaceFirst("\\s*(==|!=|>=|<=|>|<)\\s*[-+0-9.eE]+\\s*$", "")
                        : rule.promql();
                expressions.put("alert " + rule.source(), promql);
            }
            assertEverySeriesFound(api, expressions, "expressions without series");
            // and Prometheus sees the scrape target healthy, in the exposition format it asked for
            assertThat(series(api, "up{job=\"gapwatch\"} == 1")).isEqualTo(1);
        } finally {
            producing.set(false);
            if (prometheus != null) {
                prometheus.destroy();
                prometheus.waitFor();
            }
        }
    }

    // every expression must find series within a minute and a half
    private void assertEverySeriesFound(String api, Map<String, String> expressions, String what) throws InterruptedException {
        final List<String> empty = new ArrayList<>(expressions.keySet());
        final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!empty.isEmpty() && System.nanoTime() < deadline) {
            empty.removeIf(source -> series(api, expressions.get(source)) > 0);
            Thread.sleep(1000);
        }
        assertThat(empty.stream().map(s -> s + ": " + expressions.get(s)).toList()).as(what).isEmpty();
    }

    private Process startPrometheus(String binary, int gapwatchPort, int port) throws IOException {
        final Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "rule_files:",
                "  - " + Expressions.RULES.toAbsolutePath(),
                "scrape_configs:",
                "  - job_name: gapwatch",
                "    metrics_path: /metrics",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + gapwatchPort + "']",
                ""));
        return new ProcessBuilder(binary, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    /** How many series an instant query returns; 0 while Prometheus is not up yet or the query fails. */
    private int series(String api, String promql) {
        try {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                            api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            final JsonNode body = json.readTree(response.body());
            if (!"success".equals(body.path("status").asText())) {
                throw new AssertionError("Prometheus refused " + promql + ": " + body.path("error").asText());
            }
            return body.path("data").path("result").size();
        } catch (IOException e) {
            return 0; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
