package io.gapwatch.benchmarks;

import io.gapwatch.app.GapwatchConfig;
import io.gapwatch.app.GapwatchService;
import io.gapwatch.avro.Observation;
import io.gapwatch.stream.Codecs;
import io.gapwatch.stream.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.tools.ConsumerPerformance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end throughput of the stream processor with exactly-once, next to three ceilings measured
 * in the same run on the same input topic: Kafka's ConsumerPerformance (how fast records can be
 * read at all), and two pass-through Kafka Streams apps with the same guarantee that decode each
 * record: one writes 8 bytes per record (the engine's own limit), the other forwards the input
 * value (as many bytes out as in, as gapwatch's predictions roughly are). Each is run several
 * times, interleaved, and the table gives medians with the range, and the ratios per run.
 * Not a test: numbers for the notes.
 *
 * <pre>
 *   scripts/bench-throughput.sh [records at d=16] [records at d=128] [runs (3)]    (0 records: skip that d)
 *   JAVA_OPTS="-Dbench.dir=/dev/shm -Dbench.only=gapwatch" scripts/bench-throughput.sh
 * </pre>
 */
public final class EndToEndThroughput {

    static final int PARTITIONS = 4;
    static final int MODELS = 16;

    public static void main(String[] args) throws Exception {
        final int small = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        final int large = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        final int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        final List<String> rows = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, tempDirectory("bench-kafka"), Map.of())) {
            for (int[] run : new int[][] {{16, small}, {128, large}}) {
                if (run[1] > 0) { // 0 records: skip this dimension
                    rows.add(measure(kafka.bootstrapServers(), run[0], run[1], runs));
                }
            }
        }
        System.out.println();
        System.out.println("Medians of " + runs + " runs [min–max]; ratios are per run, then the median.");
        System.out.println("| d | records | ConsumerPerformance | pass-through, 8 B out (EOS) | pass-through, forwarding (EOS) "
                + "| gapwatch (EOS) | gapwatch / 8 B pass-through | gapwatch / forwarding |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** "median [min–max]" of a sample, formatted. */
    static String summary(double[] values, String format) {
        final double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        final double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        return String.format(Locale.ROOT, format + " [" + format + "–" + format + "]", median, sorted[0], sorted[sorted.length - 1]);
    }

    /**
     * Broker logs and state stores go under {@code -Dbench.dir} (default: the system's temp
     * directory); {@code /dev/shm} takes the disk out of the measurement.
     */
    static java.nio.file.Path tempDirectory(String prefix) throws java.io.IOException {
        final String base = System.getProperty("bench.dir");
        final java.nio.file.Path dir = base == null ? Files.createTempDirectory(prefix) : Files.createTempDirectory(java.nio.file.Path.of(base), prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // gigabytes of logs, in memory under /dev/shm
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                System.err.println("could not remove " + dir + ": " + e);
            }
        }));
        return dir;
    }

    static String measure(String bootstrap, int d, int n, int runs) throws Exception {
        final String input = "bench-in-" + d;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(input, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        produce(bootstrap, input, d, n);
        System.err.printf(Locale.ROOT, "d=%d: %,d records produced%n", d, n);
        // -Dbench.only=gapwatch skips the ceilings (for profiling the processor alone)
        final boolean ceilings = !"gapwatch".equals(System.getProperty("bench.only"));
        final double[] consumer = new double[runs];
        final double[] small = new double[runs];
        final double[] forwarding = new double[runs];
        final double[] gapwatch = new double[runs];
        final double[] smallRatio = new double[runs];
        final double[] forwardingRatio = new double[runs];
        for (int r = 0; r < runs; r++) { // interleaved, so that a slow minute of the machine hits all four alike
            final String run = d + "-" + r;
            consumer[r] = ceilings ? consumerPerformance(bootstrap, input, n) : Double.NaN;
            small[r] = ceilings ? passThrough(bootstrap, input, "bench-pass-" + run, n, false) : Double.NaN;
            forwarding[r] = ceilings ? passThrough(bootstrap, input, "bench-forward-" + run, n, true) : Double.NaN;
            gapwatch[r] = gapwatch(bootstrap, input, run, n);
            smallRatio[r] = 100 * gapwatch[r] / small[r];
            forwardingRatio[r] = 100 * gapwatch[r] / forwarding[r];
            System.err.printf(Locale.ROOT, "d=%d run %d: ConsumerPerformance %,.0f/s, pass-through 8 B %,.0f/s, forwarding %,.0f/s, "
                    + "gapwatch %,.0f/s (%.0f%%, %.0f%%)%n", d, r + 1, consumer[r], small[r], forwarding[r], gapwatch[r],
                    smallRatio[r], forwardingRatio[r]);
        }
        return String.format(Locale.ROOT, "| %d | %,d | %s | %s | %s | %s | %s | %s |", d, n, summary(consumer, "%,.0f/s"),
                summary(small, "%,.0f/s"), summary(forwarding, "%,.0f/s"), summary(gapwatch, "%,.0f/s"),
                summary(smallRatio, "%.0f%%"), summary(forwardingRatio, "%.0f%%"));
    }

    static void produce(String bootstrap, String topic, int d, int n) {
        final Random random = new Random(d);
        // one request in flight and generous timeouts: on two busy cores an idempotent producer with
        // several batches in flight can time out, bump its epoch and leave a partition short
        final java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262_144, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                final List<Double> x = new ArrayList<>(d);
                double y = 0.0;
                for (int j = 0; j < d; j++) {
                    final double v = random.nextGaussian();
                    x.add(v);
                    y += v / (j + 1);
                }
                producer.send(new ProducerRecord<>(topic, "model-" + (i % MODELS),
                        Codecs.encode(Observation.newBuilder().setFeatures(x).setTarget(y + 0.1 * random.nextGaussian()).build())),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing the input failed", failure.get());
        }
    }

    // Kafka's own tool, its "nMsg.sec" column
    static double consumerPerformance(String bootstrap, String topic, int n) throws Exception {
        final PrintStream original = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            ConsumerPerformance.main(new String[] {"--bootstrap-server", bootstrap, "--topic", topic, "--messages", Integer.toString(n),
                    "--timeout", "60000"});
        } finally {
            System.setOut(original);
        }
        final List<String> lines = captured.toString().lines().filter(l -> !l.isBlank()).toList();
        final String[] header = lines.get(lines.size() - 2).split(",\\s*");
        final String[] values = lines.get(lines.size() - 1).split(",\\s*");
        for (int i = 0; i < header.length; i++) {
            if (header[i].strip().equals("nMsg.sec")) {
                return Double.parseDouble(values[i].strip());
            }
        }
        throw new IllegalStateException("no nMsg.sec in ConsumerPerformance's output: " + lines);
    }

    /**
     * Decodes each record and writes one record: exactly-once, one stream thread, as gapwatch runs.
     *
     * @param forward write the input value itself (as many bytes out as in); else 8 bytes, the target
     */
    static double passThrough(String bootstrap, String input, String output, int n, boolean forward) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(output, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        final Topology topology = new Topology();
        topology.addSource("in", new ByteArrayDeserializer(), new ByteArrayDeserializer(), input);
        topology.addProcessor("decode", () -> new Processor<byte[], byte[], byte[], byte[]>() {
            private ProcessorContext<byte[], byte[]> context;

            @Override
            public void init(ProcessorContext<byte[], byte[]> context) {
                this.context = context;
            }

            @Override
            public void process(Record<byte[], byte[]> record) {
                final Observation o = Codecs.decode(record.value(), Observation.class);
                context.forward(forward ? record : record.withValue(ByteBuffer.allocate(8).putDouble(o.getTarget()).array()));
            }
        }, "in");
        topology.addSink("out", output, new ByteArraySerializer(), new ByteArraySerializer(), "decode");
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, output);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, tempDirectory("bench-pass").toString());
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        props.put(StreamsConfig.producerPrefix("batch.size"), GapwatchService.PRODUCER_BATCH_BYTES); // the producer gapwatch runs
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            return timed(streams::start, bootstrap, output, input, n);
        }
    }

    static double gapwatch(String bootstrap, String input, String run, int n) throws Exception {
        final String id = "bench-gapwatch-" + run;
        final Map<String, String> settings = new java.util.HashMap<>(Map.of("bootstrap.servers", bootstrap, "application.id", id,
                "observations.topic", input, "predictions.topic", id + "-pred", "reports.topic", id + "-rep",
                "dead.letter.topic", id + "-dlq", "http.port", "0", "state.dir", tempDirectory("bench-gw").toString(),
                "consumer.auto.offset.reset", "earliest"));
        // -Dbench.gapwatch.KEY=VALUE sets any gapwatch setting, for tuning experiments
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.gapwatch."))
                .forEach(k -> settings.put(k.substring("bench.gapwatch.".length()), System.getProperty(k)));
        final GapwatchConfig config = GapwatchConfig.of(settings);
        final GapwatchService[] service = new GapwatchService[1];
        try {
            return timed(() -> {
                try {
                    service[0] = GapwatchService.start(config, new PrintWriter(new StringWriter()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, bootstrap, id, input, n);
        } finally {
            if (service[0] != null) {
                service[0].close();
            }
        }
    }

    /** Records per second from the group's first committed offset to the last: start-up excluded. */
    static double timed(Runnable start, String bootstrap, String group, String topic, int n) throws Exception {
        start.run();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            long firstAt = 0;
            long first = 0;
            while (true) {
                long committed = 0;
                final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
                    if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                        committed += e.getValue().offset();
                    }
                }
                final long now = System.nanoTime();
                if (committed > 0 && firstAt == 0) {
                    firstAt = now;
                    first = committed;
                }
                if (committed >= n) {
                    return (committed - first) / ((now - firstAt) / 1e9);
                }
                Thread.sleep(100);
            }
        }
    }
}
