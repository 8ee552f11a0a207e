package io.gapwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.app.GapwatchService;
import io.gapwatch.avro.LearnerGap;
import io.gapwatch.avro.ModelDiagnosis;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ExternalWeights;
import io.gapwatch.engine.diagnostics.LearnerReport;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.report.ReportJson;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A training job's weights on the weights topic, interleaved with the model's observations, while
 * the processor — in a JVM of its own — is killed with SIGKILL twice mid-stream and restarted.
 * Afterwards the external learner is what an uninterrupted run makes of the same input, bit for
 * bit: the model's report judges the job's last weights exactly as the engine does; every update
 * was judged once, in order, in a committed report that is the engine's at its record count; the
 * history holds each committed report's point once; and /metrics carries the learner's gauges with
 * the tags the README documents.
 */
class ExternalLearnerCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "trained";
    private static final String JOB = "job";
    private static final int D = 3;
    private static final int RECORDS = 24_000;
    private static final int REPORT_EVERY = 1000;
    /** The job publishes after record 150, 450, 750, …: never at a multiple of REPORT_EVERY, so its reports have counts of their own. */
    private static final int FIRST_UPDATE = 150;
    private static final int UPDATE_EVERY = 300;
    private static final int HISTORY_POINTS = 600;

    /** One weights update as the job published it: after which record, and what. */
    record Update(long afterRecord, double intercept, double[] weights) {
        String json() {
            final StringBuilder s = new StringBuilder("{\"learner\": \"" + JOB + "\", \"step\": " + afterRecord
                    + ", \"intercept\": " + intercept + ", \"weights\": [");
            for (int j = 0; j < weights.length; j++) {
                s.append(j == 0 ? "" : ", ").append(weights[j]); // Double.toString: read back to the same double
            }
            return s.append("]}").toString();
        }
    }

    /** The model's input: its records (features, then target) and the job's updates, and both as the topics get them. */
    record Input(List<double[]> rows, List<Update> updates, List<ProducerRecord<String, byte[]>> records) {

        /**
         * y = 1 + 2·x1 − x2 + 0.5·x3 + noise. The "job" is plain SGD on the same records in the
         * same order, publishing its weights every {@link #UPDATE_EVERY} records. Timestamps put
         * each update between the record it follows and the next, so the processor, which merges
         * the two topics of a task by timestamp, judges it at the record count it was published at.
         */
        static Input of(Cluster cluster) {
            final Random random = new Random(11);
            final long start = System.currentTimeMillis();
            final List<double[]> rows = new ArrayList<>(RECORDS);
            final List<Update> updates = new ArrayList<>();
            final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            double b = 0;
            final double[] w = new double[D];
            for (int i = 1; i <= RECORDS; i++) {
                final double[] row = new double[D + 1];
                for (int j = 0; j < D; j++) {
                    row[j] = random.nextGaussian();
                }
                row[D] = 1 + 2 * row[0] - row[1] + 0.5 * row[2] + 0.2 * random.nextGaussian();
                rows.add(row);
                final double[] x = Arrays.copyOf(row, D);
                records.add(new ProducerRecord<>(cluster.observations, null, start + 2L * i, MODEL, StreamProcessorIT.avro(row[D], x)));
                double error = b - row[D];
                for (int j = 0; j < D; j++) {
                    error += w[j] * x[j];
                }
                b -= 0.002 * error;
                for (int j = 0; j < D; j++) {
                    w[j] -= 0.002 * error * x[j];
                }
                if (i >= FIRST_UPDATE && (i - FIRST_UPDATE) % UPDATE_EVERY == 0) {
                    final Update update = new Update(i, b, w.clone());
                    updates.add(update);
                    records.add(new ProducerRecord<>(cluster.weights, null, start + 2L * i + 1, MODEL,
                            update.json().getBytes(StandardCharsets.UTF_8)));
                }
            }
            return new Input(rows, updates, records);
        }

        /** A model as the processor starts this one: D features, the default options and learners. */
        static Model fresh() {
            return new Model(StreamProcessorIT.names(D), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        }

        /** The model after every record, as an uninterrupted run has it. */
        Model learned() {
            final Model model = fresh();
            rows.forEach(row -> model.observe(Arrays.copyOf(row, D), row[D]));
            return model;
        }
    }

    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldKeepAnExternalLearnersTrajectoryThroughSigkillsBitForBit(KafkaBackend backend) throws Exception {
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-external-crash-");
        final Map<String, String> config = cluster.config(dir.resolve("state"), Map.of(
                "snapshot.lag.records", "2000", "report.every.records", Integer.toString(REPORT_EVERY), "topics.partitions", "4"));
        final Path file = CrashRecoveryIT.configFile(cluster, dir, config);
        final Input input = Input.of(cluster);
        final long total = input.records().size(); // observations and weights: the group commits offsets of both topics
        final Update last = input.updates().get(input.updates().size() - 1);

        final String group = config.get("application.id");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap))) {
            // the whole input is on the topics before the processor first reads them: it merges the two
            // by timestamp from the start, as it does after each restart, so each update follows its record
            admin.createTopics(List.of(new NewTopic(cluster.observations, 4, (short) 1), new NewTopic(cluster.weights, 4, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            cluster.produce(input.records());
            Path log = dir.resolve("processor-0.log");
            Process processor = CrashRecoveryIT.launch(file, log);
            try {
                final double[] killAt = {0.35, 0.7};
                for (int k = 0; k < killAt.length; k++) {
                    CrashRecoveryIT.awaitInputCommitted(admin, group, (long) (killAt[k] * total), Duration.ofSeconds(120));
                    processor.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no close, no commit
                    assertThat(processor.exitValue()).as("killed").isEqualTo(137);
                    assertThat(CrashRecoveryIT.inputCommitted(admin, group)).as("input committed at kill %d: mid-stream", k).isLessThan(total);
                    if (k < killAt.length - 1) {
                        log = dir.resolve("processor-" + (k + 1) + ".log");
                        processor = CrashRecoveryIT.launch(file, log);
                    }
                }
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + CrashRecoveryIT.progress(admin, group, cluster)
                        + "\nthe processor's log " + log + " ends:\n" + CrashRecoveryIT.tail(log), e);
            } finally {
                processor.destroyForcibly();
                processor.waitFor(30, TimeUnit.SECONDS);
            }

            // the last run, here, on the state directory the killed ones left: it finishes the stream
            try (GapwatchService service = cluster.start(config)) {
                CrashRecoveryIT.awaitInputCommitted(admin, group, total, Duration.ofSeconds(120));

                // the report: the job's last weights judged against the exact fit of every record, as the engine does
                final JsonNode actual = StreamProcessorIT.model(cluster, service, MODEL, RECORDS);
                assertThat(actual.get("learners").fieldNames()).toIterable().containsExactly("sgd", "adam", JOB);
                assertThat(actual.get("learners").get(JOB).get("optimizer").asText()).isEqualTo(LearnerReport.EXTERNAL);
                final ModelReport uninterrupted = Diagnostics.report(input.learned(),
                        List.of(new ExternalWeights(JOB, last.intercept(), last.weights())));
                final JsonNode wanted = JSON.readTree(ReportJson.compact().writeValueAsString(
                        ReportJson.summary(MODEL, null, ModelOptions.DEFAULT_WINDOW, uninterrupted)));
                StreamProcessorIT.assertSameNumbers(StreamProcessorIT.normalized(actual), StreamProcessorIT.normalized(wanted));

                // the trajectory: each committed report the engine's at its count, every update judged once, in order
                final List<ModelDiagnosis> reports = CommittedReports.read(cluster).get(MODEL);
                final NavigableMap<Long, ModelReport> lastAt = CommittedReports.assertEachIsTheEngines(MODEL, reports, Input.fresh(), input.rows());
                assertThat(judgedWeights(reports)).as("the job's weights as the committed reports judged them, each run of one update once")
                        .containsExactlyElementsOf(input.updates().stream().map(u -> weightsKey(u.intercept(), u.weights())).toList());
                assertThat(lastAt.lastKey()).isEqualTo(RECORDS);

                // the history: one point per committed report count, the job's points where the reports had it
                final JsonNode history = CrashRecoveryIT.history(cluster, service, MODEL);
                CommittedReports.assertHistoryIsTheReports(MODEL, history, lastAt, HISTORY_POINTS);
                final TreeSet<Long> reportedWithJob = new TreeSet<>();
                reports.stream().filter(r -> r.getLearners().containsKey(JOB)).forEach(r -> reportedWithJob.add(r.getRecords()));
                final TreeSet<Long> drawnWithJob = new TreeSet<>();
                history.forEach(p -> {
                    if (p.get("learners").has(JOB)) {
                        assertThat(drawnWithJob.add(p.get("records").asLong())).as("a second point at %s", p.get("records")).isTrue();
                    }
                });
                assertThat(drawnWithJob).as("history points with the job").isEqualTo(reportedWithJob);
                assertThat(reportedWithJob.first()).as("the job's first report").isEqualTo(FIRST_UPDATE);
                assertThat(reportedWithJob).as("a point for each update").containsAll(input.updates().stream().map(Update::afterRecord).toList());

                // the metrics: every learner gauge for the job, tagged model, learner and optimizer, at the last report's numbers
                final Map<String, Double> gauges = learnerGauges(cluster.get(service, "/metrics").body(), MODEL, JOB);
                final LearnerReport job = uninterrupted.learners().get(2);
                assertThat(gauges).containsEntry("gapwatch_learner_r2", job.r2())
                        .containsEntry("gapwatch_learner_r2_gap", job.r2Gap())
                        .containsEntry("gapwatch_learner_excess_mse", job.excessMse())
                        .containsEntry("gapwatch_learner_weight_gap", job.weightGap())
                        .containsEntry("gapwatch_learner_weight_gap_relative", job.weightGapRelative())
                        .containsEntry("gapwatch_learner_weight_gap_null", job.weightGapNull());
            }
        }
    }

    /** The job's weights in the order the committed reports carry them, each run of equal weights once. */
    private static List<String> judgedWeights(List<ModelDiagnosis> reports) {
        final List<String> keys = new ArrayList<>();
        for (ModelDiagnosis r : reports) {
            final LearnerGap gap = r.getLearners().get(JOB);
            if (gap == null) {
                assertThat(keys).as("a report at %d without the job after one with it", r.getRecords()).isEmpty();
                continue;
            }
            final String key = weightsKey(gap.getIntercept(), gap.getWeights().stream().mapToDouble(Double::doubleValue).toArray());
            if (keys.isEmpty() || !keys.get(keys.size() - 1).equals(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static String weightsKey(double intercept, double[] weights) {
        return intercept + " " + Arrays.toString(weights);
    }

    private static final Pattern SAMPLE = Pattern.compile("^(gapwatch_learner_[a-z0-9_]+)\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");

    /**
     * The learner gauges /metrics has for one model's learner, by name; every one of them must carry
     * exactly the tags model, learner and optimizer, the optimizer {@code external}.
     */
    private static Map<String, Double> learnerGauges(String metrics, String model, String learner) {
        final Map<String, Double> gauges = new HashMap<>();
        final Matcher sample = SAMPLE.matcher(metrics);
        while (sample.find()) {
            final Map<String, String> labels = new HashMap<>();
            final Matcher label = LABEL.matcher(sample.group(2));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            if (!model.equals(labels.get("model")) || !learner.equals(labels.get("learner")) || labels.containsKey("code")) {
                continue;
            }
            assertThat(labels).as(sample.group()).isEqualTo(Map.of("model", model, "learner", learner, "optimizer", LearnerReport.EXTERNAL));
            assertThat(gauges.put(sample.group(1), Double.parseDouble(sample.group(3)))).as("%s twice", sample.group(1)).isNull();
        }
        return gauges;
    }
}
