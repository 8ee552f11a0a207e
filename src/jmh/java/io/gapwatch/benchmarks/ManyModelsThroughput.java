package io.gapwatch.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.app.GapwatchConfig;
import io.gapwatch.app.GapwatchService;
import io.gapwatch.avro.Observation;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.report.ReportJson;
import io.gapwatch.stream.Codecs;
import io.gapwatch.stream.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The stream processor with many model keys, as per-device keys make it (issue 6's checks). Not a
 * test: numbers for the notes, printed as a table. Run it with the heap the check names:
 * <pre>
 *   scripts/bench-many-models.sh            (JAVA_OPTS=-Xmx1g by default)
 * </pre>
 * <ul>
 *   <li><b>small</b>: 10,000 models × 100 records at d = 16, keys interleaved, against the same
 *       1,000,000 records under one key, in the same run; live heap after each collection sampled;</li>
 *   <li><b>large</b>: 1,000 models × 50 records at d = 128 with a cache that holds about 200 of them;
 *       a sample of 20 models must equal a replay of their own records bit for bit; the share of the
 *       stream thread's time spent in interval reports, from gapwatch's own gauge;</li>
 *   <li><b>restart</b>: the small case's 10,000 models in the stores, a new instance over the kept
 *       state directory and over an empty one (restored from the changelogs): time to RUNNING and
 *       to the first processed record.</li>
 * </ul>
 */
public final class ManyModelsThroughput {

    static final int PARTITIONS = 4;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        final boolean quick = args.length > 0 && args[0].equals("quick");
        final int models = quick ? 1000 : 10_000;
        // -Dbench.cases=small,restart,large picks the cases (all by default)
        final java.util.Set<String> cases = java.util.Set.of(System.getProperty("bench.cases", "small,restart,large").split(","));
        final List<String> rows = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, EndToEndThroughput.tempDirectory("bench-many-kafka"), Map.of())) {
            final String bootstrap = kafka.bootstrapServers();
            // small: many keys against one key, the same records
            if (cases.contains("small") || cases.contains("restart")) {
                produce(bootstrap, "many-small", 16, models, 100, 1);
            }
            if (cases.contains("small")) {
                produce(bootstrap, "one-small", 16, 1, models * 100, 1);
                final Run many = run(bootstrap, "many-small", 16, models * 100L, EndToEndThroughput.tempDirectory("bench-many-state"), Map.of());
                final Run one = run(bootstrap, "one-small", 16, models * 100L, EndToEndThroughput.tempDirectory("bench-one-state"), Map.of());
                rows.add(String.format(Locale.ROOT, "| small: %,d models × 100, d = 16 | %,.0f/s | one key: %,.0f/s | %.0f%% | live heap after GC (MB): %s | %s |",
                        models, many.rate, one.rate, 100 * many.rate / one.rate, many.heapAfterGc, many.listMs));
            }
            if (cases.contains("restart")) {
                // restart over the kept state directory, and over an empty one (restored from the changelogs)
                rows.add(restart(bootstrap, "many-small", EndToEndThroughput.tempDirectory("bench-many-kept"), "kept state directory", true));
                rows.add(restart(bootstrap, "many-small", EndToEndThroughput.tempDirectory("bench-many-fresh"), "empty state directory", false));
            }
            if (!cases.contains("large")) {
                System.out.println();
                rows.forEach(System.out::println);
                return;
            }

            // large: d = 128, a cache for about 200 of the 1,000 models
            final int large = quick ? 200 : 1000;
            produce(bootstrap, "many-large", 128, large, 50, 2);
            final long weight = new Model(names(128), ModelOptions.DEFAULTS, LearnerConfig.defaultSet()).heapBytes();
            final long cache = 200 * weight / PARTITIONS;
            final Run big = run(bootstrap, "many-large", 128, large * 50L, EndToEndThroughput.tempDirectory("bench-large-state"),
                    Map.of("models.cache.max.bytes", Long.toString(cache), "report.interval.ms", "2000"));
            rows.add(String.format(Locale.ROOT, "| large: %,d models × 50, d = 128, cache %,d KB per task (~200 models) | %,.0f/s | reports' share of thread time %s | sample of %d equal to replay: %s | evictions %s |",
                    large, cache / 1024, big.rate, big.reportShare, big.checked, big.equal, big.evictions));
        }
        System.out.println();
        rows.forEach(System.out::println);
    }

    /** GET / 's data, the list of every model with its last report's numbers: median [min–max] of 7, ms. */
    static String listTimes(String base) throws Exception {
        final List<Double> ms = new ArrayList<>();
        int listed = 0;
        for (int i = 0; i < 7; i++) {
            final long start = System.nanoTime();
            final String body = get(base + "/models");
            ms.add((System.nanoTime() - start) / 1e6);
            listed = new ObjectMapper().readTree(body).size();
        }
        java.util.Collections.sort(ms);
        return String.format(Locale.ROOT, "%,d models listed in %.0f ms [%.0f–%.0f]", listed, ms.get(3), ms.get(0), ms.get(6));
    }

    static List<String> names(int d) {
        final List<String> names = new ArrayList<>();
        for (int j = 1; j <= d; j++) {
            names.add("x" + j);
        }
        return names;
    }

    /** Interleaved: record i goes to model i mod models. The generator for model m is reproducible for the replay check. */
    static void produce(String bootstrap, String topic, int d, int models, int perModel, long seed) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262_144, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < perModel; i++) {
                for (int m = 0; m < models; m++) {
                    producer.send(new ProducerRecord<>(topic, "device-" + m, Codecs.encode(observation(d, m, i, seed))));
                }
            }
            producer.flush();
        }
        System.err.printf(Locale.ROOT, "%s: %,d records produced%n", topic, (long) models * perModel);
    }

    static Observation observation(int d, int model, int i, long seed) {
        final Random random = new Random(seed * 1_000_003L + model * 10_007L + i);
        final List<Double> x = new ArrayList<>(d);
        double y = 0.01 * model;
        for (int j = 0; j < d; j++) {
            final double v = random.nextGaussian();
            x.add(v);
            y += v / (j + 1);
        }
        return Observation.newBuilder().setFeatures(x).setTarget(y + 0.1 * random.nextGaussian()).build();
    }

    record Run(double rate, String heapAfterGc, String reportShare, int checked, boolean equal, String evictions, String listMs) {
    }

    static Run run(String bootstrap, String topic, int d, long n, Path state, Map<String, String> extra) throws Exception {
        final String id = "bench-" + topic + "-" + System.nanoTime();
        final Map<String, String> settings = new HashMap<>(Map.of("bootstrap.servers", bootstrap, "application.id", id,
                "observations.topic", topic, "predictions.topic", id + "-pred", "reports.topic", id + "-rep",
                "dead.letter.topic", id + "-dlq", "http.port", "0", "state.dir", state.toString(),
                "consumer.auto.offset.reset", "earliest"));
        settings.putAll(extra);
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.gapwatch."))
                .forEach(k -> settings.put(k.substring("bench.gapwatch.".length()), System.getProperty(k)));
        final List<Long> heap = new ArrayList<>();
        final GapwatchService[] service = new GapwatchService[1];
        final Thread sampler = new Thread(() -> sampleHeap(heap), "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        final double rate;
        try {
            rate = EndToEndThroughput.timed(() -> {
                try {
                    service[0] = GapwatchService.start(GapwatchConfig.of(settings), new PrintWriter(new StringWriter()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, bootstrap, id, topic, (int) n);
            sampler.interrupt();
            final String base = "http://" + service[0].http().host() + ":" + service[0].http().port();
            Thread.sleep(3000); // a report tick or two, so the gauges move
            final String metrics = get(base + "/metrics");
            final String share = gauge(metrics, "gapwatch_reports_thread_share");
            final String evictions = gauge(metrics, "gapwatch_models_evicted_total");
            int checked = 0;
            boolean equal = true;
            if (topic.equals("many-large")) {
                final ObjectMapper json = new ObjectMapper();
                final int models = (int) (n / 50);
                for (int m = 0; m < models; m += models / 20) {
                    final Model expected = new Model(names(d), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
                    for (int i = 0; i < 50; i++) {
                        final Observation o = observation(d, m, i, 2);
                        expected.observe(o.getFeatures().stream().mapToDouble(Double::doubleValue).toArray(), o.getTarget());
                    }
                    final JsonNode actual = json.readTree(get(base + "/models/device-" + m));
                    final JsonNode wanted = json.readTree(ReportJson.compact().writeValueAsString(
                            ReportJson.summary("device-" + m, null, ModelOptions.DEFAULT_WINDOW, Diagnostics.report(expected))));
                    equal &= actual.get("exact").equals(wanted.get("exact")) && actual.get("learners").equals(wanted.get("learners"));
                    checked++;
                }
            }
            return new Run(rate, summarize(heap), share, checked, equal, evictions, listTimes(base));
        } finally {
            if (service[0] != null) {
                service[0].close();
            }
        }
    }

    /** Start a new instance over {@code state}: time to RUNNING, and to the first record of an existing model processed. */
    /** @param populate first run the application over the whole topic in {@code state}, then stop it */
    static String restart(String bootstrap, String topic, Path state, String what, boolean populate) throws Exception {
        final String id = "bench-restart-" + topic;
        final Map<String, String> settings = new HashMap<>(Map.of("bootstrap.servers", bootstrap, "application.id", id,
                "observations.topic", topic, "predictions.topic", id + "-pred", "reports.topic", id + "-rep",
                "dead.letter.topic", id + "-dlq", "http.port", "0", "state.dir", state.toString(),
                "consumer.auto.offset.reset", "earliest"));
        // -Dbench.gapwatch.KEY=VALUE: a setting for these processors (e.g. consumer.session.timeout.ms)
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.gapwatch."))
                .forEach(k -> settings.put(k.substring("bench.gapwatch.".length()), System.getProperty(k)));
        if (populate) { // process the whole topic, so that the stores (and their changelogs) hold every model, then stop
            try (GapwatchService first = GapwatchService.start(GapwatchConfig.of(settings), new PrintWriter(new StringWriter()))) {
                waitCommitted(bootstrap, id, topic, Long.MAX_VALUE, Duration.ofMinutes(20));
            }
        }
        final long committedBefore = committed(bootstrap, id, topic);
        final long start = System.nanoTime();
        try (GapwatchService service = GapwatchService.start(GapwatchConfig.of(settings), new PrintWriter(new StringWriter()))) {
            while (service.streams().state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(20);
            }
            final double running = (System.nanoTime() - start) / 1e9;
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(topic, "device-7", Codecs.encode(observation(16, 7, 1000, 1)))).get();
            }
            waitCommitted(bootstrap, id, topic, committedBefore + 1, Duration.ofMinutes(10));
            final double first = (System.nanoTime() - start) / 1e9;
            return String.format(Locale.ROOT, "| restart, %s, %,d input records in the stores | to RUNNING %.1f s | to the first new record processed %.1f s | | |",
                    what, committedBefore, running, first);
        }
    }

    static long committed(String bootstrap, String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    // waits until the group has committed at least target, or (target = MAX) the whole topic
    static void waitCommitted(String bootstrap, String group, String topic, long target, Duration timeout) throws Exception {
        long end = target;
        if (target == Long.MAX_VALUE) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                final Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    latest.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
                }
                end = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
            }
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (committed(bootstrap, group, topic) < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(group + " did not reach " + end + " committed records in " + timeout);
            }
            Thread.sleep(100);
        }
    }

    // the old generation's occupancy right after each collection: what is live
    static void sampleHeap(List<Long> samples) {
        final MemoryPoolMXBean old = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getName().contains("Old Gen") || p.getName().contains("Tenured")).findFirst().orElse(null);
        while (!Thread.currentThread().isInterrupted() && old != null) {
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                return;
            }
            final var usage = old.getCollectionUsage();
            if (usage != null) {
                synchronized (samples) {
                    samples.add(usage.getUsed() / (1024 * 1024));
                }
            }
        }
    }

    static String summarize(List<Long> samples) {
        synchronized (samples) {
            if (samples.isEmpty()) {
                return "–";
            }
            final StringBuilder s = new StringBuilder();
            final int step = Math.max(1, samples.size() / 8);
            for (int i = 0; i < samples.size(); i += step) {
                s.append(s.length() == 0 ? "" : " ").append(samples.get(i));
            }
            return s.toString();
        }
    }

    static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static String gauge(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .findFirst().orElse("–");
    }
}
