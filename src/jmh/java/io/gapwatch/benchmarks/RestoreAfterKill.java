package io.gapwatch.benchmarks;

import io.gapwatch.stream.Codecs;
import io.gapwatch.stream.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Restore after a kill -9: the processor (its own JVM, {@code gapwatch run}) learns 1,000,000
 * records of 100 models at d = 16 from a broker in this JVM, is killed with SIGKILL once its
 * committed offsets pass a million, and is started again on the same state directory. Prints the
 * time from the new start to RUNNING and to the first new prediction, and the records the restore
 * read back from the input topic (the processor's own counters).
 *
 * <p>Usage: {@code scripts/bench-restore.sh [records (1000000)] [snapshot.lag.records (100000)] [consumer.session.timeout.ms (45000)]}
 */
public final class RestoreAfterKill {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int MODELS = 100;
    private static final int D = 16;

    public static void main(String[] args) throws Exception {
        final int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final String lag = args.length > 1 ? args[1] : "100000";
        // the killed member holds its partitions until the group coordinator gives up on it: Kafka's default is 45 s
        final String session = args.length > 2 ? args[2] : "45000";
        final int total = records + records / 5; // the kill lands mid-stream: a fifth more to go
        final Path dir = EndToEndThroughput.tempDirectory("bench-restore");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"), Map.of())) {
            final String bootstrap = kafka.bootstrapServers();
            final String topic = "restore-obs";
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            produce(bootstrap, topic, total);
            final int port = EmbeddedKafka.freePort();
            final Path config = dir.resolve("gapwatch.properties");
            Files.writeString(config, String.join("\n",
                    "bootstrap.servers=" + bootstrap, "application.id=bench-restore", "observations.topic=" + topic,
                    "predictions.topic=restore-pred", "reports.topic=restore-rep", "dead.letter.topic=restore-dlq",
                    "weights.topic=restore-weights", "http.port=" + port, "state.dir=" + dir.resolve("state"),
                    "consumer.auto.offset.reset=earliest", "snapshot.lag.records=" + lag,
                    "consumer.session.timeout.ms=" + session, "consumer.heartbeat.interval.ms=" + Math.min(3000, Integer.parseInt(session) / 5), ""));

            final Process first = launch(config, dir.resolve("first.log"));
            final long learned = awaitCommitted(bootstrap, topic, records, Duration.ofMinutes(20));
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no close, no commit, no checkpoint
            System.err.printf(Locale.ROOT, "killed at %,d committed records%n", learned);

            final long endOfPredictions = endOffsets(bootstrap, "restore-pred");
            final long start = System.nanoTime();
            final Process second = launch(config, dir.resolve("second.log"));
            try {
                awaitRunning(port, Duration.ofMinutes(10));
                final double running = (System.nanoTime() - start) / 1e9;
                awaitPredictionAfter(bootstrap, "restore-pred", endOfPredictions, Duration.ofMinutes(10));
                final double predicted = (System.nanoTime() - start) / 1e9;
                awaitCommitted(bootstrap, topic, total, Duration.ofMinutes(20));
                final String metrics = get("http://127.0.0.1:" + port + "/metrics");
                Files.copy(dir.resolve("second.log"), Path.of("target", "restore-after-kill.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                System.out.printf(Locale.ROOT, "| %,d records, %d models, d = %d, snapshot.lag.records %s, session timeout %s ms | killed at %,d | RUNNING after %.1f s "
                                + "| first new prediction after %.1f s | models restored %s, records re-read from the input %s |%n",
                        total, MODELS, D, lag, session, learned, running, predicted, counter(metrics, "gapwatch_restore_models_total"),
                        counter(metrics, "gapwatch_restore_records_total"));
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    static Process launch(Path config, Path log) throws Exception {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final ProcessBuilder builder = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "io.gapwatch.app.Gapwatch", "run", "--config", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("GAPWATCH_"));
        return builder.start();
    }

    static void produce(String bootstrap, String topic, int n) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262_144, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                final int m = i % MODELS;
                producer.send(new ProducerRecord<>(topic, "model-" + m, Codecs.encode(ManyModelsThroughput.observation(D, m, i / MODELS, 3))));
            }
            producer.flush();
        }
        System.err.printf(Locale.ROOT, "%,d records produced%n", n);
    }

    static long awaitCommitted(String bootstrap, String topic, long n, Duration timeout) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (System.nanoTime() < deadline) {
                long committed = 0;
                final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("bench-restore")
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
                    if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                        committed += e.getValue().offset();
                    }
                }
                if (committed >= n) {
                    return committed;
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("fewer than " + n + " records committed within " + timeout);
    }

    static long endOffsets(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    // the first committed prediction beyond what the topic held at the kill
    static void awaitPredictionAfter(String bootstrap, String topic, long before, Duration timeout) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            while (System.nanoTime() < deadline) {
                // read_committed end offsets stop at the last stable offset: they move when a transaction commits
                final long now = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
                if (now > before + partitions.size()) { // more than the aborted transaction markers
                    return;
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("no new prediction within " + timeout);
    }

    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static void awaitRunning(int port, Duration timeout) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("RUNNING")) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("not RUNNING within " + timeout);
    }

    static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static String counter(String metrics, String name) {
        final Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
            found = true;
        }
        return found ? String.format(Locale.ROOT, "%,.0f", sum) : "n/a";
    }
}
