package io.gapwatch.app;

import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.ModelSpec;
import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.engine.sgd.LearnerSetting;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stream processor's configuration: one properties file plus environment overrides, every key
 * defined once (name, type, default, check, doc) in {@link #DEFINITION}, with Kafka's own
 * {@link ConfigDef}. Learners use the same settings as {@code replay --learner}:
 * {@code learner.NAME.SETTING} for every model, {@code model.ID.learner.NAME.SETTING} for one.
 * Kafka client settings (TLS, SASL, producer., consumer. …) pass through untouched; anything else
 * stops start-up with one line naming the key.
 *
 * <p>Environment: {@code GAPWATCH_FOO_BAR=x} sets {@code foo.bar}, as Kafka's images do it —
 * {@code _} is a dot, {@code __} an underscore, {@code ___} a dash
 * ({@code GAPWATCH_LEARNER_SGD_SCALE___TARGET=true} is {@code learner.sgd.scale-target=true}).
 */
public final class GapwatchConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String OBSERVATIONS_TOPIC = "observations.topic";
    /** Also the default of {@code produce --topic} and {@code demo --topic}. */
    public static final String DEFAULT_OBSERVATIONS_TOPIC = "gapwatch-observations";
    public static final String PREDICTIONS_TOPIC = "predictions.topic";
    public static final String REPORTS_TOPIC = "reports.topic";
    public static final String DEAD_LETTER_TOPIC = "dead.letter.topic";
    public static final String WEIGHTS_TOPIC = "weights.topic";
    public static final String TOPICS_PARTITIONS = "topics.partitions";
    public static final String TOPICS_REPLICATION_FACTOR = "topics.replication.factor";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String MODEL_INTERCEPT = "model.intercept";
    public static final String MODEL_FORGETTING = "model.forgetting";
    public static final String MODEL_RIDGE = "model.ridge";
    public static final String MODEL_WINDOW = "model.window";
    public static final String LEARNERS = "learners";
    public static final String REPORT_INTERVAL_MS = "report.interval.ms";
    public static final String REPORT_EVERY_RECORDS = "report.every.records";
    public static final String SNAPSHOT_LAG_RECORDS = "snapshot.lag.records";
    public static final String SNAPSHOT_LAG_MS = "snapshot.lag.ms";
    public static final String SNAPSHOT_HELD_RATIO = "snapshot.held.ratio";
    public static final String REPORT_SHARE = "report.share";
    public static final String HISTORY_POINTS = "history.points";
    public static final String MODELS_CACHE_MAX_BYTES = "models.cache.max.bytes";
    public static final String KAFKA_UNREACHABLE_EXIT_MS = "kafka.unreachable.exit.ms";
    public static final String KEY_MAX_BYTES = "key.max.bytes";
    public static final String FEATURES_MAX = "features.max";
    public static final String OUTPUT_FORMAT = "output.format";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String METRICS_MODELS_MAX = "metrics.models.max";
    public static final String EMBEDDED_PORT = "embedded.port";
    public static final String EMBEDDED_DIR = "embedded.dir";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.LIST, "", Importance.HIGH,
                    "Kafka brokers to run against, host:port,…. Empty: start an embedded single-node broker (see embedded.*).")
            .define(APPLICATION_ID, Type.STRING, "gapwatch", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka Streams application id: instances with the same id share the models; it prefixes the state topics.")
            .define(OBSERVATIONS_TOPIC, Type.STRING, DEFAULT_OBSERVATIONS_TOPIC, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Input topic: key the model id, value an Observation (Avro single-object encoding or JSON).")
            .define(PREDICTIONS_TOPIC, Type.STRING, "gapwatch-predictions", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Every observation's predictions, made before learning from it.")
            .define(REPORTS_TOPIC, Type.STRING, "gapwatch-reports", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Each model's diagnosis, every report.interval.ms and every report.every.records records.")
            .define(WEIGHTS_TOPIC, Type.STRING, "gapwatch-weights", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Input topic of weights your own training job publishes while it trains (key: model id; value: Avro "
                            + "WeightsUpdate or JSON {\"learner\", \"step\", \"intercept\", \"weights\"}): each learner name "
                            + "becomes an external learner of the model, judged against its exact fit as each update arrives. "
                            + "Co-partitioned with observations.topic (same key, same partition count; checked at start-up).")
            .define(DEAD_LETTER_TOPIC, Type.STRING, "gapwatch-dead-letters", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Records that could not be used, with the reason.")
            .define(TOPICS_PARTITIONS, Type.INT, 4, Range.atLeast(1), Importance.LOW,
                    "Partitions of the topics gapwatch creates when they are missing: how far the models can be spread over instances.")
            .define(TOPICS_REPLICATION_FACTOR, Type.SHORT, (short) 1, Range.atLeast(1), Importance.LOW,
                    "Replication factor of the topics gapwatch creates when they are missing.")
            .define(PROCESSING_GUARANTEE, Type.STRING, StreamsConfig.EXACTLY_ONCE_V2,
                    ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE), Importance.MEDIUM,
                    "exactly_once_v2: after any crash every model's state equals an uninterrupted run's, bit for bit, and read_committed readers see each output once.")
            .define(MODEL_INTERCEPT, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Whether the exact fit (and, unless they say otherwise, the learners) has an intercept.")
            .define(MODEL_FORGETTING, Type.DOUBLE, 1.0, new UnitInterval(), Importance.MEDIUM,
                    "Forgetting factor λ in (0, 1] of the exact fit: each record weighs λ^age; 1 keeps all history.")
            .define(MODEL_RIDGE, Type.DOUBLE, 0.0, Range.atLeast(0.0), Importance.LOW,
                    "Ridge penalty α ≥ 0 on the exact fit's weights (never the intercept).")
            .define(MODEL_WINDOW, Type.INT, ModelOptions.DEFAULT_WINDOW, Range.atLeast(1), Importance.LOW,
                    "Records over which gradient norms and update ratios are averaged and drift is measured.")
            .define(LEARNERS, Type.LIST, "sgd,adam", Importance.HIGH,
                    "Learners every model runs, by name; each configured by learner.NAME.SETTING (settings as replay --learner). "
                            + "Without settings, sgd and adam are optimizer=sgd,lr=0.01 and optimizer=adam,lr=0.001.")
            .define(REPORT_INTERVAL_MS, Type.LONG, 10_000L, Range.atLeast(100L), Importance.MEDIUM,
                    "Wall-clock interval between reports of each model with new records.")
            .define(REPORT_EVERY_RECORDS, Type.LONG, 10_000L, Range.atLeast(1L), Importance.MEDIUM,
                    "A model also reports every this many records.")
            .define(REPORT_SHARE, Type.DOUBLE, 0.2, new UnitInterval(), Importance.LOW,
                    "The most of the stream thread's time the interval reports may take (each runs SVDs); models due are "
                            + "reported round-robin within it, and gapwatch_reports_lateness_seconds shows how late they run.")
            .define(MODELS_CACHE_MAX_BYTES, Type.LONG, 256L * 1024 * 1024, Range.atLeast(1024L * 1024), Importance.MEDIUM,
                    "The most heap the in-memory models of one stream task take, bytes (each weighs what its state holds: "
                            + "about 8·(d+1)² for the exact fit). Models beyond it live only in the state stores and are read "
                            + "back, bit for bit, when a record needs them: memory is bounded by this, not by the key space.")
            .define(KAFKA_UNREACHABLE_EXIT_MS, Type.LONG, 300_000L, Range.atLeast(0L), Importance.LOW,
                    "Exit (status 1) when the Kafka cluster stays unreachable this long, so a supervisor restarts the process "
                            + "instead of it idling as a zombie; 0: never.")
            .define(SNAPSHOT_LAG_RECORDS, Type.LONG, 100_000L, Range.atLeast(1L), Importance.LOW,
                    "Snapshot a model (O(d²) bytes) when its oldest record not yet in a snapshot lies more than this many input "
                            + "offsets behind: a restore reads back at most about this many records of a partition from the input topic.")
            .define(SNAPSHOT_LAG_MS, Type.LONG, 600_000L, Range.atLeast(1000L), Importance.LOW,
                    "… or was learned longer ago than this: the input topic's retention must exceed it (checked at start-up).")
            .define(SNAPSHOT_HELD_RATIO, Type.DOUBLE, 32.0, Range.atLeast(1.0), Importance.LOW,
                    "A model in memory keeps the records it learned since its snapshot beside it (counted in its cache weight), "
                            + "so that learning writes no record to disk. When they weigh this many times its snapshot (at most an "
                            + "eighth of models.cache.max.bytes), the model is snapshotted instead: a record then costs about "
                            + "1/ratio of its bytes in snapshot writes. Lower it to hold less memory, raise it to write less.")
            .define(HISTORY_POINTS, Type.INT, 600, Range.between(4, 100_000), Importance.LOW,
                    "Most report points each model's history keeps for its page's charts (a few hundred bytes each, written "
                            + "once per report, never per record, and restored with the model). When full, every second point of "
                            + "the older half goes: the charts keep the whole life of the model, denser near now.")
            .define(KEY_MAX_BYTES, Type.INT, 256, Range.between(1, 65_536), Importance.LOW,
                    "Longest model id accepted, in UTF-8 bytes; longer keys go to the dead-letter topic.")
            .define(FEATURES_MAX, Type.INT, 10_000, Range.between(1, 100_000), Importance.LOW,
                    "Most features a record may have; more go to the dead-letter topic.")
            .define(OUTPUT_FORMAT, Type.STRING, "avro", ValidString.in("avro", "json"), Importance.MEDIUM,
                    "Encoding of predictions, reports and dead letters: Avro single-object encoding, or JSON.")
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM,
                    "Address the HTTP API binds to (loopback by default); also what other instances call for models this one holds.")
            .define(HTTP_PORT, Type.INT, 8080, Range.between(0, 65_535), Importance.MEDIUM,
                    "Port of the HTTP API (/models, /models/ID, /health, /metrics); 0 picks a free one.")
            .define(METRICS_MODELS_MAX, Type.INT, 1000, Range.atLeast(0), Importance.LOW,
                    "Most models whose metrics /metrics exports (the first seen); the others are counted in "
                            + "gapwatch_metrics_models_unexported_total, so a runaway key space cannot flood Prometheus.")
            .define(EMBEDDED_PORT, Type.INT, 9092, Range.between(0, 65_535), Importance.LOW,
                    "Port of the embedded broker started when bootstrap.servers is empty; 0 picks a free one.")
            .define(EMBEDDED_DIR, Type.STRING, "", Importance.LOW,
                    "Data directory of the embedded broker; empty: a new temporary directory, printed at start.");

    /** A number in (0, 1], as a forgetting factor or a share of time must be; names itself in the documentation. */
    private static final class UnitInterval implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            final double v = ((Number) value).doubleValue();
            if (!(v > 0.0 && v <= 1.0)) {
                throw new ConfigException(name, value, "must be in (0, 1]");
            }
        }

        @Override
        public String toString() {
            return "(0, 1]";
        }
    }

    static final Pattern LEARNER_KEY = Pattern.compile("learner\\.([A-Za-z0-9_-]+)\\.([a-z0-9-]+)");
    static final Pattern MODEL_KEY = Pattern.compile("model\\.(.+)\\.(features|learners|learner\\.([A-Za-z0-9_-]+)\\.([a-z0-9-]+))");
    static final String ENV_PREFIX = "GAPWATCH_";
    private static final List<String> CLIENT_PREFIXES = List.of(StreamsConfig.PRODUCER_PREFIX, StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX,
            StreamsConfig.ADMIN_CLIENT_PREFIX, StreamsConfig.TOPIC_PREFIX);

    private final Map<String, String> all;

    private GapwatchConfig(Map<String, String> all) {
        super(DEFINITION, onlyDefined(all), false);
        this.all = all;
    }

    private static Map<String, String> onlyDefined(Map<String, String> all) {
        final Map<String, String> defined = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (DEFINITION.names().contains(k)) {
                defined.put(k, v);
            }
        });
        return defined;
    }

    /**
     * Reads a configuration: the file's properties (if a file is given), then the environment's
     * GAPWATCH_* variables over them, then checks every key.
     *
     * @throws ConfigException naming the key of the first problem
     */
    public static GapwatchConfig load(Path file, Map<String, String> environment) throws IOException {
        final Map<String, String> values = new TreeMap<>();
        if (file != null) {
            final Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (NoSuchFileException e) {
                throw new ConfigException("config file " + file + " does not exist");
            }
            properties.stringPropertyNames().forEach(k -> values.put(k.strip(), properties.getProperty(k).strip()));
        }
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                values.put(keyOfEnvironment(name.substring(ENV_PREFIX.length())), value);
            }
        });
        return of(values);
    }

    /** @throws ConfigException naming the key of the first problem */
    public static GapwatchConfig of(Map<String, String> values) {
        final Set<String> clientKeys = clientKeys();
        for (String key : values.keySet()) {
            if (DEFINITION.names().contains(key) || LEARNER_KEY.matcher(key).matches() || MODEL_KEY.matcher(key).matches()
                    || clientKeys.contains(key) || CLIENT_PREFIXES.stream().anyMatch(key::startsWith)) {
                continue;
            }
            throw new ConfigException("unknown configuration key '" + key + "'");
        }
        final GapwatchConfig config = new GapwatchConfig(new TreeMap<>(values));
        config.specs = config.resolveSpecs(); // every model's settings are checked now, never at its first record
        return config;
    }

    /**
     * The default specification and every explicitly configured model's, each checked against its
     * model ({@link ModelSpec#check}); settings for a learner no model runs are refused too, since
     * they can only be a mistake.
     */
    private ModelSpecs resolveSpecs() {
        final ModelOptions options = modelOptions();
        final ModelSpec defaults = new ModelSpec(null, options, learners());
        check(defaults, LEARNERS, "learner.");
        final java.util.Set<String> run = new java.util.HashSet<>(defaults.learners().keySet());
        final Map<String, ModelSpec> models = new TreeMap<>();
        for (String key : all.keySet()) {
            final Matcher m = MODEL_KEY.matcher(key);
            if (m.matches() && !models.containsKey(m.group(1))) {
                final String id = m.group(1);
                final ModelSpec spec = new ModelSpec(featuresFor(id), options, learnersFor(id));
                check(spec, all.containsKey("model." + id + ".learners") ? "model." + id + ".learners" : LEARNERS,
                        "model." + id + ".learner.");
                models.put(id, spec);
                run.addAll(spec.learners().keySet());
                for (String other : all.keySet()) {
                    final Matcher setting = MODEL_KEY.matcher(other);
                    if (setting.matches() && setting.group(1).equals(id) && setting.group(3) != null
                            && !spec.learners().containsKey(setting.group(3))) {
                        throw new ConfigException(other, all.get(other), "model '" + id + "' runs no learner '" + setting.group(3)
                                + "' (its learners: " + String.join(", ", spec.learners().keySet()) + ")");
                    }
                }
            }
        }
        for (String key : all.keySet()) {
            final Matcher m = LEARNER_KEY.matcher(key);
            if (m.matches() && !run.contains(m.group(1))) {
                throw new ConfigException(key, all.get(key), "no model runs a learner '" + m.group(1) + "' (learners: "
                        + String.join(", ", run) + ")");
            }
        }
        return new ModelSpecs(defaults, models);
    }

    // a spec that breaks a rule names the learner's own key prefix, or the list that brought the learner in
    private void check(ModelSpec spec, String listKey, String learnerPrefix) {
        try {
            spec.check();
        } catch (IllegalArgumentException e) {
            final Matcher named = Pattern.compile("^learner '([^']+)': (.*)$").matcher(e.getMessage());
            if (named.matches()) {
                throw new ConfigException("learner settings " + learnerPrefix + named.group(1) + ".* (run by " + listKey + "): "
                        + named.group(2));
            }
            throw new ConfigException(listKey + ": " + e.getMessage());
        }
    }

    /** Every model's specification, checked: the configured ones by id, and the default for all others. */
    public record ModelSpecs(ModelSpec defaults, Map<String, ModelSpec> configured) {

        public ModelSpec of(String model) {
            return configured.getOrDefault(model, defaults);
        }
    }

    private ModelSpecs specs;

    /** What a model of this id is built from; checked at start-up. */
    public ModelSpec specFor(String model) {
        return specs.of(model);
    }

    /** GAPWATCH_A_B__C___D → a.b_c-d (Kafka's image convention). */
    static String keyOfEnvironment(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replace("___", "-").replace("__", "\u0001").replace('_', '.').replace('\u0001', '_');
    }

    private static Set<String> clientKeys() {
        final Set<String> keys = new java.util.HashSet<>(StreamsConfig.configDef().names());
        keys.addAll(ProducerConfig.configNames());
        keys.addAll(ConsumerConfig.configNames());
        keys.addAll(AdminClientConfig.configNames());
        return keys;
    }

    // ---------------------------------------------------------------- what the processor reads

    /** The exact fit's options and the diagnostics window, as every model uses them. */
    public ModelOptions modelOptions() {
        return new ModelOptions(new LeastSquaresOptions(getBoolean(MODEL_INTERCEPT), getDouble(MODEL_FORGETTING),
                getDouble(MODEL_RIDGE)), getInt(MODEL_WINDOW));
    }

    /** The learners every model runs. */
    public Map<String, LearnerConfig> learners() {
        return learners(getList(LEARNERS), "learner.", "");
    }

    /** The learners of one model: its own list and settings over the defaults. */
    public Map<String, LearnerConfig> learnersFor(String model) {
        final String list = all.get("model." + model + ".learners");
        final List<String> names = list == null ? getList(LEARNERS) : splitList(list);
        return learners(names, "learner.", "model." + model + ".learner.");
    }

    /** Feature names configured for a model (which fixes its dimension), or null: its first record decides. */
    public List<String> featuresFor(String model) {
        final String list = all.get("model." + model + ".features");
        return list == null ? null : splitList(list);
    }

    private Map<String, LearnerConfig> learners(List<String> names, String defaults, String overrides) {
        final Map<String, LearnerConfig> learners = new LinkedHashMap<>();
        final Map<String, String> inherited = getBoolean(MODEL_INTERCEPT) ? Map.of() : Map.of("intercept", "false");
        for (String name : names) {
            if (!io.gapwatch.app.LearnerArguments.NAME.matcher(name).matches() || name.contains(".")) {
                throw new ConfigException(LEARNERS, name, "learner names are letters, digits, '_' or '-'");
            }
            if (name.equalsIgnoreCase(LearnerArguments.NONE)) {
                throw new ConfigException(LEARNERS, name, "'none' is not a learner name; for the exact fit alone leave the list empty (learners=)");
            }
            final Map<String, String> settings = new LinkedHashMap<>();
            final Map<String, String> origin = new LinkedHashMap<>(); // setting → the key that set it, for errors
            final Map<String, LearnerConfig> builtIn = LearnerConfig.defaultSet();
            if (builtIn.containsKey(name)) {
                LearnerConfig.asText(builtIn.get(name)).forEach((k, v) -> {
                    if (!v.isEmpty()) {
                        settings.put(k, v);
                    }
                });
            }
            settings.putAll(inherited);
            collect(defaults + name + ".", settings, origin);
            if (!overrides.isEmpty()) {
                collect(overrides + name + ".", settings, origin);
            }
            try {
                learners.put(name, LearnerConfig.parse(settings));
            } catch (IllegalArgumentException e) {
                final String setting = settingOf(e.getMessage());
                final String key = origin.getOrDefault(setting, defaults + name + "." + setting);
                throw new ConfigException(key, settings.get(setting), e.getMessage());
            }
        }
        return learners;
    }

    private void collect(String prefix, Map<String, String> settings, Map<String, String> origin) {
        all.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.indexOf('.', prefix.length()) < 0) {
                final String setting = k.substring(prefix.length());
                settings.put(setting, v);
                origin.put(setting, k);
            }
        });
    }

    // "lr: must be …" names lr; "unknown learner setting 'lrate' …" names lrate
    private static String settingOf(String message) {
        final Matcher unknown = Pattern.compile("unknown learner setting '([^']*)'").matcher(message);
        if (unknown.find()) {
            return unknown.group(1);
        }
        for (LearnerSetting<?> s : LearnerConfig.SETTINGS) {
            if (message.startsWith(s.name() + ":") || message.startsWith(s.name() + "=")) {
                return s.name();
            }
        }
        return "*";
    }

    private static List<String> splitList(String text) {
        final List<String> parts = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        return parts;
    }

    /** What the topology needs, resolved from these settings. */
    public io.gapwatch.stream.StreamSettings streamSettings() {
        return new io.gapwatch.stream.StreamSettings(getString(OBSERVATIONS_TOPIC), getString(PREDICTIONS_TOPIC),
                getString(REPORTS_TOPIC), getString(DEAD_LETTER_TOPIC), getString(WEIGHTS_TOPIC), modelOptions(), this::specFor,
                getLong(REPORT_INTERVAL_MS), getLong(REPORT_EVERY_RECORDS), getLong(SNAPSHOT_LAG_RECORDS), getLong(SNAPSHOT_LAG_MS), getDouble(SNAPSHOT_HELD_RATIO),
                getInt(KEY_MAX_BYTES), getInt(FEATURES_MAX), "json".equals(getString(OUTPUT_FORMAT)),
                getLong(MODELS_CACHE_MAX_BYTES), getDouble(REPORT_SHARE), getInt(HISTORY_POINTS), io.gapwatch.stream.FaultInjection.NONE,
                () -> {
                    throw new IllegalStateException("no input topic to read back: the service sets it once it knows the cluster");
                });
    }

    /** Whether an embedded broker has to be started. */
    public boolean embedded() {
        return getList(BOOTSTRAP_SERVERS).isEmpty();
    }

    /** Every Kafka client setting passed through untouched: keys gapwatch does not define itself. */
    public Map<String, Object> clientSettings() {
        final Map<String, Object> settings = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (!DEFINITION.names().contains(k) && !LEARNER_KEY.matcher(k).matches() && !MODEL_KEY.matcher(k).matches()) {
                settings.put(k, v);
            }
        });
        return settings;
    }

    /** The raw key/value pairs, for reference. */
    public Map<String, String> raw() {
        return all;
    }

    static boolean isModelKey(String key) {
        final Matcher m = MODEL_KEY.matcher(key);
        return m.matches();
    }
}
