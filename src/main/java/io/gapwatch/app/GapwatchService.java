package io.gapwatch.app;

import io.gapwatch.http.HttpApi;
import io.gapwatch.metrics.Metrics;
import io.gapwatch.stream.EmbeddedKafka;
import io.gapwatch.stream.FaultInjection;
import io.gapwatch.stream.InputLog;
import io.gapwatch.stream.StreamSettings;
import io.gapwatch.stream.TopologyFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The stream processor as a running thing: the embedded broker when no cluster is configured, the
 * topics, Kafka Streams running {@link TopologyFactory}'s topology, and the HTTP API. Started by
 * {@code gapwatch run} and, in-process, by the integration tests.
 */
public final class GapwatchService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GapwatchService.class);

    private final EmbeddedKafka broker;
    private final KafkaStreams streams;
    private final HttpApi http;
    private final Metrics metrics;
    private final String bootstrapServers;
    private final CompletableFuture<Throwable> failure;
    private final Watchdog watchdog;

    private GapwatchService(EmbeddedKafka broker, KafkaStreams streams, HttpApi http, Metrics metrics, String bootstrapServers,
                            CompletableFuture<Throwable> failure, Watchdog watchdog) {
        this.broker = broker;
        this.streams = streams;
        this.http = http;
        this.metrics = metrics;
        this.bootstrapServers = bootstrapServers;
        this.failure = failure;
        this.watchdog = watchdog;
    }

    /**
     * Completes with the cause when this instance can no longer do its work — Kafka Streams died
     * (a stream thread's exception, a producer fenced for good) or the cluster stayed unreachable
     * beyond kafka.unreachable.exit.ms — so that {@code run} exits non-zero and a supervisor
     * restarts it, instead of the process idling as a zombie.
     */
    public CompletableFuture<Throwable> failure() {
        return failure;
    }

    /**
     * Starts everything; returns once Kafka Streams is started (it reaches RUNNING on its own).
     *
     * @param out where to say what was started
     */
    public static GapwatchService start(GapwatchConfig config, PrintWriter out)
            throws IOException, InterruptedException {
        return start(config, out, FaultInjection.NONE);
    }

    /** As {@link #start(GapwatchConfig, PrintWriter)}, with a fault seam for tests. */
    public static GapwatchService start(GapwatchConfig config, PrintWriter out, FaultInjection faults)
            throws IOException, InterruptedException {
        EmbeddedKafka broker = null;
        final String bootstrap;
        if (config.embedded()) {
            final String dir = config.getString(GapwatchConfig.EMBEDDED_DIR);
            broker = EmbeddedKafka.start(config.getInt(GapwatchConfig.EMBEDDED_PORT), dir.isEmpty() ? null : Path.of(dir), Map.of());
            bootstrap = broker.bootstrapServers();
            out.printf("gapwatch: no bootstrap.servers configured: started an embedded Kafka broker on %s (data in %s)%n",
                    bootstrap, broker.directory());
        } else {
            bootstrap = String.join(",", config.getList(GapwatchConfig.BOOTSTRAP_SERVERS));
        }
        HttpApi http = null;
        final Metrics metrics = new Metrics(config.getInt(GapwatchConfig.METRICS_MODELS_MAX));
        try {
            createMissingTopics(config, bootstrap);
            http = HttpApi.bind(config.getString(GapwatchConfig.HTTP_HOST), config.getInt(GapwatchConfig.HTTP_PORT));
            final Map<String, Object> readerSettings = inputReaderSettings(config, bootstrap);
            final StreamSettings settings = config.streamSettings().withFaults(faults)
                    .withInputLog(() -> new InputLog.Kafka(config.getString(GapwatchConfig.OBSERVATIONS_TOPIC), readerSettings));
            checkRetention(config, bootstrap);
            final Properties props = streamsProperties(config, bootstrap, http.host() + ":" + http.port());
            if (broker != null && !config.clientSettings().containsKey(StreamsConfig.STATE_DIR_CONFIG)) {
                // the local state belongs to this broker's data: keep them together, so that neither outlives the other
                props.put(StreamsConfig.STATE_DIR_CONFIG, broker.directory().resolve("streams").toString());
            }
            final KafkaStreams streams = new KafkaStreams(TopologyFactory.build(settings, metrics.listener()), props);
            metrics.bind(streams);
            http.register("/metrics", accept -> {
                final Metrics.Scrape scrape = metrics.scrape(accept);
                return new HttpApi.Response(200, scrape.contentType(), scrape.body());
            });
            final CompletableFuture<Throwable> failure = new CompletableFuture<>();
            streams.setUncaughtExceptionHandler(e -> {
                LOG.error("stream thread failed; shutting this instance down (its models move to the others)", e);
                failure.complete(e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.setStateListener((now, before) -> {
                LOG.info("Kafka Streams {} -> {}", before, now);
                if (now == KafkaStreams.State.ERROR) {
                    failure.complete(new IllegalStateException("Kafka Streams stopped in state ERROR"));
                }
            });
            http.start(streams, settings.modelOptions().window(), new io.gapwatch.stream.ModelReader(settings));
            streams.start();
            out.printf("gapwatch: processing %s -> %s, %s, %s; HTTP API on http://%s:%d (/models, /health, /metrics)%n",
                    settings.observationsTopic(), settings.predictionsTopic(), settings.reportsTopic(), settings.deadLetterTopic(),
                    http.host(), http.port());
            out.printf("gapwatch: open http://%s:%d/ in a browser for every model's live page%n", http.host(), http.port());
            out.flush();
            LOG.info("reports compute their SVDs with {}", io.gapwatch.engine.exact.Svd.implementation());
            final long unreachable = config.getLong(GapwatchConfig.KAFKA_UNREACHABLE_EXIT_MS);
            final Watchdog watchdog = unreachable > 0 ? Watchdog.start(adminSettings(config, bootstrap), unreachable, failure) : null;
            return new GapwatchService(broker, streams, http, metrics, bootstrap, failure, watchdog);
        } catch (IOException | RuntimeException | InterruptedException e) {
            metrics.close();
            if (http != null) {
                http.close();
            }
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
    }

    /**
     * The producer's batch size unless the user sets one. Each record writes its features to the
     * pending-record changelog (O(d) bytes, 1 KB at d = 128) besides its prediction, so Kafka's
     * 16 KB default fills a batch every few records and the commit waits on many small requests.
     * 512 KiB measured 1.3× (d = 16) and 1.7–1.9× (d = 128) end to end (scripts/bench-throughput.sh),
     * and stays under the broker's default 1 MiB message limit.
     */
    public static final int PRODUCER_BATCH_BYTES = 512 * 1024;
    /** The main consumer's session timeout unless configured: how long a dead instance's partitions wait. */
    public static final int SESSION_TIMEOUT_MS = 10_000;

    static Properties streamsProperties(GapwatchConfig config, String bootstrap, String applicationServer) {
        final Properties props = new Properties();
        props.putAll(config.clientSettings()); // TLS, SASL, producer., consumer. … untouched
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getString(GapwatchConfig.APPLICATION_ID));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.getString(GapwatchConfig.PROCESSING_GUARANTEE));
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        if (!props.containsKey(ProducerConfig.BATCH_SIZE_CONFIG) && !props.containsKey(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG))) {
            props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        }
        // A stopped or killed instance holds its partitions until its session expires: Kafka's 45 s
        // made every restart of 10,000 models take 46 s (9.7 s at 10 s; bench-many-models).
        if (!props.containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)
                && !props.containsKey(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG))
                && !props.containsKey(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG))) {
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS);
            if (!props.containsKey(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG))
                    && !props.containsKey(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)) {
                props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), SESSION_TIMEOUT_MS / 4);
            }
        }
        props.putIfAbsent(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.putIfAbsent(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        return props;
    }

    /** The processor's client settings (TLS, SASL …) for a plain consumer that reads the input back. */
    static Map<String, Object> inputReaderSettings(GapwatchConfig config, String bootstrap) {
        final Map<String, Object> settings = new HashMap<>();
        config.clientSettings().forEach((k, v) -> {
            if (org.apache.kafka.clients.consumer.ConsumerConfig.configNames().contains(k)) {
                settings.put(k, v);
            } else if (k.startsWith(StreamsConfig.CONSUMER_PREFIX)
                    && org.apache.kafka.clients.consumer.ConsumerConfig.configNames().contains(k.substring(StreamsConfig.CONSUMER_PREFIX.length()))) {
                settings.put(k.substring(StreamsConfig.CONSUMER_PREFIX.length()), v);
            }
        });
        settings.keySet().removeIf(k -> k.equals("group.id") || k.equals("auto.offset.reset") || k.equals("isolation.level"));
        settings.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return settings;
    }

    /**
     * The input topic is the log a restore reads back: its retention is checked, never trusted.
     * Warns when records may be removed before a snapshot takes them in (retention.ms shorter than
     * twice snapshot.lag.ms, a size limit that cannot be judged, or compaction, which keeps only the
     * last record of each model).
     */
    static void checkRetention(GapwatchConfig config, String bootstrap) {
        final String topic = config.getString(GapwatchConfig.OBSERVATIONS_TOPIC);
        try (Admin admin = Admin.create(adminSettings(config, bootstrap))) {
            final org.apache.kafka.common.config.ConfigResource resource =
                    new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            final org.apache.kafka.clients.admin.Config topicConfig = admin.describeConfigs(List.of(resource)).all()
                    .get(30, TimeUnit.SECONDS).get(resource);
            retentionWarnings(topic, topicConfig.get("cleanup.policy").value(), Long.parseLong(topicConfig.get("retention.ms").value()),
                    Long.parseLong(topicConfig.get("retention.bytes").value()), config.getLong(GapwatchConfig.SNAPSHOT_LAG_MS),
                    config.getLong(GapwatchConfig.SNAPSHOT_LAG_RECORDS)).forEach(LOG::warn);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            LOG.warn("could not check the retention of input topic {}: {}", topic, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What is wrong with an input topic's retention for restores that read records back from it
     * for up to {@code lagMs} (and {@code lagRecords} offsets) after they were learned.
     */
    static List<String> retentionWarnings(String topic, String cleanupPolicy, long retentionMs, long retentionBytes, long lagMs,
                                          long lagRecords) {
        final List<String> warnings = new ArrayList<>();
        if (cleanupPolicy.contains("compact")) {
            warnings.add("input topic " + topic + " is compacted (cleanup.policy=" + cleanupPolicy + "): it keeps only each model's "
                    + "last record, so a restore cannot read back the records since a snapshot and models restored from it will "
                    + "report records lost. Use cleanup.policy=delete.");
        }
        if (retentionMs >= 0 && retentionMs < 2 * lagMs) {
            warnings.add("input topic " + topic + " keeps records " + retentionMs + " ms (retention.ms), less than twice "
                    + "snapshot.lag.ms = " + lagMs + " ms: a model restored after a crash may find records it needs removed. "
                    + "Raise retention.ms or lower snapshot.lag.ms.");
        }
        if (retentionBytes >= 0) {
            warnings.add("input topic " + topic + " has a size limit (retention.bytes = " + retentionBytes + "): make sure a "
                    + "partition holds more than snapshot.lag.records = " + lagRecords + " records, and records of the last "
                    + "2 × snapshot.lag.ms.");
        }
        return warnings;
    }

    static Map<String, Object> adminSettings(GapwatchConfig config, String bootstrap) {
        final Map<String, Object> adminSettings = new HashMap<>(config.clientSettings());
        adminSettings.keySet().removeIf(k -> !AdminClientConfig.configNames().contains(k));
        adminSettings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return adminSettings;
    }

    /**
     * Why the weights topic cannot be read beside the observations, or null: a model's weights must
     * reach the task that holds the model, so both topics need the same partition count (and keys).
     */
    static String coPartitioningProblem(String weights, int weightPartitions, String observations, int observationPartitions) {
        return weightPartitions == observationPartitions ? null
                : "weights.topic " + weights + " has " + weightPartitions + " partitions and observations.topic " + observations
                        + " has " + observationPartitions + ": they must be co-partitioned (same key, same partition count); "
                        + "recreate " + weights + " with " + observationPartitions + " partitions or name another weights.topic";
    }

    /** Creates the topics gapwatch reads and writes when they do not exist yet. */
    static void createMissingTopics(GapwatchConfig config, String bootstrap) throws InterruptedException {
        try (Admin admin = Admin.create(adminSettings(config, bootstrap))) {
            final Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            final List<NewTopic> missing = new ArrayList<>();
            for (String topic : List.of(config.getString(GapwatchConfig.OBSERVATIONS_TOPIC), config.getString(GapwatchConfig.PREDICTIONS_TOPIC),
                    config.getString(GapwatchConfig.REPORTS_TOPIC), config.getString(GapwatchConfig.DEAD_LETTER_TOPIC))) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, config.getInt(GapwatchConfig.TOPICS_PARTITIONS),
                            config.getShort(GapwatchConfig.TOPICS_REPLICATION_FACTOR)));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
            }
            // the weights topic: created with the observations' partition count, or checked to have it
            final String observations = config.getString(GapwatchConfig.OBSERVATIONS_TOPIC);
            final String weights = config.getString(GapwatchConfig.WEIGHTS_TOPIC);
            // a topic created a moment ago may not be in every broker's metadata yet (describe then fails
            // with UnknownTopicOrPartition), so its partition count is taken from what was asked for
            final int partitions = !existing.contains(observations) ? config.getInt(GapwatchConfig.TOPICS_PARTITIONS)
                    : admin.describeTopics(List.of(observations)).allTopicNames().get(30, TimeUnit.SECONDS)
                            .get(observations).partitions().size();
            if (!existing.contains(weights)) {
                admin.createTopics(List.of(new NewTopic(weights, partitions, config.getShort(GapwatchConfig.TOPICS_REPLICATION_FACTOR))))
                        .all().get(30, TimeUnit.SECONDS);
                LOG.info("created topic {} with {} partitions, as {} has", weights, partitions, observations);
            } else {
                final int weightPartitions = admin.describeTopics(List.of(weights)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(weights).partitions().size();
                final String problem = coPartitioningProblem(weights, weightPartitions, observations, partitions);
                if (problem != null) {
                    throw new UserError(problem);
                }
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create gapwatch's topics on " + bootstrap + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within 30 s", e);
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    public HttpApi http() {
        return http;
    }

    public Metrics metrics() {
        return metrics;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Asks the cluster every few seconds whether it answers; when it has not for longer than the
     * limit, completes the service's failure. Kafka's clients retry for ever on their own, which
     * is right for a blip and wrong for a cluster that is gone: then a supervisor should restart
     * the process, which can only happen if it exits.
     */
    static final class Watchdog implements AutoCloseable {
        static final long PERIOD_MS = 5_000;
        private final Admin admin;
        private final java.util.concurrent.ScheduledExecutorService timer;
        private volatile long lastAnswered = System.nanoTime();

        private Watchdog(Admin admin, java.util.concurrent.ScheduledExecutorService timer) {
            this.admin = admin;
            this.timer = timer;
        }

        static Watchdog start(Map<String, Object> adminSettings, long limitMs, CompletableFuture<Throwable> failure) {
            final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                final Thread thread = new Thread(r, "gapwatch-kafka-watchdog");
                thread.setDaemon(true);
                return thread;
            });
            final Watchdog watchdog = new Watchdog(Admin.create(adminSettings), timer);
            timer.scheduleWithFixedDelay(() -> watchdog.check(limitMs, failure), PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
            return watchdog;
        }

        private void check(long limitMs, CompletableFuture<Throwable> failure) {
            try {
                admin.describeCluster().nodes().get(PERIOD_MS, TimeUnit.MILLISECONDS);
                lastAnswered = System.nanoTime();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                final long silentMs = (System.nanoTime() - lastAnswered) / 1_000_000;
                LOG.warn("Kafka has not answered for {} ms ({})", silentMs, e.getCause() == null ? e.toString() : e.getCause().toString());
                if (silentMs > limitMs) {
                    failure.complete(new IllegalStateException("Kafka did not answer for " + silentMs
                            + " ms (kafka.unreachable.exit.ms = " + limitMs + ")"));
                }
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
            admin.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.close();
        }
        // leave the group: otherwise the next instance of this application waits out the departed
        // member's session (45 s by default) before it gets the tasks
        streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
        http.close();
        metrics.close();
        if (broker != null) {
            broker.close();
        }
    }
}
