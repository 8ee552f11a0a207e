package io.gapwatch.app;

import io.gapwatch.avro.Observation;
import io.gapwatch.replay.CsvFormatException;
import io.gapwatch.replay.CsvRecordReader;
import io.gapwatch.replay.Progress;
import io.gapwatch.stream.Codecs;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** {@code gapwatch produce}: streams a CSV file into the observations topic, one record per row. */
@Command(name = "produce",
        mixinStandardHelpOptions = true,
        description = {
                "Streams a CSV file (header row; --target names the target column, every other column is a feature)",
                "into the observations topic as one model's records, in file order."})
public final class ProduceCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--csv", required = true, paramLabel = "FILE", description = "CSV file with a header row.")
    Path csv;

    @Option(names = "--target", required = true, paramLabel = "COLUMN", description = "Name of the target column.")
    String target;

    @Option(names = "--model", required = true, paramLabel = "ID", description = "Model id: the records' key.")
    String model;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka brokers. Default: ${DEFAULT-VALUE} (the processor's embedded broker).")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "gapwatch-observations", description = "Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "0", description = "Records per second; 0: as fast as the broker takes them.")
    double rate;

    @Option(names = "--format", paramLabel = "avro|json", defaultValue = "avro", description = "Value encoding. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--epochs", paramLabel = "K", defaultValue = "1", description = "Passes over the file, as replay --epochs.")
    int epochs;

    @Override
    public Integer call() throws IOException, CsvFormatException, InterruptedException {
        if (!format.equals("avro") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be avro or json, got " + format);
        }
        if (rate < 0 || !Double.isFinite(rate)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be >= 0, got " + rate);
        }
        if (epochs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--epochs must be at least 1, got " + epochs);
        }
        final Progress progress = Progress.onStderr("produce");
        long sent = 0;
        final Pacer pacer = new Pacer(rate);
        final Deliveries deliveries = new Deliveries();
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                try (CsvRecordReader reader = CsvRecordReader.open(csv, target)) {
                    final double[] x = new double[reader.featureNames().size()];
                    while (reader.next(x)) {
                        producer.send(new ProducerRecord<>(topic, model, encode(x, reader.target())), deliveries);
                        sent++;
                        progress.update(sent, (epoch - 1 + reader.fractionRead()) / epochs);
                        pacer.await(sent);
                    }
                }
            }
            producer.flush();
        }
        progress.done(sent);
        deliveries.check(sent, topic);
        spec.commandLine().getOut().printf("produced %,d records of model '%s' to %s at %s%n", sent, model, topic, bootstrap);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * The settings of a producer of observations: idempotent, acknowledged by all replicas, batched,
     * one request in flight. With several in flight, a first batch refused because the partition
     * had no leader yet (a topic just created) can be overtaken by the next one; the broker then
     * holds the later sequence and refuses the retried first batch for good, and its records
     * never arrive.
     */
    public static Map<String, Object> producerSettings(String bootstrap) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(producerSettings(bootstrap), new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Counts the records the broker did not take, so that a command never reports records as
     * produced that were lost.
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

    /** Holds a producer to a rate: {@link #await} sleeps until the n-th record is due. */
    static final class Pacer {
        private final double rate;
        private final long started = System.nanoTime();

        /** @param rate records per second; 0: no limit */
        Pacer(double rate) {
            this.rate = rate;
        }

        void await(long sent) throws InterruptedException {
            if (rate > 0) {
                final long wait = started + (long) (sent * 1e9 / rate) - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
    }

    private byte[] encode(double[] x, double y) {
        if (format.equals("json")) {
            final StringBuilder s = new StringBuilder("{\"features\":[");
            for (int j = 0; j < x.length; j++) {
                s.append(j == 0 ? "" : ",").append(Double.toString(x[j]));
            }
            return s.append("],\"target\":").append(Double.toString(y)).append('}').toString().getBytes(StandardCharsets.UTF_8);
        }
        final List<Double> features = new ArrayList<>(x.length);
        for (double v : x) {
            features.add(v);
        }
        return Codecs.encode(Observation.newBuilder().setFeatures(features).setTarget(y).build());
    }
}
