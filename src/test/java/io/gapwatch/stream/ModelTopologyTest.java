package io.gapwatch.stream;

import io.gapwatch.avro.DeadLetter;
import io.gapwatch.avro.ModelDiagnosis;
import io.gapwatch.avro.ModelState;
import io.gapwatch.avro.Observation;
import io.gapwatch.avro.Prediction;
import io.gapwatch.avro.RejectReason;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.sgd.LearnerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The topology's logic, driven by TopologyTestDriver: decoding, dead letters, test-then-train, reports, state. */
class ModelTopologyTest {

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private LoggedInput input;
    /** Every record piped in, at its offset: the input topic a restore reads back (one partition, 0). */
    private final List<byte[][]> inputLog = new ArrayList<>();
    /** Offsets below this are no longer in the input log: what a topic's retention removed. */
    private long logStart;

    /** The input topic as the processor sees it: every piped record also goes to {@link #inputLog}, at its offset. */
    final class LoggedInput {
        private final TestInputTopic<byte[], byte[]> topic;

        LoggedInput(TestInputTopic<byte[], byte[]> topic) {
            this.topic = topic;
        }

        void pipeInput(byte[] key, byte[] value) {
            inputLog.add(new byte[][] {key, value});
            topic.pipeInput(key, value);
        }
    }

    /** Times the input was read back, by anyone. */
    private int inputReads;

    /** Reads {@link #inputLog} back as the Kafka reader reads a partition: offsets in order, from the log start. */
    private final InputLog.Factory testLog = () -> new InputLog() {
        @Override
        public long read(int partition, long from, long to, java.util.function.Predicate<String> keys, Sink sink) {
            inputReads++;
            final long start = Math.max(from, logStart);
            for (long offset = start; offset <= to && offset < inputLog.size(); offset++) {
                final byte[][] record = inputLog.get((int) offset);
                if (record[0] != null && keys.test(new String(record[0], StandardCharsets.UTF_8))) {
                    sink.accept(new String(record[0], StandardCharsets.UTF_8), offset, record[1]);
                }
            }
            return start;
        }

        @Override
        public void close() {
        }
    };
    private TestOutputTopic<String, byte[]> predictions;
    private TestOutputTopic<String, byte[]> reports;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    /** @param snapshotLag snapshot.lag.records: input offsets a model's oldest unsnapshotted record may lie behind */
    StreamSettings settings(int snapshotLag, long reportEvery, Function<String, Map<String, LearnerConfig>> learners,
                            Function<String, List<String>> features) {
        return new StreamSettings("obs", "pred", "rep", "dlq", "weights", ModelOptions.DEFAULTS,
                id -> new io.gapwatch.engine.ModelSpec(features.apply(id), ModelOptions.DEFAULTS, learners.apply(id)),
                60_000L, reportEvery, snapshotLag, 3_600_000L, 32.0, 64, 2000, false, 64L << 20, 0.2, 600, FaultInjection.NONE, testLog);
    }

    StreamSettings settings() {
        return settings(5, 10, id -> LearnerConfig.defaultSet(), id -> null);
    }

    private void open(StreamSettings settings) {
        open(settings, StreamListener.NONE);
    }

    private void open(StreamSettings settings, StreamListener listener) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(TopologyFactory.build(settings, listener), props);
        final TestInputTopic<byte[], byte[]> topic = driver.createInputTopic("obs", new ByteArraySerializer(), new ByteArraySerializer());
        // a new driver numbers offsets from 0: keyless fillers (dead-lettered, touching no model) bring it level with the log
        for (int i = 0; i < inputLog.size(); i++) {
            topic.pipeInput(null, new byte[] {0});
        }
        input = new LoggedInput(topic);
        predictions = driver.createOutputTopic("pred", new StringDeserializer(), new ByteArrayDeserializer());
        reports = driver.createOutputTopic("rep", new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic("dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    static byte[] key(String model) {
        return model.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] avro(double y, double... x) {
        final List<Double> features = new ArrayList<>();
        for (double v : x) {
            features.add(v);
        }
        return Codecs.encode(Observation.newBuilder().setFeatures(features).setTarget(Double.isNaN(y) ? null : y).build());
    }

    static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Rows of y = 1 + 2·x1 − x2 + noise. */
    static double[][] rows(int n, int d, long seed) {
        final Random random = new Random(seed);
        final double[][] rows = new double[n][d + 1];
        for (double[] row : rows) {
            double y = 1.0;
            for (int j = 0; j < d; j++) {
                row[j] = random.nextGaussian();
                y += (j == 0 ? 2 : -1) * row[j];
            }
            row[d] = y + 0.1 * random.nextGaussian();
        }
        return rows;
    }

    static double[] features(double[] row) {
        return java.util.Arrays.copyOf(row, row.length - 1);
    }

    /** The model as its stores and the input log hold it: what a restore rebuilds. */
    private Model stored(String model) {
        final KeyValueStore<String, byte[]> snapshots = driver.getKeyValueStore(StreamSettings.SNAPSHOTS_STORE);
        final KeyValueStore<String, byte[]> pending = driver.getKeyValueStore(StreamSettings.PENDING_STORE);
        final KeyValueStore<String, byte[]> progress = driver.getKeyValueStore(StreamSettings.PROGRESS_STORE);
        final ObservationDecoder decoder = new ObservationDecoder(64, 2000);
        try (InputLog log = testLog.open()) {
            final ModelStore.Loaded loaded = ModelStore.load(snapshots, pending, progress, model, new RecordCodec(), log,
                    (key, value, d) -> ModelReader.learnable(decoder, key, value, d));
            return loaded == null ? null : loaded.model();
        }
    }

    static byte[] state(Model model) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.write(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    /**
     * A training job's weights on the weights topic: judged at once against the exact fit as it
     * stands, in a report beside the model's own learners (optimizer "external"), kept across a
     * restart; weights that cannot be judged go to the dead-letter topic, each with its reason.
     */
    @Test
    void shouldJudgeATrainingJobsWeightsAsTheyArriveAndDeadLetterThoseThatDoNotFit() {
        open(settings(1000, 1_000_000, id -> LearnerConfig.defaultSet(), id -> null));
        final TestInputTopic<byte[], byte[]> weights = driver.createInputTopic("weights", new ByteArraySerializer(), new ByteArraySerializer());
        final double[][] rows = rows(40, 2, 9);
        for (double[] row : rows) {
            input.pipeInput(key("m"), avro(row[2], row[0], row[1]));
        }
        // the exact fit of these rows is about y = 1 + 2·x1 − x2: a job near it, then one far from it
        weights.pipeInput(key("m"), json("{\"learner\": \"torch\", \"step\": 10, \"intercept\": 1.0, \"weights\": [2.0, -1.0]}"));
        weights.pipeInput(key("m"), io.gapwatch.stream.Codecs.encode(io.gapwatch.avro.WeightsUpdate.newBuilder()
                .setLearner("far").setStep(null).setIntercept(null).setWeights(List.of(0.0, 0.0)).build()));
        final List<io.gapwatch.avro.ModelDiagnosis> judged = reports.readValuesToList().stream()
                .map(b -> Codecs.decode(b, io.gapwatch.avro.ModelDiagnosis.class)).toList();
        assertThat(judged).hasSize(2);
        final var near = judged.get(1).getLearners().get("torch");
        final var far = judged.get(1).getLearners().get("far");
        assertThat(judged.get(1).getLearners().keySet()).containsExactly("sgd", "adam", "far", "torch");
        assertThat(near.getOptimizer()).isEqualTo("external");
        assertThat(near.getExcessMse()).isLessThan(0.01 * far.getExcessMse());
        assertThat(judged.get(1).getRecords()).isEqualTo(40);

        weights.pipeInput(key("nobody"), json("{\"learner\": \"torch\", \"weights\": [1.0, 2.0]}"));
        weights.pipeInput(key("m"), json("{\"learner\": \"torch\", \"weights\": [1.0, 2.0, 3.0]}"));
        weights.pipeInput(key("m"), json("{\"learner\": \"sgd\", \"weights\": [1.0, 2.0]}"));
        weights.pipeInput(key("m"), json("{\"learner\": \"torch\", \"weights\": [1.0, NaN]}"));
        weights.pipeInput(key("m"), json("{\"learner\": \"torch\", \"weights\": [1.0, 1e200]}"));
        weights.pipeInput(key("m"), json("{\"weights\": [1.0, 2.0]}"));
        final List<DeadLetter> letters = deadLetters.readValuesToList().stream().map(b -> Codecs.decode(b, DeadLetter.class)).toList();
        assertThat(letters).extracting(DeadLetter::getReason).containsExactly(RejectReason.UNKNOWN_MODEL, RejectReason.WRONG_DIMENSION,
                RejectReason.WEIGHTS_REJECTED, RejectReason.UNDECODABLE, RejectReason.OUT_OF_RANGE, RejectReason.UNDECODABLE);
        assertThat(letters.get(0).getSourceTopic()).isEqualTo("weights");
        assertThat(letters.get(1).getMessage()).contains("3 weights where the model has 2 features");
        assertThat(letters.get(2).getMessage()).contains("its own learner 'sgd'");
        assertThat(reports.readValuesToList()).as("nothing judged from a rejected record").isEmpty();

        restart(settings(1000, 1_000_000, id -> LearnerConfig.defaultSet(), id -> null));
        final TestInputTopic<byte[], byte[]> again = driver.createInputTopic("weights", new ByteArraySerializer(), new ByteArraySerializer());
        again.pipeInput(key("m"), json("{\"learner\": \"torch\", \"step\": 20, \"intercept\": 1.0, \"weights\": [2.0, -1.0]}"));
        final io.gapwatch.avro.ModelDiagnosis after = Codecs.decode(reports.readValuesToList().get(0), io.gapwatch.avro.ModelDiagnosis.class);
        assertThat(after.getLearners().keySet()).as("the external learners survive a restart").containsExactly("sgd", "adam", "far", "torch");
        assertThat(after.getLearners().get("torch").getExcessMse()).isEqualTo(near.getExcessMse());
    }

    /**
     * One history point per report, the report's own numbers, and never more than history.points:
     * when full, the older half is thinned, so the first point and the latest ones stay.
     */
    @Test
    void shouldKeepOneHistoryPointPerReportThinningTheOlderHalfWhenFull() {
        final StreamSettings base = settings(1000, 10, id -> LearnerConfig.defaultSet(), id -> null);
        open(new StreamSettings(base.observationsTopic(), base.predictionsTopic(), base.reportsTopic(), base.deadLetterTopic(), base.weightsTopic(),
                base.modelOptions(), base.specFor(), base.reportIntervalMs(), base.reportEveryRecords(), base.snapshotLagRecords(),
                base.snapshotLagMs(), base.snapshotHeldRatio(), base.keyMaxBytes(), base.featuresMax(), false, base.cacheMaxBytes(), base.reportShare(), 8,
                FaultInjection.NONE, testLog));
        final KeyValueStore<String, byte[]> history = driver.getKeyValueStore(StreamSettings.HISTORY_STORE);
        final double[][] rows = rows(200, 2, 3);
        for (int i = 0; i < 50; i++) {
            input.pipeInput(key("m"), avro(rows[i][2], rows[i][0], rows[i][1]));
        }
        final List<io.gapwatch.avro.HistoryPoint> five = ModelHistory.read(history, "m");
        assertThat(five).extracting(io.gapwatch.avro.HistoryPoint::getRecords).containsExactly(10L, 20L, 30L, 40L, 50L);
        // the point is the report's: the reports topic's last exact R² is the history's last
        final io.gapwatch.avro.ModelDiagnosis last = Codecs.decode(reports.readValuesToList().get(4), io.gapwatch.avro.ModelDiagnosis.class);
        assertThat(five.get(4).getExact().getR2()).isEqualTo(last.getExact().getR2());
        assertThat(five.get(4).getLearners().keySet()).containsExactly("sgd", "adam");
        assertThat(ModelHistory.latest(history, "m").getRecords()).isEqualTo(50L);

        for (int i = 50; i < 200; i++) {
            input.pipeInput(key("m"), avro(rows[i][2], rows[i][0], rows[i][1]));
        }
        final List<Long> kept = ModelHistory.read(history, "m").stream().map(io.gapwatch.avro.HistoryPoint::getRecords).toList();
        assertThat(kept).hasSizeLessThanOrEqualTo(8).startsWith(10L).endsWith(190L, 200L).isSorted();
        assertThat(ModelHistory.read(history, "other")).isEmpty();
    }

    @Test
    void shouldPredictEveryRecordBeforeLearningFromIt() {
        open(settings());
        final double[][] rows = rows(20, 2, 1);
        for (double[] row : rows) {
            input.pipeInput(key("m"), avro(row[2], row[0], row[1]));
        }
        final List<Prediction> out = predictions.readValuesToList().stream().map(b -> Codecs.decode(b, Prediction.class)).toList();
        assertThat(out).hasSize(20);
        assertThat(out.get(0).getRecords()).isZero();
        assertThat(out.get(0).getExact()).as("nothing learned yet").isNull();
        assertThat(out.get(0).getLearners()).containsOnlyKeys("sgd", "adam");
        assertThat(out.get(0).getLearners().get("sgd")).isZero(); // zero weights before the first step
        assertThat(out.get(19).getRecords()).isEqualTo(19);
        assertThat(out.get(19).getExact()).isNotNull();
        assertThat(out.get(19).getSourceOffset()).isEqualTo(19);

        // the same records through a model directly: the same predictions, bit for bit
        final Model reference = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        for (int i = 0; i < 20; i++) {
            final double[] p = reference.observe(features(rows[i]), rows[i][2]);
            assertThat(out.get(i).getLearners().get("adam")).isEqualTo(p[2]);
            if (!Double.isNaN(p[0])) {
                assertThat(out.get(i).getExact()).isEqualTo(p[0]);
            }
        }
    }

    @Test
    void shouldAcceptJsonAndScoreRecordsWithoutATarget() {
        open(settings());
        input.pipeInput(key("j"), json("{\"features\":[1.0, 2.0],\"target\":3.5,\"record_id\":\"r1\",\"event_time\":1700000000000}"));
        input.pipeInput(key("j"), json("{\"features\":[2.0, 1.0],\"target\":null}"));
        input.pipeInput(key("j"), json("{\"features\":[0.5, 0.5]}"));
        final List<Prediction> out = predictions.readValuesToList().stream().map(b -> Codecs.decode(b, Prediction.class)).toList();
        assertThat(out).hasSize(3);
        assertThat(out.get(0).getRecordId()).isEqualTo("r1");
        assertThat(out.get(0).getEventTime().toEpochMilli()).isEqualTo(1_700_000_000_000L);
        assertThat(out.get(1).getTarget()).isNull();
        assertThat(out.get(2).getRecords()).as("scored records teach nothing").isEqualTo(1);
        assertThat(stored("j").count()).isEqualTo(1);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterEveryKindOfBadRecordAndLeaveTheModelAsIfItNeverCame() throws IOException {
        open(settings());
        final double[][] rows = rows(30, 2, 2);
        final List<byte[][]> bad = List.of(
                new byte[][] {key("m"), json("not json at all")},
                new byte[][] {null, avro(1, 1, 2)},
                new byte[][] {key("x".repeat(65)), avro(1, 1, 2)},
                new byte[][] {key("m"), json("{\"target\": 1}")},
                new byte[][] {key("m"), json("{\"features\": [], \"target\": 1}")},
                new byte[][] {key("m"), avro(1, 1, 2, 3)},
                new byte[][] {key("m"), avro(Double.NaN == 0 ? 0 : 1, Double.POSITIVE_INFINITY, 2)},
                new byte[][] {key("m"), avro(1e200, 1, 2)},
                new byte[][] {key("m"), json("{\"features\": [1, \"two\"], \"target\": 1}")},
                new byte[][] {key("m"), new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9}},
                new byte[][] {key("m"), new double[2001].length > 0 ? avroOf(new double[2001]) : null});
        final List<RejectReason> expected = List.of(RejectReason.UNDECODABLE, RejectReason.EMPTY_KEY, RejectReason.OVERSIZED_KEY,
                RejectReason.MISSING_FEATURES, RejectReason.MISSING_FEATURES, RejectReason.WRONG_DIMENSION, RejectReason.NON_FINITE,
                RejectReason.OUT_OF_RANGE, RejectReason.UNDECODABLE, RejectReason.UNDECODABLE, RejectReason.TOO_MANY_FEATURES);
        int next = 0;
        for (int i = 0; i < rows.length; i++) {
            input.pipeInput(key("m"), avro(rows[i][2], rows[i][0], rows[i][1]));
            if (i % 2 == 0 && next < bad.size()) {
                input.pipeInput(bad.get(next)[0], bad.get(next)[1]);
                next++;
            }
        }
        final List<DeadLetter> letters = deadLetters.readValuesToList().stream().map(b -> Codecs.decode(b, DeadLetter.class)).toList();
        assertThat(letters).extracting(DeadLetter::getReason).containsExactlyElementsOf(expected);
        for (int i = 0; i < letters.size(); i++) {
            assertThat(letters.get(i).getSourceTopic()).isEqualTo("obs");
            assertThat(ModelStore.bytesOf(letters.get(i).getValue())).as("raw value kept").isEqualTo(bad.get(i)[1]);
            assertThat(letters.get(i).getMessage()).isNotBlank();
        }
        // the model is the model of the good records alone
        final Model reference = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        for (double[] row : rows) {
            reference.observe(features(row), row[2]);
        }
        assertThat(state(stored("m"))).isEqualTo(state(reference));
        assertThat(predictions.getQueueSize()).isEqualTo(30);
    }

    private static byte[] avroOf(double[] x) {
        return avro(1.0, x);
    }

    @Test
    void shouldRebuildEveryModelFromItsStoresAfterARestartBitForBit() throws IOException {
        final double[][] rows = rows(37, 3, 3);
        open(settings());
        for (int i = 0; i < 23; i++) {
            input.pipeInput(key("a"), avro(rows[i][3], rows[i][0], rows[i][1], rows[i][2]));
            input.pipeInput(key("b"), avro(-rows[i][3], rows[i][2], rows[i][1], rows[i][0]));
        }
        restart(settings());
        for (int i = 23; i < rows.length; i++) {
            input.pipeInput(key("a"), avro(rows[i][3], rows[i][0], rows[i][1], rows[i][2]));
            input.pipeInput(key("b"), avro(-rows[i][3], rows[i][2], rows[i][1], rows[i][0]));
        }
        final Model a = new Model(List.of("x1", "x2", "x3"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        final Model b = new Model(List.of("x1", "x2", "x3"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        for (double[] row : rows) {
            a.observe(new double[] {row[0], row[1], row[2]}, row[3]);
            b.observe(new double[] {row[2], row[1], row[0]}, -row[3]);
        }
        assertThat(state(stored("a"))).isEqualTo(state(a));
        assertThat(state(stored("b"))).isEqualTo(state(b));
    }

    /** Every store's contents, by store name. */
    private Map<String, Map<String, byte[]>> storeContents() {
        final Map<String, Map<String, byte[]>> stores = new java.util.HashMap<>();
        for (String name : List.of(StreamSettings.SNAPSHOTS_STORE, StreamSettings.PENDING_STORE, StreamSettings.PROGRESS_STORE,
                StreamSettings.HISTORY_STORE, StreamSettings.EXTERNAL_STORE)) {
            final Map<String, byte[]> copy = new java.util.HashMap<>();
            try (var it = driver.<String, byte[]>getKeyValueStore(name).all()) {
                it.forEachRemaining(kv -> copy.put(kv.key, kv.value));
            }
            stores.put(name, copy);
        }
        return stores;
    }

    /**
     * A new processor with empty caches over the given store contents. TopologyTestDriver wipes its
     * state directory on close, so the contents are carried over by hand, after the processor's
     * init: what it finds is found on first use, as after a rebalance hands a task over.
     */
    private void reopen(StreamSettings settings, Map<String, Map<String, byte[]>> stores) {
        driver.close();
        driver = null;
        open(settings);
        stores.forEach((name, copy) -> copy.forEach((k, v) -> driver.<String, byte[]>getKeyValueStore(name).put(k, v)));
    }

    /** A clean restart: every store as it was. */
    private void restart(StreamSettings settings) {
        reopen(settings, storeContents());
    }

    /** A crash: the changelogged stores as last committed (here: as they are); the local pending records are gone. */
    private void crash(StreamSettings settings) {
        final Map<String, Map<String, byte[]>> stores = storeContents();
        stores.remove(StreamSettings.PENDING_STORE);
        reopen(settings, stores);
    }

    @Test
    void shouldRestoreAcrossSeveralRestartsBetweenTwoSnapshots() throws IOException {
        // a snapshot every 40 records: the records a later restart replays were logged by earlier incarnations
        final double[][] rows = rows(90, 2, 8);
        final StreamSettings settings = settings(40, 1000, id -> LearnerConfig.defaultSet(), id -> null);
        open(settings);
        int next = 0;
        for (int stop : new int[] {7, 23, 29, 45, 46, 90}) {
            for (; next < stop; next++) {
                input.pipeInput(key("m"), avro(rows[next][2], rows[next][0], rows[next][1]));
            }
            if (stop < rows.length) {
                restart(settings);
            }
        }
        final Model expected = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        for (double[] row : rows) {
            expected.observe(features(row), row[2]);
        }
        assertThat(state(stored("m"))).isEqualTo(state(expected));
        assertThat(stored("m").count()).isEqualTo(90);
    }

    /** After a crash the local pending records are gone: each model reads its records since its snapshot back from the input. */
    @Test
    void shouldRebuildFromTheInputAfterCrashesThatTookTheLocalPendingRecords() throws IOException {
        final double[][] rows = rows(90, 2, 8);
        final StreamSettings settings = settings(40, 1000, id -> LearnerConfig.defaultSet(), id -> null);
        open(settings);
        int next = 0;
        for (int stop : new int[] {7, 23, 29, 45, 46, 90}) {
            for (; next < stop; next++) {
                input.pipeInput(key("m"), avro(rows[next][2], rows[next][0], rows[next][1]));
                input.pipeInput(key("n"), avro(-rows[next][2], rows[next][1], rows[next][0]));
            }
            if (stop < rows.length) {
                crash(settings);
            }
        }
        final Model m = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        final Model n = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        for (double[] row : rows) {
            m.observe(features(row), row[2]);
            n.observe(new double[] {row[1], row[0]}, -row[2]);
        }
        assertThat(state(stored("m"))).isEqualTo(state(m));
        assertThat(state(stored("n"))).isEqualTo(state(n));
        assertThat(stored("m").lostRecords()).isZero();
    }

    /**
     * A crash between a snapshot and the commit of its transaction: the snapshot and the progress
     * roll back to the last commit, but the local store has already dropped the pending records
     * the snapshot covered, and the record that caused the snapshot comes again at its offset.
     */
    @Test
    void shouldRebuildWhenACrashLandsBetweenASnapshotAndItsCommit() throws IOException {
        final double[][] rows = rows(30, 2, 12);
        final StreamSettings settings = settings();
        open(settings);
        int crashes = 0;
        for (int i = 0; i < rows.length; i++) {
            final Map<String, Map<String, byte[]>> committed = storeContents();
            final byte[] manifestBefore = committed.get(StreamSettings.SNAPSHOTS_STORE).get("m");
            input.pipeInput(key("m"), avro(rows[i][2], rows[i][0], rows[i][1]));
            final byte[] manifestAfter = driver.<String, byte[]>getKeyValueStore(StreamSettings.SNAPSHOTS_STORE).get("m");
            if (manifestBefore != null && !java.util.Arrays.equals(manifestBefore, manifestAfter) && crashes < 2) {
                crashes++;
                final Map<String, Map<String, byte[]>> afterCrash = new java.util.HashMap<>(committed);
                afterCrash.put(StreamSettings.PENDING_STORE, storeContents().get(StreamSettings.PENDING_STORE));
                inputLog.remove(inputLog.size() - 1); // uncommitted: the consumer reads it again, at the same offset
                reopen(settings, afterCrash);
                input.pipeInput(key("m"), avro(rows[i][2], rows[i][0], rows[i][1]));
            }
        }
        assertThat(crashes).as("crashes that landed between a snapshot and its commit").isEqualTo(2);
        final Model expected = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        for (double[] row : rows) {
            expected.observe(features(row), row[2]);
        }
        assertThat(state(stored("m"))).isEqualTo(state(expected));
    }

    /**
     * Records a restore needs that the input's retention has removed: the model cannot be rebuilt
     * exactly. It goes on from what it could read, counts what it lost — once, however many restarts
     * follow — and its report says so.
     */
    @Test
    void shouldCountAndReportRecordsTheInputNoLongerHolds() throws IOException {
        final double[][] rows = rows(35, 2, 13);
        final StreamSettings settings = settings(1000, 1000, id -> LearnerConfig.defaultSet(), id -> null);
        open(settings);
        for (int i = 0; i < 30; i++) {
            input.pipeInput(key("m"), avro(rows[i][2], rows[i][0], rows[i][1]));
        }
        logStart = 10; // retention removed offsets 0–9 before the model's first snapshot
        crash(settings);
        for (int i = 30; i < 35; i++) {
            input.pipeInput(key("m"), avro(rows[i][2], rows[i][0], rows[i][1]));
        }
        crash(settings);
        final Model expected = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        for (int i = 10; i < 35; i++) {
            expected.observe(features(rows[i]), rows[i][2]);
        }
        expected.lost(10);
        final Model model = stored("m");
        assertThat(model.lostRecords()).isEqualTo(10);
        assertThat(state(model)).isEqualTo(state(expected));
        assertThat(io.gapwatch.engine.diagnostics.Diagnostics.report(model).findings())
                .anySatisfy(f -> assertThat(f.code()).isEqualTo(io.gapwatch.engine.diagnostics.FindingCode.RECORDS_LOST));
    }

    @Test
    void shouldSplitALargeModelsSnapshotIntoChunksUnderTheMessageLimit() {
        // d = 400: the factor alone is 400²/2 doubles ≈ 640 KB, more than one 512 KB chunk
        final int d = 400;
        open(settings(3, 1000, id -> Map.of("sgd", LearnerConfig.DEFAULTS), id -> null));
        final Random random = new Random(4);
        for (int i = 0; i < 7; i++) {
            final double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = random.nextGaussian();
            }
            input.pipeInput(key("wide"), avro(random.nextGaussian(), x));
        }
        final KeyValueStore<String, byte[]> snapshots = driver.getKeyValueStore(StreamSettings.SNAPSHOTS_STORE);
        final io.gapwatch.avro.ModelState manifest = Codecs.decode(snapshots.get("wide"), io.gapwatch.avro.ModelState.class);
        // lag 3: the first record (offset 0) is more than 3 offsets behind when offset 4, the fifth, comes
        assertThat(manifest.getRecords()).isEqualTo(5);
        assertThat(manifest.getChunks()).isGreaterThan(1);
        for (int i = 0; i < manifest.getChunks(); i++) {
            assertThat(snapshots.get(ModelStore.chunkKey("wide", manifest.getGeneration(), i)).length).isLessThanOrEqualTo(ModelStore.CHUNK_BYTES);
        }
        assertThat(snapshots.get(ModelStore.chunkKey("wide", manifest.getGeneration() - 1, 0))).as("old generation removed").isNull();
        assertThat(stored("wide").count()).isEqualTo(7);
    }

    /**
     * A fault in the middle of one record — after its model learned it in memory, before anything
     * was written — sends that record to the dead-letter topic with the exception, leaves its model
     * exactly as if the record had never come, and stops no other model.
     */
    @Test
    void shouldDeadLetterAFaultAndLeaveTheModelAsIfTheRecordNeverCame() throws IOException {
        open(settings().withFaults((model, recordId) -> {
            if ("poison".equals(recordId)) {
                throw new IllegalStateException("injected fault");
            }
        }));
        final double[][] rows = rows(40, 2, 11);
        final Model expectedA = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        final Model expectedB = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        for (int i = 0; i < rows.length; i++) {
            final boolean poison = i == 17;
            input.pipeInput(key("a"), Codecs.encode(Observation.newBuilder().setFeatures(List.of(rows[i][0], rows[i][1]))
                    .setTarget(rows[i][2]).setRecordId(poison ? "poison" : "r" + i).build()));
            input.pipeInput(key("b"), avro(-rows[i][2], rows[i][1], rows[i][0]));
            if (!poison) {
                expectedA.observe(new double[] {rows[i][0], rows[i][1]}, rows[i][2]);
            }
            expectedB.observe(new double[] {rows[i][1], rows[i][0]}, -rows[i][2]);
        }
        final DeadLetter letter = Codecs.decode(deadLetters.readValue(), DeadLetter.class);
        assertThat(letter.getReason()).isEqualTo(RejectReason.PROCESSING_FAILED);
        assertThat(letter.getMessage()).contains("model 'a'", "IllegalStateException", "injected fault");
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(state(stored("a"))).as("a without the poisoned record").isEqualTo(state(expectedA));
        assertThat(state(stored("b"))).as("b untouched").isEqualTo(state(expectedB));
        assertThat(predictions.readValuesToList()).hasSize(2 * rows.length - 1);
    }

    /**
     * A cached model weighs what it holds: its state and its held records, so that memory stays
     * bounded by the cache's size however long a model goes without a snapshot. A snapshot drops
     * the held records, and the weight with them.
     */
    @Test
    void shouldWeighACachedModelWithTheRecordsItHolds() {
        final long[] cachedBytes = {-1};
        final StreamListener listener = new StreamListener() {
            @Override
            public void reported(String model, io.gapwatch.engine.diagnostics.ModelReport report) {
            }

            @Override
            public void processed(String model, boolean learned) {
            }

            @Override
            public void rejected(String model, RejectReason reason) {
            }

            @Override
            public void released(String model) {
            }

            @Override
            public void reportsAndCache(String task, long lateness, double share, long models, long bytes, long evictions) {
                cachedBytes[0] = bytes;
            }
        };
        final int d = 8;
        final StreamSettings base = settings(1_500, 1_000_000, id -> LearnerConfig.defaultSet(), id -> null);
        open(new StreamSettings(base.observationsTopic(), base.predictionsTopic(), base.reportsTopic(), base.deadLetterTopic(), base.weightsTopic(),
                base.modelOptions(), base.specFor(), base.reportIntervalMs(), base.reportEveryRecords(), base.snapshotLagRecords(),
                base.snapshotLagMs(), 1e6, base.keyMaxBytes(), base.featuresMax(), false, base.cacheMaxBytes(), base.reportShare(),
                base.historyPoints(), FaultInjection.NONE, testLog), listener);
        final long modelBytes = new Model(ModelProcessor.defaultNames(d), ModelOptions.DEFAULTS, LearnerConfig.defaultSet()).heapBytes();
        final long heldBytes = 72 + 8L * d; // a held record: its features and its overhead
        final Random random = new Random(31);
        final java.util.function.IntConsumer pipe = n -> {
            for (int i = 0; i < n; i++) {
                final double[] x = new double[d];
                for (int j = 0; j < d; j++) {
                    x[j] = random.nextGaussian();
                }
                input.pipeInput(key("m"), avro(x[0] - x[1] + 0.1 * random.nextGaussian(), x));
            }
            driver.advanceWallClockTime(Duration.ofMillis(ModelProcessor.TICK_MS));
        };

        pipe.accept(1_000);
        final long step = Math.max(4096, modelBytes / 4);
        assertThat(cachedBytes[0]).as("the model and its 1,000 held records, weighed to within one step")
                .isBetween(modelBytes + 1_000 * heldBytes - step, modelBytes + 1_000 * heldBytes);

        pipe.accept(600); // the oldest held record falls 1,500 offsets behind at record 1,502: a snapshot
        assertThat(cachedBytes[0]).as("after the snapshot: the model and the 98 records since")
                .isBetween(modelBytes, modelBytes + 100 * heldBytes);
    }

    /**
     * A model the cache keeps holds its records since its snapshot in memory: learning writes no
     * record to the pending store and takes no snapshot, and what it holds is nonetheless in the
     * input, from which its stores and the input rebuild it bit for bit.
     */
    @Test
    void shouldHoldACachedModelsRecordsInMemoryAndWriteNoneOfThem() throws IOException {
        final double[][] rows = rows(300, 2, 21);
        open(settings(1_000_000, 1_000_000, id -> LearnerConfig.defaultSet(), id -> null));
        final Model expected = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        for (double[] row : rows) {
            input.pipeInput(key("m"), avro(row[2], row[0], row[1]));
            expected.observe(features(row), row[2]);
        }
        assertThat(storeContents().get(StreamSettings.PENDING_STORE)).isEmpty();
        final ModelState manifest = Codecs.decode(driver.<String, byte[]>getKeyValueStore(StreamSettings.SNAPSHOTS_STORE).get("m"),
                ModelState.class);
        assertThat(manifest.getRecords()).as("records in its snapshot: none, it was never due one").isZero();
        assertThat(state(stored("m"))).isEqualTo(state(expected));
        assertThat(inputReads).as("its held records, read back from the input by the check above").isEqualTo(1);
    }

    /**
     * Held records are bounded by snapshot.held.ratio times the model's snapshot: past that, the
     * model is snapshotted instead of holding more, well before snapshot.lag.records would ask.
     */
    @Test
    void shouldSnapshotAModelWhoseHeldRecordsOutweighItsSnapshot() throws IOException {
        final double[][] rows = rows(600, 2, 22);
        final StreamSettings base = settings(1_000_000, 1_000_000, id -> LearnerConfig.defaultSet(), id -> null);
        open(new StreamSettings(base.observationsTopic(), base.predictionsTopic(), base.reportsTopic(), base.deadLetterTopic(), base.weightsTopic(),
                base.modelOptions(), base.specFor(), base.reportIntervalMs(), base.reportEveryRecords(), base.snapshotLagRecords(),
                base.snapshotLagMs(), 1.0, base.keyMaxBytes(), base.featuresMax(), false, base.cacheMaxBytes(), base.reportShare(),
                base.historyPoints(), FaultInjection.NONE, testLog));
        final KeyValueStore<String, byte[]> snapshots = driver.getKeyValueStore(StreamSettings.SNAPSHOTS_STORE);
        final Model expected = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        long generations = 0;
        long lastGeneration = 0;
        long firstGap = 0;
        long largestGap = 0;
        long lastSnapshotAt = 0;
        for (int i = 0; i < rows.length; i++) {
            input.pipeInput(key("m"), avro(rows[i][2], rows[i][0], rows[i][1]));
            expected.observe(features(rows[i]), rows[i][2]);
            final ModelState manifest = Codecs.decode(snapshots.get("m"), ModelState.class);
            if (manifest.getGeneration() != lastGeneration) {
                generations++;
                lastGeneration = manifest.getGeneration();
                if (firstGap == 0) {
                    firstGap = i + 1; // before its first snapshot a model holds up to its heap weight instead
                } else {
                    largestGap = Math.max(largestGap, i + 1 - lastSnapshotAt);
                }
                lastSnapshotAt = i + 1;
                assertThat(manifest.getRecords()).isEqualTo(i + 1);
            }
        }
        final long snapshotBytes = Codecs.decode(snapshots.get("m"), ModelState.class).getSize();
        final long recordBytes = new RecordCodec().writePending(1, 1, new double[2], 0).length;
        assertThat(generations).as("snapshots taken for the held records' weight").isGreaterThan(2);
        assertThat(firstGap).as("records before the first snapshot: at most about the model's heap weight in held records")
                .isLessThanOrEqualTo(expected.heapBytes() / recordBytes + 2);
        assertThat(largestGap).as("records between two snapshots: at most about the snapshot's bytes in held records")
                .isLessThanOrEqualTo(snapshotBytes / recordBytes + 2);
        assertThat(storeContents().get(StreamSettings.PENDING_STORE)).isEmpty();
        assertThat(state(stored("m"))).isEqualTo(state(expected));
    }

    /**
     * With a cache too small for more than a few models, the others live only in their stores and
     * are read back when their next record comes: every model continues bit for bit as one that
     * was never let go, and each still reports on the interval.
     */
    @Test
    void shouldContinueBitForBitWhenTheCacheLetsModelsGo() throws IOException {
        final StreamSettings base = settings(7, 1_000_000, id -> LearnerConfig.defaultSet(), id -> null);
        open(new StreamSettings(base.observationsTopic(), base.predictionsTopic(), base.reportsTopic(), base.deadLetterTopic(), base.weightsTopic(),
                base.modelOptions(), base.specFor(), base.reportIntervalMs(), base.reportEveryRecords(), base.snapshotLagRecords(),
                base.snapshotLagMs(), base.snapshotHeldRatio(), base.keyMaxBytes(), base.featuresMax(), false, 1L << 20, 1.0, base.historyPoints(), FaultInjection.NONE, testLog));
        final int d = 100; // about 100 KB a model: a 1 MiB cache holds a handful of the 20
        final int models = 20;
        final Random random = new Random(12);
        final Model[] expected = new Model[models];
        for (int m = 0; m < models; m++) {
            expected[m] = new Model(ModelProcessor.defaultNames(d), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        }
        for (int i = 0; i < 30; i++) {
            for (int m = 0; m < models; m++) {
                final double[] x = new double[d];
                for (int j = 0; j < d; j++) {
                    x[j] = random.nextGaussian();
                }
                final double y = x[0] - x[1] + m + 0.1 * random.nextGaussian();
                input.pipeInput(key("m" + m), avro(y, x));
                expected[m].observe(x, y);
            }
        }
        assertThat(expected[0].heapBytes() * models).as("the models outweigh the cache twice").isGreaterThan(2L << 20);
        assertThat(inputReads).as("models read back from their local stores alone: held records written when let go").isZero();
        assertThat(storeContents().get(StreamSettings.PENDING_STORE)).as("the held records of the models let go").isNotEmpty();
        for (int m = 0; m < models; m++) {
            assertThat(state(stored("m" + m))).as("m" + m).isEqualTo(state(expected[m]));
        }
        // the interval reports reach every model, cached or not
        driver.advanceWallClockTime(Duration.ofSeconds(61));
        for (int tick = 0; tick < 50 && reports.getQueueSize() < models; tick++) {
            driver.advanceWallClockTime(Duration.ofMillis(ModelProcessor.TICK_MS));
        }
        final java.util.Set<String> reported = new java.util.TreeSet<>();
        reports.readKeyValuesToList().forEach(kv -> reported.add(kv.key));
        assertThat(reported).hasSize(models);
    }

    @Test
    void shouldReportEveryNRecordsAndOnTheInterval() {
        open(settings(5, 10, id -> LearnerConfig.defaultSet(), id -> null));
        final double[][] rows = rows(25, 2, 5);
        for (double[] row : rows) {
            input.pipeInput(key("r"), avro(row[2], row[0], row[1]));
        }
        List<ModelDiagnosis> out = reports.readValuesToList().stream().map(b -> Codecs.decode(b, ModelDiagnosis.class)).toList();
        assertThat(out).extracting(ModelDiagnosis::getRecords).containsExactly(10L, 20L);
        assertThat(out.get(1).getLearners()).containsOnlyKeys("sgd", "adam");
        assertThat(out.get(1).getExact().getRank()).isEqualTo(3);

        driver.advanceWallClockTime(Duration.ofSeconds(61));
        out = reports.readValuesToList().stream().map(b -> Codecs.decode(b, ModelDiagnosis.class)).toList();
        assertThat(out).extracting(ModelDiagnosis::getRecords).containsExactly(25L);
        driver.advanceWallClockTime(Duration.ofSeconds(61));
        assertThat(reports.isEmpty()).as("no new records, no new report").isTrue();
    }

    @Test
    void shouldUseEachModelsOwnConfiguration() {
        final Map<String, LearnerConfig> special = Map.of("fast", LearnerConfig.parse(Map.of("optimizer", "adam", "lr", "0.1")));
        open(settings(5, 1000, id -> id.equals("special") ? special : LearnerConfig.defaultSet(),
                id -> id.equals("special") ? List.of("height", "weight") : null));
        input.pipeInput(key("special"), avro(1, 1, 2));
        input.pipeInput(key("plain"), avro(1, 1, 2));
        final List<Prediction> out = predictions.readValuesToList().stream().map(b -> Codecs.decode(b, Prediction.class)).toList();
        assertThat(out.get(0).getLearners()).containsOnlyKeys("fast");
        assertThat(out.get(1).getLearners()).containsOnlyKeys("sgd", "adam");
        assertThat(stored("special").featureNames()).containsExactly("height", "weight");
        // a configured dimension is fixed from the first record on
        input.pipeInput(key("special"), avro(1, 1, 2, 3));
        assertThat(Codecs.decode(deadLetters.readValue(), DeadLetter.class).getReason()).isEqualTo(RejectReason.WRONG_DIMENSION);
    }

    @Test
    void shouldWriteJsonOutputsWhenAskedTo() throws Exception {
        final StreamSettings base = settings();
        open(new StreamSettings(base.observationsTopic(), base.predictionsTopic(), base.reportsTopic(), base.deadLetterTopic(), base.weightsTopic(),
                base.modelOptions(), base.specFor(), base.reportIntervalMs(), 1, base.snapshotLagRecords(),
                base.snapshotLagMs(), base.snapshotHeldRatio(), base.keyMaxBytes(), base.featuresMax(), true, base.cacheMaxBytes(), base.reportShare(), base.historyPoints(), base.faults(),
                testLog));
        input.pipeInput(key("j"), avro(2, 1, 1));
        input.pipeInput(key("j"), json("oops"));
        final var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(mapper.readTree(predictions.readValue()).get("learners").has("sgd")).isTrue();
        assertThat(mapper.readTree(reports.readValue()).get("exact").get("rank").asInt()).isEqualTo(1);
        assertThat(mapper.readTree(deadLetters.readValue()).get("reason").asText()).isEqualTo("UNDECODABLE");
    }
}
