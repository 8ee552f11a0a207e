package io.gapwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gapwatch.app.Gapwatch;
import io.gapwatch.app.GapwatchService;
import io.gapwatch.app.ObservationSender;
import io.gapwatch.avro.DeadLetter;
import io.gapwatch.avro.Observation;
import io.gapwatch.avro.RejectReason;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.report.ReportJson;
import io.gapwatch.stream.Codecs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream processor on a real broker — the in-process KRaft broker here, Testcontainers'
 * apache/kafka where Docker runs — through the same code users run.
 */
class StreamProcessorIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** y = 2 + x1 − 3·x3 + 0.5·x5 + noise, with x4 ≈ x1 + x2 (nearly collinear). */
    static Path csv(Path dir, int rows, long seed) throws Exception {
        final Random random = new Random(seed);
        final StringBuilder s = new StringBuilder("x1,x2,x3,x4,x5,y\n");
        for (int i = 0; i < rows; i++) {
            final double x1 = random.nextGaussian();
            final double x2 = 3 + 2 * random.nextGaussian();
            final double x3 = random.nextGaussian();
            final double x4 = x1 + x2 + 1e-4 * random.nextGaussian();
            final double x5 = 100 * random.nextGaussian();
            final double y = 2 + x1 - 3 * x3 + 0.5 * x5 + 0.3 * random.nextGaussian();
            s.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%s%n", x1, x2, x3, x4, x5, y));
        }
        final Path file = dir.resolve("data-" + seed + ".csv");
        Files.writeString(file, s);
        return file;
    }

    /** What {@code replay --json} writes for the file, without the target column's name. */
    static JsonNode replay(Path csv) throws Exception {
        final Path out = csv.resolveSibling(csv.getFileName() + ".json");
        final int exit = Gapwatch.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .execute("replay", "--csv", csv.toString(), "--target", "y", "--json", out.toString());
        assertThat(exit).isZero();
        return normalized(JSON.readTree(out.toFile()));
    }

    /** The first path where two JSON documents differ, or null: readable where a whole-document diff is not. */
    static String firstDifference(String path, JsonNode a, JsonNode b) {
        if (a.equals(b)) {
            return null;
        }
        if (a.isObject() && b.isObject()) {
            final java.util.Set<String> names = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (a.get(name) == null || b.get(name) == null) {
                    return path + "." + name + " only on one side";
                }
                final String d = firstDifference(path + "." + name, a.get(name), b.get(name));
                if (d != null) {
                    return d;
                }
            }
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                final String d = firstDifference(path + "[" + i + "]", a.get(i), b.get(i));
                if (d != null) {
                    return d;
                }
            }
        }
        final String left = a.toString();
        final String right = b.toString();
        return path + ": " + (left.length() > 200 ? left.substring(0, 200) + "…" : left) + " vs "
                + (right.length() > 200 ? right.substring(0, 200) + "…" : right);
    }

    static void assertSameNumbers(JsonNode actual, JsonNode expected) {
        assertThat(firstDifference("$", actual, expected)).as("first difference").isNull();
    }

    /** Both sides name the target differently and only the stream names the model: everything else must be equal. */
    static JsonNode normalized(JsonNode node) {
        final ObjectNode copy = node.deepCopy();
        copy.remove("target");
        copy.remove("model");
        return copy;
    }

    static JsonNode model(Cluster cluster, GapwatchService service, String id, long records) throws Exception {
        final JsonNode[] last = new JsonNode[1];
        Cluster.await("model '" + id + "' at " + records + " records", Duration.ofSeconds(120), () -> {
            try {
                final HttpResponse<String> response = cluster.get(service, "/models/" + id);
                if (response.statusCode() != 200) {
                    return false;
                }
                last[0] = JSON.readTree(response.body());
                return last[0].get("records").asLong() >= records;
            } catch (Exception e) {
                return false;
            }
        });
        return last[0];
    }

    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldProduceTheSameNumbersAsReplayBitForBit(KafkaBackend backend) throws Exception {
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-it-");
        final Path csv = csv(dir, 3000, 1);
        try (GapwatchService service = cluster.start(cluster.config(dir.resolve("state"), Map.of()))) {
            final int exit = Gapwatch.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                    .execute("produce", "--csv", csv.toString(), "--target", "y", "--model", "m",
                            "--bootstrap", cluster.bootstrap, "--topic", cluster.observations);
            assertThat(exit).isZero();
            final JsonNode stream = model(cluster, service, "m", 3000);
            assertThat(stream.get("records").asLong()).isEqualTo(3000);
            // every number: exact fit, each learner, the findings, equal to the last bit (JSON writes doubles exactly)
            assertSameNumbers(normalized(stream), replay(csv));
            assertThat(stream.get("learners").fieldNames()).toIterable().containsExactly("sgd", "adam");
        }
    }

    /**
     * A training job publishes its weights to the weights topic while the processor learns the same
     * records: the model's report holds them as an external learner, judged exactly as replay
     * --weights judges the same weights against the same records; weights for no model, or of the
     * wrong dimension, are dead-lettered with their own reasons.
     */
    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldJudgeTheWeightsATrainingJobPublishesAsReplayDoes(KafkaBackend backend) throws Exception {
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-it-");
        final Path csv = csv(dir, 500, 4);
        final String weights = "{\"learner\": \"mine\", \"step\": 7, \"intercept\": 2.0, \"weights\": [1.0, 0.0, -3.0, 0.0, 0.5]}";
        try (GapwatchService service = cluster.start(cluster.config(dir.resolve("state"), Map.of()))) {
            final int exit = Gapwatch.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                    .execute("produce", "--csv", csv.toString(), "--target", "y", "--model", "m",
                            "--bootstrap", cluster.bootstrap, "--topic", cluster.observations);
            assertThat(exit).isZero();
            model(cluster, service, "m", 500);
            final ObservationSender.Deliveries deliveries = new ObservationSender.Deliveries();
            try (var producer = cluster.producer()) {
                producer.send(new ProducerRecord<>(cluster.weights, "m", weights.getBytes(StandardCharsets.UTF_8)), deliveries);
                producer.send(new ProducerRecord<>(cluster.weights, "nobody", weights.getBytes(StandardCharsets.UTF_8)), deliveries);
                producer.send(new ProducerRecord<>(cluster.weights, "m",
                        "{\"learner\": \"short\", \"weights\": [1.0]}".getBytes(StandardCharsets.UTF_8)), deliveries);
                producer.flush();
            }
            deliveries.check(3, cluster.weights);
            final JsonNode[] judged = new JsonNode[1];
            Cluster.await("the external learner in the model's report", Duration.ofSeconds(60), () -> {
                try {
                    judged[0] = JSON.readTree(cluster.get(service, "/models/m").body());
                    return judged[0].get("learners").has("mine");
                } catch (Exception e) {
                    return false;
                }
            });
            final List<DeadLetter> letters = cluster.readAll(cluster.deadLetters, 2, Duration.ofSeconds(60)).stream()
                    .map(r -> Codecs.decode(r.value(), DeadLetter.class)).toList();
            assertThat(letters).extracting(DeadLetter::getReason).containsExactlyInAnyOrder(RejectReason.UNKNOWN_MODEL, RejectReason.WRONG_DIMENSION);
            assertThat(letters).allSatisfy(l -> assertThat(l.getSourceTopic().toString()).isEqualTo(cluster.weights));

            // replay --weights on the same records judges the same weights to the same numbers
            final Path file = dir.resolve("mine.json");
            Files.writeString(file, "{\"name\": \"mine\", \"intercept\": 2.0, \"weights\": [1.0, 0.0, -3.0, 0.0, 0.5]}");
            final Path out = dir.resolve("replay.json");
            assertThat(Gapwatch.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                    .execute("replay", "--csv", csv.toString(), "--target", "y", "--learner", "sgd:optimizer=sgd,lr=0.01",
                            "--learner", "adam:optimizer=adam,lr=0.001", "--weights", file.toString(), "--json", out.toString())).isZero();
            final JsonNode replayed = JSON.readTree(out.toFile()).get("learners").get("mine");
            final JsonNode streamed = judged[0].get("learners").get("mine");
            assertThat(streamed.get("optimizer").asText()).isEqualTo("external");
            for (String field : List.of("r2", "r2_gap", "excess_mse", "weight_gap", "weight_gap_null")) {
                assertThat(streamed.get(field)).as(field).isEqualTo(replayed.get(field));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldDeadLetterEachBadRecordAndKeepTheModelAsIfTheyNeverCame(KafkaBackend backend) throws Exception {
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-it-");
        final Path good = csv(dir, 400, 2);
        final List<String> lines = Files.readAllLines(good);
        final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        final List<RejectReason> expected = new ArrayList<>();
        final Map<RejectReason, ProducerRecord<String, byte[]>> poison = new java.util.LinkedHashMap<>();
        poison.put(RejectReason.UNDECODABLE, cluster.record("p", "{\"features\": [1, 2".getBytes(StandardCharsets.UTF_8)));
        poison.put(RejectReason.EMPTY_KEY, new ProducerRecord<>(cluster.observations, null, json("1,2,3,4,5", "1")));
        poison.put(RejectReason.OVERSIZED_KEY, cluster.record("k".repeat(300), json("1,2,3,4,5", "1")));
        poison.put(RejectReason.MISSING_FEATURES, cluster.record("p", "{\"target\": 3}".getBytes(StandardCharsets.UTF_8)));
        poison.put(RejectReason.WRONG_DIMENSION, cluster.record("p", json("1,2,3", "1")));
        poison.put(RejectReason.NON_FINITE, cluster.record("p", avro(Double.NaN)));
        poison.put(RejectReason.OUT_OF_RANGE, cluster.record("p", json("1,2,3,4,1e300", "1")));
        poison.put(RejectReason.TOO_MANY_FEATURES, cluster.record("p", json("1,".repeat(10_000) + "1", "1")));
        final List<ProducerRecord<String, byte[]>> bad = new ArrayList<>(poison.values());
        int next = 0;
        for (int i = 1; i < lines.size(); i++) {
            final String[] cells = lines.get(i).split(",");
            records.add(cluster.record("p", json(String.join(",", java.util.Arrays.copyOf(cells, 5)), cells[5])));
            if (i % 40 == 0 && next < bad.size()) {
                records.add(bad.get(next));
                expected.add(new ArrayList<>(poison.keySet()).get(next));
                next++;
            }
        }
        assertThat(next).isEqualTo(poison.size());
        try (GapwatchService service = cluster.start(cluster.config(dir.resolve("state"), Map.of()))) {
            cluster.produce(records);
            final JsonNode stream = model(cluster, service, "p", 400);
            assertSameNumbers(normalized(stream), replay(good)); // the model of the good records alone
            final List<ConsumerRecord<byte[], byte[]>> letters = cluster.readAll(cluster.deadLetters, poison.size(), Duration.ofSeconds(60));
            final List<RejectReason> reasons = letters.stream().map(r -> Codecs.decode(r.value(), DeadLetter.class).getReason()).toList();
            assertThat(reasons).containsExactlyInAnyOrderElementsOf(expected);
            for (ConsumerRecord<byte[], byte[]> r : letters) {
                final DeadLetter letter = Codecs.decode(r.value(), DeadLetter.class);
                assertThat(letter.getSourceTopic()).isEqualTo(cluster.observations);
                assertThat(letter.getSourceOffset()).isNotNegative();
                assertThat(letter.getMessage()).isNotBlank();
            }
        }
    }

    /**
     * A fault in the middle of one record — injected after the model learned it in memory, before
     * anything was written — goes to the dead-letter topic as PROCESSING_FAILED with the exception;
     * that model ends exactly as a replay of its other records, the other model is untouched, and
     * the instance goes on running.
     */
    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldDeadLetterAFaultAndLeaveEveryModelAsIfItNeverCame(KafkaBackend backend) throws Exception {
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-it-");
        final Path good = csv(dir, 300, 4);
        final List<String> lines = Files.readAllLines(good);
        final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            final String[] cells = lines.get(i).split(",");
            final String features = String.join(",", java.util.Arrays.copyOf(cells, 5));
            records.add(cluster.record("faulty", json(features, cells[5])));
            records.add(cluster.record("bystander", json(features, cells[5])));
            if (i == 150) { // the same record again, marked to fail
                records.add(cluster.record("faulty", ("{\"features\": [" + features + "], \"target\": " + cells[5]
                        + ", \"record_id\": \"fault\"}").getBytes(StandardCharsets.UTF_8)));
            }
        }
        final io.gapwatch.stream.FaultInjection fault = (model, recordId) -> {
            if ("fault".equals(recordId)) {
                throw new IllegalStateException("injected fault in model " + model);
            }
        };
        try (GapwatchService service = GapwatchService.start(io.gapwatch.app.GapwatchConfig.of(
                cluster.config(dir.resolve("state"), Map.of())), new java.io.PrintWriter(new java.io.StringWriter()), fault)) {
            cluster.produce(records);
            final JsonNode replayed = replay(good);
            assertSameNumbers(normalized(model(cluster, service, "faulty", 300)), replayed);
            assertSameNumbers(normalized(model(cluster, service, "bystander", 300)), replayed);
            final List<ConsumerRecord<byte[], byte[]>> letters = cluster.readAll(cluster.deadLetters, 1, Duration.ofSeconds(60));
            assertThat(letters).hasSize(1);
            final DeadLetter letter = Codecs.decode(letters.get(0).value(), DeadLetter.class);
            assertThat(letter.getReason()).isEqualTo(RejectReason.PROCESSING_FAILED);
            assertThat(letter.getMessage()).contains("model 'faulty'", "IllegalStateException", "injected fault");
            assertThat(service.streams().state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
            assertThat(cluster.get(service, "/metrics").body())
                    .contains("gapwatch_records_rejected_total{model=\"faulty\",reason=\"processing_failed\"} 1.0");
        }
    }

    static byte[] json(String features, String target) {
        return ("{\"features\": [" + features + "], \"target\": " + target + "}").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] avro(double target, double... features) {
        final List<Double> list = new ArrayList<>();
        for (double f : features.length == 0 ? new double[] {1, 2, 3, 4, 5} : features) {
            list.add(f);
        }
        return Codecs.encode(Observation.newBuilder().setFeatures(list).setTarget(target).build());
    }

    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldRestoreAThousandFeatureModelThroughDefaultMessageLimits(KafkaBackend backend) throws Exception {
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-it-");
        final int d = 1000;
        final int n = 1010;
        final Random random = new Random(3);
        final Model expected = new Model(names(d), ModelOptions.DEFAULTS, Map.of("sgd", LearnerConfig.parse(Map.of("lr", "1e-4"))));
        final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final double[] x = new double[d];
            double y = 0.0;
            for (int j = 0; j < d; j++) {
                x[j] = random.nextGaussian();
                y += x[j] / (j + 1);
            }
            y += 0.1 * random.nextGaussian();
            expected.observe(x, y);
            records.add(cluster.record("wide", avro(y, x)));
        }
        final Map<String, String> config = cluster.config(dir.resolve("state-1"), Map.of(
                "learners", "sgd", "learner.sgd.lr", "1e-4", "snapshot.lag.records", "500", "report.every.records", "1000000"));
        try (GapwatchService service = cluster.start(config)) {
            cluster.produce(records);
            Cluster.await("all records learned", Duration.ofSeconds(180), () ->
                    cluster.readAll(cluster.predictions, n, Duration.ofSeconds(1)).size() >= n);
        }
        // a new instance with no local state: the model comes back from the changelog, chunk by chunk
        final Map<String, String> fresh = new HashMap<>(config);
        fresh.put("state.dir", dir.resolve("state-2").toString());
        try (GapwatchService service = cluster.start(fresh)) {
            final JsonNode restored = model(cluster, service, "wide", n);
            // through JSON text as the HTTP answer went, so NaN is the string "NaN" on both sides
            final JsonNode wanted = JSON.readTree(ReportJson.compact().writeValueAsString(
                    ReportJson.summary("wide", null, ModelOptions.DEFAULT_WINDOW, Diagnostics.report(expected))));
            assertSameNumbers(normalized(restored), normalized(wanted));
        }
    }

    static List<String> names(int d) {
        final List<String> names = new ArrayList<>();
        for (int j = 1; j <= d; j++) {
            names.add("x" + j);
        }
        return names;
    }

    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldShareTheModelsBetweenTwoInstancesAndTakeOverWhenOneStops(KafkaBackend backend) throws Exception {
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-it-");
        final List<String> models = List.of("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7");
        final Random random = new Random(4);
        final List<ProducerRecord<String, byte[]>> first = new ArrayList<>();
        final List<ProducerRecord<String, byte[]>> second = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            for (String m : models) {
                final double x = random.nextGaussian();
                (i < 60 ? first : second).add(cluster.record(m, json(x + "," + x * x + ",1,2,3", Double.toString(3 * x + 1))));
            }
        }
        final GapwatchService a = cluster.start(cluster.config(dir.resolve("a"), Map.of()));
        try (GapwatchService b = cluster.start(cluster.config(dir.resolve("b"), Map.of()))) {
            cluster.produce(first);
            final Set<String> instances = new HashSet<>();
            Cluster.await("all eight models listed, spread over both instances", Duration.ofSeconds(120), () -> {
                try {
                    final JsonNode list = JSON.readTree(cluster.get(a, "/models").body());
                    instances.clear();
                    list.forEach(m -> instances.add(m.get("instance").asText()));
                    return list.size() == models.size() && instances.size() == 2;
                } catch (Exception e) {
                    return false;
                }
            });
            // any instance answers for any model: the holder's numbers, fetched through interactive queries
            for (String m : models) {
                assertThat(model(cluster, a, m, 60).get("records").asLong()).isEqualTo(60);
                assertThat(model(cluster, b, m, 60).get("records").asLong()).isEqualTo(60);
            }
            a.close();
            cluster.produce(second);
            for (String m : models) {
                assertThat(model(cluster, b, m, 100).get("records").asLong()).as(m + " continued on b").isEqualTo(100);
            }
            final JsonNode list = JSON.readTree(cluster.get(b, "/models").body());
            list.forEach(m -> assertThat(m.get("instance").asText()).isEqualTo(b.http().host() + ":" + b.http().port()));
        }
    }
}
