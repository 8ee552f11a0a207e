package io.gapwatch.app;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends observations for {@code produce} and {@code demo}: to the topic the user names, at the rate
 * asked, and with every record accounted for — {@link #finish} fails if the broker lost any.
 */
public final class ObservationSender implements AutoCloseable {

    /** Where the sending commands send to: their shared options. */
    static final class Target {
        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
                description = "Kafka brokers. Default: ${DEFAULT-VALUE} (the processor's embedded broker).")
        String bootstrap;

        @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = GapwatchConfig.DEFAULT_OBSERVATIONS_TOPIC,
                description = "Default: ${DEFAULT-VALUE}.")
        String topic;
    }

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final double rate;
    private final Deliveries deliveries = new Deliveries();
    private final long started = System.nanoTime();
    private long sent;

    private ObservationSender(Target target, double rate) {
        this.producer = new KafkaProducer<>(settings(target.bootstrap), new StringSerializer(), new ByteArraySerializer());
        this.topic = target.topic;
        this.rate = rate;
    }

    /**
     * @param rate records per second; 0: as fast as the broker takes them
     * @throws CommandLine.ParameterException if the rate is negative or not finite
     */
    static ObservationSender open(CommandLine.Model.CommandSpec spec, Target target, double rate) {
        if (rate < 0 || !Double.isFinite(rate)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be >= 0, got " + rate);
        }
        return new ObservationSender(target, rate);
    }

    /**
     * The settings of a producer of observations: idempotent, acknowledged by all replicas, batched,
     * one request in flight. With several in flight, a first batch refused because the partition
     * had no leader yet (a topic just created) can be overtaken by the next one; the broker then
     * holds the later sequence and refuses the retried first batch for good, and its records
     * never arrive.
     */
    public static Map<String, Object> settings(String bootstrap) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    }

    /** Sends one record, then sleeps until the next one is due at the configured rate. */
    void send(String key, byte[] value) throws InterruptedException {
        producer.send(new ProducerRecord<>(topic, key, value), deliveries);
        sent++;
        if (rate > 0) {
            final long wait = started + (long) (sent * 1e9 / rate) - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    long sent() {
        return sent;
    }

    /**
     * Waits until the broker has answered for every record sent.
     *
     * @throws UserError naming how many records were lost, and why
     */
    void finish() {
        producer.flush();
        deliveries.check(sent, topic);
    }

    @Override
    public void close() {
        producer.close();
    }

    /**
     * Counts the records the broker did not take, so that nothing is reported as produced that
     * was lost.
     */
    public static final class Deliveries implements Callback {
        private final AtomicLong failed = new AtomicLong();
        private final AtomicReference<Exception> first = new AtomicReference<>();

        @Override
        public void onCompletion(RecordMetadata metadata, Exception e) {
            if (e != null) {
                failed.incrementAndGet();
                first.compareAndSet(null, e);
            }
        }

        /**
         * Call after the producer's flush.
         *
         * @throws UserError naming how many of {@code sent} records were lost, and why
         */
        public void check(long sent, String topic) {
            if (failed.get() > 0) {
                throw new UserError(String.format(Locale.ROOT, "%,d of %,d records were not delivered to %s: %s",
                        failed.get(), sent, topic, first.get().getMessage()));
            }
        }
    }
}
