package io.gapwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.app.GapwatchService;
import io.gapwatch.avro.ModelDiagnosis;
import io.gapwatch.avro.Prediction;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.report.ReportJson;
import io.gapwatch.stream.Codecs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;


import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once, the hard way: a processor in its own JVM is killed with SIGKILL three times while it
 * works through a 200,000-record stream, and restarted each time. Afterwards every model equals an
 * uninterrupted run on the same records, bit for bit, a read_committed reader of the predictions
 * topic sees each input record exactly once, and each model's history is its committed reports:
 * one point per report count, none twice, none missing, each the report the engine makes there.
 */
class CrashRecoveryIT {

    static final int MODELS = 4;
    static final int PER_MODEL = 50_000;
    static final int D = 4;
    /**
     * Reports every 1,000 records: 50 a model over the stream, plus the first interval tick's — a
     * history the default history.points (600) holds whole. The stream lengths are multiples of
     * it, so a model's last report is at its last record and a reader instance has none to make.
     */
    static final int REPORT_EVERY = 1000;

    /**
     * A stream of {@code perModel} records for each of {@link #MODELS} models, what an uninterrupted
     * run makes of it, and each model's records in order (features, then the target).
     */
    record Stream(List<ProducerRecord<String, byte[]>> records, List<Model> expected, int perModel, List<List<double[]>> rows) {

        static Stream of(Cluster cluster, int perModel) {
            final List<Model> expected = new ArrayList<>();
            final List<List<double[]>> rows = new ArrayList<>();
            final Random random = new Random(7);
            final List<ProducerRecord<String, byte[]>> records = new ArrayList<>(MODELS * perModel);
            for (int m = 0; m < MODELS; m++) {
                expected.add(fresh());
                rows.add(new ArrayList<>(perModel));
            }
            for (int i = 0; i < perModel; i++) {
                for (int m = 0; m < MODELS; m++) {
                    final double[] x = new double[D];
                    double y = m;
                    for (int j = 0; j < D; j++) {
                        x[j] = random.nextGaussian();
                        y += (j + 1) * x[j];
                    }
                    y += 0.1 * random.nextGaussian();
                    expected.get(m).observe(x, y);
                    final double[] row = java.util.Arrays.copyOf(x, D + 1);
                    row[D] = y;
                    rows.get(m).add(row);
                    records.add(cluster.record("model-" + m, StreamProcessorIT.avro(y, x)));
                }
            }
            return new Stream(records, expected, perModel, rows);
        }

        /** A model as the processor starts one of these: D features, the default options and learners. */
        static Model fresh() {
            return new Model(StreamProcessorIT.names(D), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        }

        int total() {
            return records.size();
        }
    }

    /** The processor's configuration, written to a file as {@code run --config} reads it. */
    static Path configFile(Cluster cluster, Path dir, Map<String, String> config) throws java.io.IOException {
        final Path file = dir.resolve("gapwatch.properties");
        final Properties properties = new Properties();
        properties.putAll(config);
        try (var writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "crash test");
        }
        return file;
    }

    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldRecoverFromThreeSigkillsWithEveryModelBitForBit(KafkaBackend backend) throws Exception {
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-crash-");
        final Map<String, String> config = cluster.config(dir.resolve("state"), Map.of(
                "snapshot.lag.records", "2000", "report.every.records", Integer.toString(REPORT_EVERY), "topics.partitions", "4"));
        final Path file = configFile(cluster, dir, config);
        final Stream stream = Stream.of(cluster, PER_MODEL);
        final int total = stream.total();

        final String group = config.get("application.id");
        final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap));
        Path log = dir.resolve("processor-0.log");
        Process processor = launch(file, log);
        try {
            cluster.awaitTopics(Duration.ofSeconds(60)); // the processor creates them (4 partitions)
            cluster.produce(stream.records());
            // Progress is what the processor has committed: its group's input offsets, written in the
            // same transaction as its outputs. Each kill point is reached by the processor then running.
            final double[] killAt = {0.2, 0.45, 0.7};
            for (int k = 0; k < killAt.length; k++) {
                awaitInputCommitted(admin, group, (long) (killAt[k] * total), Duration.ofSeconds(240));
                processor.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no close, no commit
                assertThat(processor.exitValue()).as("killed").isEqualTo(137);
                log = dir.resolve("processor-" + (k + 1) + ".log");
                processor = launch(file, log);
            }
            awaitInputCommitted(admin, group, total, Duration.ofSeconds(300));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + progress(admin, group, cluster)
                    + "\nthe processor's log " + log + " ends:\n" + tail(log) + "\nits stream threads:\n" + streamThreads(processor), e);
        } finally {
            processor.destroy(); // SIGTERM: the shutdown hook closes cleanly
            processor.waitFor(60, TimeUnit.SECONDS);
        }
        final String progress = progress(admin, group, cluster);
        admin.close();
        assertExactlyOnceAndBitForBit(cluster, config, dir, stream, progress);
    }

    /**
     * The two moments a random kill rarely hits: between a snapshot going into its store and the
     * commit of the transaction holding it (the snapshot is aborted; the local pending records it
     * dropped are gone), and in the middle of a restore reading the input back (the half-rebuilt
     * models were never committed). The processor halts itself at exactly those points.
     */
    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldRecoverFromKillsBetweenASnapshotAndItsCommitAndDuringARestoresReread(KafkaBackend backend) throws Exception {
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-halt-");
        final Map<String, String> config = cluster.config(dir.resolve("state"), Map.of(
                "snapshot.lag.records", "5000", "report.every.records", Integer.toString(REPORT_EVERY), "topics.partitions", "4",
                // only the lag snapshots, whatever a model's held records weigh: the halt below counts them
                "snapshot.held.ratio", "1000000"));
        final Path file = configFile(cluster, dir, config);
        final Stream stream = Stream.of(cluster, 15_000);

        final String group = config.get("application.id");
        final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap));
        Path log = dir.resolve("processor-snapshot.log");
        // The restore must have records to read back, or the halt at its 40th never comes (two CI runs
        // re-read 34 and 5 records when the first halt was the 6th of snapshots 1,500 offsets apart).
        // So 2,000 records per model are committed first, before any model is due a snapshot (5,000
        // offsets), and the first halt is at the first snapshot: no model has a committed snapshot
        // then, and the restore reads back every committed record, at least 8,000.
        Process processor = launchHalting(file, log, "after-snapshot", 1);
        try {
            cluster.awaitTopics(Duration.ofSeconds(60));
            final int committedFirst = MODELS * 2_000;
            cluster.produce(stream.records().subList(0, committedFirst));
            awaitInputCommitted(admin, group, committedFirst, Duration.ofSeconds(120));
            cluster.produce(stream.records().subList(committedFirst, stream.total()));
            awaitHalt(processor, log, "after-snapshot");
            log = dir.resolve("processor-reread.log");
            processor = launchHalting(file, log, "during-reread", 40);
            awaitHalt(processor, log, "during-reread");
            log = dir.resolve("processor-last.log");
            processor = launch(file, log);
            awaitInputCommitted(admin, group, stream.total(), Duration.ofSeconds(300));
            assertThat(Files.readString(log)).as("the last run rebuilt models from the input").contains("rebuilt from the input partition");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + progress(admin, group, cluster)
                    + "\nthe processor's log " + log + " ends:\n" + tail(log) + "\nits stream threads:\n" + streamThreads(processor), e);
        } finally {
            processor.destroy();
            processor.waitFor(60, TimeUnit.SECONDS);
        }
        final String progress = progress(admin, group, cluster);
        admin.close();
        assertExactlyOnceAndBitForBit(cluster, config, dir, stream, progress);
    }

    static void awaitHalt(Process processor, Path log, String point) throws Exception {
        if (!processor.waitFor(240, TimeUnit.SECONDS)) {
            throw new AssertionError("the processor never reached " + point);
        }
        assertThat(processor.exitValue()).as("halted").isEqualTo(HaltingProcessor.HALTED);
        assertThat(Files.readString(log)).contains("halting at " + point);
    }

    /**
     * Exactly once for a read_committed reader — every input record, one prediction — and every
     * model as an uninterrupted run left it, read by a fresh instance from the changelogs and the
     * input; each committed report the engine's at its count, and the history, restored from its
     * changelog, exactly the committed reports.
     */
    static void assertExactlyOnceAndBitForBit(Cluster cluster, Map<String, String> config, Path dir, Stream stream, String progress)
            throws Exception {
        final List<ConsumerRecord<byte[], byte[]>> predictions = cluster.readAll(cluster.predictions, stream.total(), Duration.ofSeconds(120));
        final Set<String> inputs = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : predictions) {
            final Prediction p = Codecs.decode(r.value(), Prediction.class);
            assertThat(inputs.add(p.getSourcePartition() + "/" + p.getSourceOffset()))
                    .as("a second prediction for input %s/%s", p.getSourcePartition(), p.getSourceOffset()).isTrue();
        }
        assertThat(predictions).as(progress).hasSize(stream.total());

        // read before the reader starts: anything it reported would show as a history point without a committed report
        final Map<String, List<ModelDiagnosis>> reports = CommittedReports.read(cluster);
        assertThat(reports.keySet()).as("models with committed reports").hasSize(MODELS);
        final Map<String, String> reader = new java.util.HashMap<>(config);
        reader.put("state.dir", dir.resolve("reader-state").toString());
        try (GapwatchService service = cluster.start(reader)) {
            for (int m = 0; m < MODELS; m++) {
                final String id = "model-" + m;
                final JsonNode actual = StreamProcessorIT.model(cluster, service, id, stream.perModel());
                final JsonNode wanted = new ObjectMapper().readTree(ReportJson.compact().writeValueAsString(
                        ReportJson.summary(id, null, ModelOptions.DEFAULT_WINDOW, Diagnostics.report(stream.expected().get(m)))));
                StreamProcessorIT.assertSameNumbers(StreamProcessorIT.normalized(actual), StreamProcessorIT.normalized(wanted));

                final var lastAt = CommittedReports.assertEachIsTheEngines(id, reports.get(id), Stream.fresh(), stream.rows().get(m));
                assertThat(lastAt.lastKey()).as("%s's last committed report", id).isEqualTo(stream.perModel());
                CommittedReports.assertHistoryIsTheReports(id, history(cluster, service, id), lastAt,
                        Integer.parseInt(config.getOrDefault("history.points", "600")));
            }
        }
    }

    /** The model's history points as GET /models/ID/history answers. */
    static JsonNode history(Cluster cluster, GapwatchService service, String id) throws Exception {
        final var response = cluster.get(service, "/models/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20") + "/history");
        assertThat(response.statusCode()).as("GET /models/%s/history: %s", id, response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body()).get("points");
    }

    /** {@code gapwatch run --config FILE} in a JVM of its own, on this test's classpath. */
    static Process launch(Path config, Path log) throws Exception {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.gapwatch.app.Gapwatch", "run", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // the config file is the whole configuration: GAPWATCH_* variables of the caller would override it
        builder.environment().keySet().removeIf(name -> name.startsWith("GAPWATCH_"));
        return builder.start();
    }

    /** {@link HaltingProcessor}: {@code run} that halts its JVM the n-th time it reaches {@code point}. */
    static Process launchHalting(Path config, Path log, String point, long n) throws Exception {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                HaltingProcessor.class.getName(), config.toString(), point, Long.toString(n))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("GAPWATCH_"));
        return builder.start();
    }

    /** What the processor's stream threads are doing, from jcmd's thread dump. */
    static String streamThreads(Process processor) {
        if (!processor.isAlive()) {
            return "(the processor has exited with " + processor.exitValue() + ")";
        }
        try {
            final String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            final Process dump = new ProcessBuilder(jcmd, Long.toString(processor.pid()), "Thread.print").redirectErrorStream(true).start();
            final String all = new String(dump.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            dump.waitFor(30, TimeUnit.SECONDS);
            return java.util.Arrays.stream(all.split("\n\n")).filter(t -> t.contains("StreamThread")).collect(java.util.stream.Collectors.joining("\n\n"));
        } catch (Exception e) {
            return "(no thread dump: " + e + ")";
        }
    }

    /** The last lines a processor wrote, so that a failure here says what the processor saw. */
    static String tail(Path log) {
        try {
            final List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Input records the processor's consumer group has committed, over every partition. */
    static long inputCommitted(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                .values().stream().filter(java.util.Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
    }

    static void awaitInputCommitted(Admin admin, String group, long target, Duration timeout) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        long committed;
        while ((committed = inputCommitted(admin, group)) < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + committed + " of " + target + " input records committed after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** Where things stand, for a failure message: committed input offsets, the predictions' stable offsets, open transactions. */
    static String progress(Admin admin, String group, Cluster cluster) {
        try {
            final var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            final Map<TopicPartition, OffsetSpec> stable = new java.util.HashMap<>();
            for (int p = 0; p < 4; p++) {
                stable.put(new TopicPartition(cluster.predictions, p), OffsetSpec.latest());
            }
            final var ends = admin.listOffsets(stable, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS);
            final var transactions = admin.listTransactions().all().get(10, TimeUnit.SECONDS);
            return "committed input offsets " + committed
                    + "\nprediction stable offsets " + ends
                    + "\ntransactions " + transactions;
        } catch (Exception e) {
            return "(progress unavailable: " + e + ")";
        }
    }
}
