package io.gapwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.app.Gapwatch;
import io.gapwatch.app.GapwatchService;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ExternalWeights;
import io.gapwatch.report.ReportJson;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /models/ID/evaluate} on a live processor over a real broker: the judgement is the
 * one {@code replay --weights} gives for the same records, bit for bit; it changes nothing; it
 * answers for models the cache has evicted and models another instance holds; and each mistake
 * gets its status and one line saying why.
 */
class EvaluateIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static HttpResponse<String> post(HttpClient http, GapwatchService service, String path, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + service.http().host() + ":" + service.http().port() + path))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(GapwatchService service, String path, String body) throws IOException, InterruptedException {
        return post(http, service, path, body);
    }

    /** A status, and a body of exactly one line {"error": "…"} whose message contains {@code why}. */
    private static void assertError(HttpResponse<String> response, int status, String why) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        final JsonNode body = JSON.readTree(response.body());
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.get("error").asText()).contains(why).doesNotContain("\n");
    }

    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldJudgePostedWeightsAsReplayDoesAndChangeNothing(KafkaBackend backend) throws Exception {
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-it-");
        final Path csv = StreamProcessorIT.csv(dir, 2000, 11);
        final String weights = "{\"name\": \"mine\", \"intercept\": 1.5, \"weights\": [1.1, 0.2, -2.9, -0.1, 0.5]}";
        final Path file = dir.resolve("mine.json");
        Files.writeString(file, weights);
        try (GapwatchService service = cluster.start(cluster.config(dir.resolve("state"), Map.of()))) {
            assertThat(Gapwatch.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                    .execute("produce", "--csv", csv.toString(), "--target", "y", "--model", "m",
                            "--bootstrap", cluster.bootstrap, "--topic", cluster.observations)).isZero();
            final JsonNode before = StreamProcessorIT.model(cluster, service, "m", 2000);

            final HttpResponse<String> response = post(service, "/models/m/evaluate", weights);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            final JsonNode judged = JSON.readTree(response.body());
            assertThat(judged.get("model").asText()).isEqualTo("m");
            assertThat(judged.get("records").asLong()).isEqualTo(2000);
            assertThat(judged.get("name").asText()).isEqualTo("mine");
            assertThat(judged.get("gap").get("optimizer").asText()).isEqualTo("external");
            assertThat(judged.get("gap").get("lr").isNull()).isTrue();

            // replay --weights on the same records: the same gap and the same findings about these weights, bit for bit
            final StringWriter out = new StringWriter();
            assertThat(Gapwatch.commandLine(new PrintWriter(out), new PrintWriter(new StringWriter()))
                    .execute("replay", "--csv", csv.toString(), "--target", "y", "--weights", file.toString(), "--json", "-")).isZero();
            final JsonNode replayed = JSON.readTree(out.toString());
            StreamProcessorIT.assertSameNumbers(judged.get("gap"), replayed.get("learners").get("mine"));
            final List<JsonNode> aboutMine = new ArrayList<>();
            replayed.get("findings").forEach(f -> {
                if ("mine".equals(f.get("learner").asText(null))) {
                    aboutMine.add(f);
                }
            });
            assertThat(judged.get("findings")).containsExactlyElementsOf(aboutMine);
            assertThat(aboutMine).isNotEmpty();

            // nothing changed: the model's report is what it was, and GET still serves it
            StreamProcessorIT.assertSameNumbers(JSON.readTree(cluster.get(service, "/models/m").body()), before);

            assertError(post(service, "/models/m/evaluate", "{\"weights\": [1, 2"), 400, "the body: not JSON");
            assertError(post(service, "/models/m/evaluate", "{\"bias\": 1, \"weights\": [1, 2, 3, 4, 5]}"), 400, "unknown field 'bias'");
            assertError(post(service, "/models/m/evaluate", "{\"weights\": [1, 2, 3]}"), 422,
                    "model 'm': 3 weights where the model has 5 features");
            assertError(post(service, "/models/m/evaluate", "{\"weights\": [1, 2, 3, NaN, 5]}"), 422, "weights[3] is NaN");
            assertError(post(service, "/models/nobody/evaluate", weights), 404, "no model 'nobody'");
            assertError(post(service, "/models/m/evaluate", "{\"weights\": [" + "1.0, ".repeat(300_000) + "1]}"), 413, "1 MiB");
            assertError(cluster.get(service, "/models/m/evaluate"), 405, "only POST");
            assertError(post(service, "/models/m", weights), 405, "only GET");
            assertThat(JSON.readTree(cluster.get(service, "/models/m").body()).get("records").asLong()).isEqualTo(2000);
        }
    }

    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldJudgeModelsTheCacheEvictedAndModelsAnotherInstanceHolds(KafkaBackend backend) throws Exception {
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-it-");
        // 24 models of 120 features (about 120 KB each) over two partitions, a 1 MiB cache per task: most are evicted
        final int d = 120;
        final int rows = 150;
        final Random random = new Random(12);
        final Map<String, Model> expected = new LinkedHashMap<>();
        final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        final List<String> names = StreamProcessorIT.names(d);
        for (int m = 0; m < 24; m++) {
            expected.put("e" + m, new Model(names, ModelOptions.DEFAULTS, Map.of()));
        }
        for (int i = 0; i < rows; i++) {
            for (Map.Entry<String, Model> e : expected.entrySet()) {
                final double[] x = new double[d];
                final StringBuilder features = new StringBuilder();
                double y = random.nextGaussian();
                for (int j = 0; j < d; j++) {
                    x[j] = random.nextGaussian();
                    y += (j % 7) * x[j];
                    features.append(j == 0 ? "" : ",").append(x[j]);
                }
                e.getValue().observe(x, y);
                records.add(cluster.record(e.getKey(), StreamProcessorIT.json(features.toString(), Double.toString(y))));
            }
        }
        final Map<String, String> settings = Map.of("topics.partitions", "2", "models.cache.max.bytes", Long.toString(1L << 20));
        try (GapwatchService a = cluster.start(cluster.config(dir.resolve("a"), settings));
             GapwatchService b = cluster.start(cluster.config(dir.resolve("b"), settings))) {
            cluster.produce(records);
            for (String id : expected.keySet()) {
                StreamProcessorIT.model(cluster, a, id, rows);
            }
            final double[] w = new double[d];
            for (int j = 0; j < d; j++) {
                w[j] = j % 5;
            }
            final ExternalWeights weights = new ExternalWeights("fives", 0.5, w);
            final String body = JSON.writeValueAsString(Map.of("name", "fives", "intercept", 0.5, "weights", w));
            int remote = 0;
            final JsonNode listing = JSON.readTree(cluster.get(a, "/models").body());
            final String self = a.http().host() + ":" + a.http().port();
            for (JsonNode entry : listing) {
                if (!entry.get("instance").asText().equals(self)) {
                    remote++;
                }
            }
            for (Map.Entry<String, Model> e : expected.entrySet()) {
                // through text, as the response comes: a long read back is an int node where it fits
                final JsonNode want = JSON.readTree(JSON.writeValueAsString(
                        ReportJson.judgement(e.getKey(), Diagnostics.judge(e.getValue(), weights))));
                for (GapwatchService service : List.of(a, b)) {
                    final HttpResponse<String> response = post(service, "/models/" + e.getKey() + "/evaluate", body);
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    StreamProcessorIT.assertSameNumbers(JSON.readTree(response.body()), want);
                }
            }
            assertThat(remote).as("models held by the other instance, judged through this one").isPositive();
            final double evicted = metric(a, "gapwatch_models_evicted_total") + metric(b, "gapwatch_models_evicted_total");
            assertThat(evicted).as("models the caches evicted, judged from the stores").isPositive();
        }
    }

    private double metric(GapwatchService service, String name) throws IOException, InterruptedException {
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                "http://" + service.http().host() + ":" + service.http().port() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        double sum = 0.0;
        for (String line : response.body().lines().toList()) {
            if (line.startsWith(name)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
