package io.gapwatch.it;

import io.gapwatch.app.GapwatchConfig;
import io.gapwatch.app.GapwatchService;
import io.gapwatch.app.ObservationSender;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * One test's view of a broker: fresh topic names and application id, and the helpers every
 * integration test needs (start a processor, produce, read a topic to its end, call the HTTP API).
 */
final class Cluster {

    final KafkaBackend backend;
    final String bootstrap;
    final String id = UUID.randomUUID().toString().substring(0, 8);
    final String observations = "obs-" + id;
    final String predictions = "pred-" + id;
    final String reports = "rep-" + id;
    final String deadLetters = "dlq-" + id;
    final String weights = "weights-" + id;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Cluster(KafkaBackend backend) {
        Assumptions.assumeTrue(backend.available(), backend + " backend not available here (no Docker engine)");
        this.backend = backend;
        this.bootstrap = backend.endpoint().bootstrapServers();
    }

    /** The settings every processor of this test shares; {@code extra} over them. */
    Map<String, String> config(Path stateDir, Map<String, String> extra) {
        final Map<String, String> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("application.id", "gapwatch-it-" + id);
        config.put("observations.topic", observations);
        config.put("predictions.topic", predictions);
        config.put("reports.topic", reports);
        config.put("dead.letter.topic", deadLetters);
        config.put("weights.topic", weights);
        config.put("http.port", "0");
        config.put("state.dir", stateDir.toString());
        config.put("report.interval.ms", "600000");
        config.put("commit.interval.ms", "100");
        config.put("consumer.session.timeout.ms", "10000");
        config.put("consumer.heartbeat.interval.ms", "1000");
        config.putAll(extra);
        return config;
    }

    GapwatchService start(Map<String, String> config) throws IOException, InterruptedException {
        return GapwatchService.start(GapwatchConfig.of(config), new PrintWriter(new StringWriter()));
    }

    /** A producer as {@code gapwatch produce} runs it. */
    KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(ObservationSender.settings(bootstrap), new StringSerializer(), new ByteArraySerializer());
    }

    /** Produces every record, or fails naming how many the broker did not take. */
    void produce(List<ProducerRecord<String, byte[]>> records) {
        final ObservationSender.Deliveries deliveries = new ObservationSender.Deliveries();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            records.forEach(r -> producer.send(r, deliveries));
            producer.flush();
        }
        deliveries.check(records.size(), observations);
    }

    ProducerRecord<String, byte[]> record(String key, byte[] value) {
        return new ProducerRecord<>(observations, key, value);
    }

    /** Every record of a topic as a read_committed consumer sees it, waiting until at least {@code expected} have arrived. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected, Duration timeout) {
        final Map<String, Object> settings = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            // and anything that was still in flight
            for (int quiet = 0; quiet < 2; ) {
                final var batch = consumer.poll(Duration.ofMillis(500));
                batch.forEach(records::add);
                quiet = batch.isEmpty() ? quiet + 1 : 0;
            }
        }
        return records;
    }

    /** Waits until the processor has created this test's topics (a consumer must not auto-create them with one partition). */
    void awaitTopics(Duration timeout) throws InterruptedException {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            await("topics " + observations + ", " + predictions + ", " + reports + ", " + deadLetters + ", " + weights, timeout, () -> {
                try {
                    return admin.listTopics().names().get(5, java.util.concurrent.TimeUnit.SECONDS)
                            .containsAll(List.of(observations, predictions, reports, deadLetters, weights));
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    /** GET on a processor's HTTP API: status and body. */
    HttpResponse<String> get(GapwatchService service, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + service.http().host() + ":" + service.http().port() + path))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    static Path tempDir(String prefix) throws IOException {
        return Files.createTempDirectory(prefix);
    }
}
