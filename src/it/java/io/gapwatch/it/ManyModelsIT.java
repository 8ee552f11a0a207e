package io.gapwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.app.GapwatchService;
import io.gapwatch.avro.Prediction;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.report.ReportJson;
import io.gapwatch.stream.Codecs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of models on instances whose model cache holds a small fraction of them, as per-device
 * keys make it: each record's model is usually read back from the stores. Through SIGKILLs, an
 * instance joining and another killed, every sampled model must end bit for bit as an
 * uninterrupted run leaves it, and a read_committed reader must see each input's prediction once.
 */
class ManyModelsIT {

    static final int MODELS = 2000;
    static final int PER_MODEL = 40;
    static final int TOTAL = MODELS * PER_MODEL;
    static final int D = 6;
    static final int SAMPLE = 20;

    /** The stream, keys interleaved, and what an uninterrupted run makes of the sampled models. */
    private record Workload(List<ProducerRecord<String, byte[]>> records, Map<String, Model> expected) {
    }

    private static Workload workload(Cluster cluster) {
        final Random random = new Random(29);
        final Map<String, Model> expected = new HashMap<>();
        for (int m = 0; m < MODELS; m += MODELS / SAMPLE) {
            expected.put("device-" + m, new Model(StreamProcessorIT.names(D), ModelOptions.DEFAULTS, LearnerConfig.defaultSet()));
        }
        final List<ProducerRecord<String, byte[]>> records = new ArrayList<>(TOTAL);
        for (int i = 0; i < PER_MODEL; i++) {
            for (int m = 0; m < MODELS; m++) {
                final double[] x = new double[D];
                double y = 0.01 * m;
                for (int j = 0; j < D; j++) {
                    x[j] = random.nextGaussian();
                    y += (j % 3 - 1) * x[j];
                }
                y += 0.1 * random.nextGaussian();
                final Model model = expected.get("device-" + m);
                if (model != null) {
                    model.observe(x, y);
                }
                records.add(cluster.record("device-" + m, StreamProcessorIT.avro(y, x)));
            }
        }
        return new Workload(records, expected);
    }

    private static Path configFile(Path dir, Map<String, String> config) throws Exception {
        final Path file = dir.resolve("gapwatch-" + config.get("state.dir").hashCode() + ".properties");
        final Properties properties = new Properties();
        properties.putAll(config);
        try (var writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "many models");
        }
        return file;
    }

    /** The processors' settings: a 1 MiB cache per task, where 2,000 models need about 20 MB. */
    private static Map<String, String> settings(Cluster cluster, Path state) {
        return cluster.config(state, Map.of("snapshot.lag.records", "16", "report.every.records", "1000000",
                "topics.partitions", "4", "models.cache.max.bytes", Long.toString(1L << 20)));
    }

    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldRecoverThousandsOfModelsThroughSigkillsWithASmallCacheBitForBit(KafkaBackend backend) throws Exception {
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-many-");
        final Map<String, String> config = settings(cluster, dir.resolve("state"));
        final Path file = configFile(dir, config);
        final Workload work = workload(cluster);
        final String group = config.get("application.id");
        final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap));
        Path log = dir.resolve("processor-0.log");
        Process processor = CrashRecoveryIT.launch(file, log);
        try {
            cluster.awaitTopics(Duration.ofSeconds(60));
            cluster.produce(work.records());
            final double[] killAt = {0.3, 0.65};
            for (int k = 0; k < killAt.length; k++) {
                CrashRecoveryIT.awaitInputCommitted(admin, group, (long) (killAt[k] * TOTAL), Duration.ofSeconds(300));
                processor.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                log = dir.resolve("processor-" + (k + 1) + ".log");
                processor = CrashRecoveryIT.launch(file, log);
            }
            CrashRecoveryIT.awaitInputCommitted(admin, group, TOTAL, Duration.ofSeconds(300));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nthe processor's log " + log + " ends:\n" + CrashRecoveryIT.tail(log), e);
        } finally {
            processor.destroy();
            processor.waitFor(60, TimeUnit.SECONDS);
            admin.close();
        }
        assertExactlyOnceAndEqual(cluster, config, dir, work);
    }

    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldKeepEveryModelExactWhenAnInstanceJoinsAndAnotherIsKilled(KafkaBackend backend) throws Exception {
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-rebalance-");
        final Workload work = workload(cluster);
        final Map<String, String> base = settings(cluster, dir.resolve("state-a"));
        final String group = base.get("application.id");
        final List<Process> processors = new ArrayList<>();
        final List<Path> logs = new ArrayList<>();
        final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap));
        try {
            for (String name : List.of("a", "b")) {
                final Map<String, String> config = new HashMap<>(base);
                config.put("state.dir", dir.resolve("state-" + name).toString());
                logs.add(dir.resolve("processor-" + name + ".log"));
                processors.add(CrashRecoveryIT.launch(configFile(dir, config), logs.get(logs.size() - 1)));
            }
            cluster.awaitTopics(Duration.ofSeconds(60));
            final int third = TOTAL / 3;
            cluster.produce(work.records().subList(0, third));
            CrashRecoveryIT.awaitInputCommitted(admin, group, third / 2, Duration.ofSeconds(300));
            // a third instance joins while the first third is still being processed
            final Map<String, String> joining = new HashMap<>(base);
            joining.put("state.dir", dir.resolve("state-c").toString());
            logs.add(dir.resolve("processor-c.log"));
            processors.add(CrashRecoveryIT.launch(configFile(dir, joining), logs.get(2)));
            cluster.produce(work.records().subList(third, 2 * third));
            CrashRecoveryIT.awaitInputCommitted(admin, group, (long) (1.5 * third), Duration.ofSeconds(300));
            // then the first is killed: its tasks move to the other two
            processors.get(0).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            cluster.produce(work.records().subList(2 * third, TOTAL));
            CrashRecoveryIT.awaitInputCommitted(admin, group, TOTAL, Duration.ofSeconds(300));
        } catch (AssertionError e) {
            final StringBuilder tails = new StringBuilder();
            logs.forEach(l -> tails.append("\n").append(l).append(" ends:\n").append(CrashRecoveryIT.tail(l)));
            throw new AssertionError(e.getMessage() + tails, e);
        } finally {
            for (Process p : processors) {
                p.destroy();
            }
            for (Process p : processors) {
                p.waitFor(60, TimeUnit.SECONDS);
            }
            admin.close();
        }
        assertExactlyOnceAndEqual(cluster, base, dir, work);
    }

    private static void assertExactlyOnceAndEqual(Cluster cluster, Map<String, String> config, Path dir, Workload work) throws Exception {
        final List<ConsumerRecord<byte[], byte[]>> predictions = cluster.readAll(cluster.predictions, TOTAL, Duration.ofSeconds(120));
        final Set<String> inputs = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : predictions) {
            final Prediction p = Codecs.decode(r.value(), Prediction.class);
            assertThat(inputs.add(p.getSourcePartition() + "/" + p.getSourceOffset()))
                    .as("a second prediction for input %s/%s", p.getSourcePartition(), p.getSourceOffset()).isTrue();
        }
        assertThat(predictions).hasSize(TOTAL);

        // the sampled models as an uninterrupted run left them, read by a fresh instance from the changelogs
        final Map<String, String> reader = new HashMap<>(config);
        reader.put("state.dir", dir.resolve("reader-state").toString());
        try (GapwatchService service = cluster.start(reader)) {
            for (Map.Entry<String, Model> e : work.expected().entrySet()) {
                final JsonNode actual = StreamProcessorIT.model(cluster, service, e.getKey(), PER_MODEL);
                final JsonNode wanted = new ObjectMapper().readTree(ReportJson.compact().writeValueAsString(
                        ReportJson.summary(e.getKey(), null, ModelOptions.DEFAULT_WINDOW, Diagnostics.report(e.getValue()))));
                StreamProcessorIT.assertSameNumbers(StreamProcessorIT.normalized(actual), StreamProcessorIT.normalized(wanted));
            }
        }
    }
}
