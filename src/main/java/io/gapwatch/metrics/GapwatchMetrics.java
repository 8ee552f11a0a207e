package io.gapwatch.metrics;

import io.gapwatch.avro.RejectReason;
import io.gapwatch.engine.diagnostics.Finding;
import io.gapwatch.engine.diagnostics.FindingCode;
import io.gapwatch.engine.diagnostics.LearnerReport;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.stream.StreamListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Micrometer adapter of the processor's listener: per model, a counter of records processed
 * and rejected, and, from each report, the gauges of {@link ModelGauge} and, per learner, of
 * {@link LearnerGauge}, and the open findings by code.
 *
 * <p>Per record it only looks up the model's counters and increments one: no allocation, no lock.
 * Reports (every few seconds per model) publish a fresh array of values that the gauges read, so
 * a scrape never sees half a report.
 *
 * <p>At most {@code maxModels} models are exported, the first ones seen; the others are counted
 * once each in {@value #UNEXPORTED}, so one runaway key space cannot flood Prometheus. A model
 * this instance gives up (its partition moved to another instance) is removed and frees its place.
 */
public final class GapwatchMetrics implements StreamListener {

    static final String PROCESSED = "gapwatch.records.processed";
    static final String REJECTED = "gapwatch.records.rejected";
    static final String UNEXPORTED = "gapwatch.metrics.models.unexported";
    static final String EXPORTED = "gapwatch.metrics.models.exported";
    static final String MODEL_FINDINGS = "gapwatch.model.findings";
    static final String LEARNER_FINDINGS = "gapwatch.learner.findings";
    static final String REPORT_LATENESS = "gapwatch.reports.lateness";
    static final String REPORT_SHARE = "gapwatch.reports.thread.share";
    static final String CACHED_MODELS = "gapwatch.models.cached";
    static final String CACHED_BYTES = "gapwatch.models.cached.weight";
    static final String EVICTIONS = "gapwatch.models.evicted";
    static final String RECORDS_LOST = "gapwatch.records.lost";
    static final String RESTORED_MODELS = "gapwatch.restore.models";
    static final String RESTORED_RECORDS = "gapwatch.restore.records";
    /** Reasons a record of a named model can be rejected for: exported at zero from the model's first record. */
    static final java.util.Set<RejectReason> MODEL_REASONS = java.util.EnumSet.complementOf(
            java.util.EnumSet.of(RejectReason.EMPTY_KEY, RejectReason.OVERSIZED_KEY));
    /** Reasons a record is rejected for before any model is named: exported at zero from the start. */
    static final java.util.Set<RejectReason> KEYLESS_REASONS = java.util.EnumSet.of(
            RejectReason.EMPTY_KEY, RejectReason.OVERSIZED_KEY, RejectReason.UNDECODABLE);
    /** The {@code model} tag of records rejected before a model could be named (no key, oversized key). */
    static final String NO_MODEL = "";

    private final MeterRegistry registry;
    private final int maxModels;
    private final Map<String, ModelMeters> models = new ConcurrentHashMap<>();
    private final AtomicInteger exported = new AtomicInteger();
    private final Counter unexported;
    private final ModelMeters noModel;
    /** Kept in the map for every model over the cap: found, and ignored, without registering or allocating. */
    private final ModelMeters overflowMarker = new ModelMeters();

    /** One exported metric as Prometheus shows it, for the README's table. */
    public record Definition(String prometheusName, String type, String tags, String description) {
    }

    /** Every metric of gapwatch's own, in the order the README lists them. */
    public static List<Definition> definitions() {
        final List<Definition> all = new ArrayList<>();
        all.add(new Definition(prometheus(PROCESSED, true), "counter", "model, kind",
                "Records processed: learned from (`kind=learned`) or only scored, having no target (`kind=scored`)."));
        all.add(new Definition(prometheus(REJECTED, true), "counter", "model, reason",
                "Records sent to the dead-letter topic, by reason (`model=\"\"` when the key names no model); every reason a "
                        + "model's records can have is exported at 0 from its first record, so rates and panels read 0, not nothing. "
                        + "`reason=\"processing_failed\"`: processing the record threw; the model went on without it."));
        for (ModelGauge gauge : ModelGauge.values()) {
            all.add(new Definition(prometheus(gauge.meterName, false), "gauge", "model", gauge.description));
        }
        all.add(new Definition(prometheus(MODEL_FINDINGS, false), "gauge", "model, code",
                "Open findings about the model's data by code (1 open, 0 closed); a series appears when its finding first opens."));
        for (LearnerGauge gauge : LearnerGauge.values()) {
            all.add(new Definition(prometheus(gauge.meterName, false), "gauge", "model, learner, optimizer", gauge.description));
        }
        all.add(new Definition(prometheus(LEARNER_FINDINGS, false), "gauge", "model, learner, code",
                "Open findings about a learner by code (1 open, 0 closed)."));
        all.add(new Definition(prometheus(REPORT_LATENESS, false) + "_seconds", "gauge", "",
                "How late the interval reports run: the most any due report ran past `report.interval.ms`, over the last walk "
                        + "of the models; it grows when `report.share` is too small for the models' reports."));
        all.add(new Definition(prometheus(REPORT_SHARE, false), "gauge", "",
                "The share of the stream threads' time the interval reports took over the last walk (at most `report.share` each)."));
        all.add(new Definition(prometheus(CACHED_MODELS, false), "gauge", "", "Models held in memory; the others live only in the state stores."));
        all.add(new Definition(prometheus(CACHED_BYTES, false) + "_bytes", "gauge", "",
                "What the models held in memory weigh, at most `models.cache.max.bytes` per stream task."));
        all.add(new Definition(prometheus(EVICTIONS, true), "counter", "",
                "Models the cache let go (read back from the stores, bit for bit, when next needed)."));
        all.add(new Definition(prometheus(RESTORED_MODELS, true), "counter", "",
                "Models rebuilt after a crash or a takeover by reading their records since their snapshot back from the input topic."));
        all.add(new Definition(prometheus(RESTORED_RECORDS, true), "counter", "", "Input records those restores read back and applied again."));
        all.add(new Definition(prometheus(RECORDS_LOST, true), "counter", "",
                "Records a restore needed that the input topic no longer held (its retention removed them before the model's next "
                        + "snapshot): the model went on without them, and its `records_lost` finding names it. Anything above 0 is an alert."));
        all.add(new Definition(prometheus(EXPORTED, false), "gauge", "", "Models whose metrics are exported now."));
        all.add(new Definition(prometheus(UNEXPORTED, true), "counter", "",
                "Models not exported because `metrics.models.max` were exported already, counted once each."));
        return all;
    }

    private static String prometheus(String meterName, boolean counter) {
        return meterName.replace('.', '_') + (counter ? "_total" : "");
    }

    public GapwatchMetrics(MeterRegistry registry, int maxModels) {
        this.registry = registry;
        this.maxModels = maxModels;
        this.unexported = Counter.builder(UNEXPORTED)
                .description("Models not exported because metrics.models.max were exported already, counted once each")
                .register(registry);

        Gauge.builder(EXPORTED, exported, AtomicInteger::get).description("Models exported now").register(registry);
        this.noModel = new ModelMeters(NO_MODEL);
        KEYLESS_REASONS.forEach(noModel::rejected);
        Gauge.builder(REPORT_LATENESS, tasks, t -> t.values().stream().mapToLong(TaskFigures::latenessMs).max().orElse(0) / 1000.0)
                .description("How late the interval reports run, the most past report.interval.ms").baseUnit("seconds").register(registry);
        Gauge.builder(REPORT_SHARE, tasks, t -> t.values().stream().mapToDouble(TaskFigures::share).filter(Double::isFinite).sum())
                .description("Share of the stream threads' time the interval reports took").register(registry);
        Gauge.builder(CACHED_MODELS, tasks, t -> t.values().stream().mapToLong(TaskFigures::models).sum())
                .description("Models held in memory").register(registry);
        Gauge.builder(CACHED_BYTES, tasks, t -> t.values().stream().mapToLong(TaskFigures::bytes).sum())
                .description("What the models held in memory weigh").baseUnit("bytes").register(registry);
        this.restoredModels = Counter.builder(RESTORED_MODELS).description("Models rebuilt from the input topic").register(registry);
        this.restoredRecords = Counter.builder(RESTORED_RECORDS).description("Input records read back by restores").register(registry);
        this.recordsLost = Counter.builder(RECORDS_LOST)
                .description("Records a restore needed that the input topic no longer held").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(EVICTIONS, this, m -> m.evictedBefore
                        + m.tasks.values().stream().mapToLong(TaskFigures::evictions).sum())
                .description("Models the cache let go").register(registry);
    }

    /** One task's latest figures. */
    private record TaskFigures(long latenessMs, double share, long models, long bytes, long evictions) {
    }

    private final Map<String, TaskFigures> tasks = new ConcurrentHashMap<>();
    // model-free, so that they are exported whatever metrics.models.max leaves out
    private final Counter restoredModels;
    private final Counter restoredRecords;
    private final Counter recordsLost;

    @Override
    public void restored(String task, long models, long records) {
        restoredModels.increment(models);
        restoredRecords.increment(records);
    }

    @Override
    public void recordsLost(String model, long records) {
        recordsLost.increment(records);
    }
    /** Evictions of tasks that have closed, so the counter never goes back. */
    private volatile long evictedBefore;

    @Override
    public void reportsAndCache(String task, long reportLatenessMs, double reportShare, long cachedModels, long cachedBytes,
                                long evictions) {
        tasks.put(task, new TaskFigures(reportLatenessMs, reportShare, cachedModels, cachedBytes, evictions));
    }

    @Override
    public void taskClosed(String task) {
        final TaskFigures last = tasks.remove(task);
        if (last != null) {
            evictedBefore += last.evictions();
        }
    }

    @Override
    public void processed(String model, boolean learned) {
        final ModelMeters meters = meters(model);
        if (meters != null) {
            (learned ? meters.learned : meters.scored).increment();
        }
    }

    @Override
    public void rejected(String model, RejectReason reason) {
        final ModelMeters meters = model == null ? noModel : meters(model);
        if (meters != null) {
            meters.rejected(reason).increment();
        }
    }

    @Override
    public void reported(String model, ModelReport report) {
        final ModelMeters meters = meters(model);
        if (meters != null) {
            meters.publish(report);
        }
    }

    @Override
    public void released(String model) {
        final ModelMeters meters = models.remove(model);
        if (meters != null && meters != overflowMarker) {
            meters.meters.forEach(registry::remove);
            exported.decrementAndGet();
        }
    }

    /** Models exported now. */
    public int exportedModels() {
        return exported.get();
    }

    /** The model's meters, registered on first sight; null when the model is over the cap. */
    private ModelMeters meters(String model) {
        final ModelMeters found = models.get(model);
        if (found != null) {
            return found == overflowMarker ? null : found;
        }
        final ModelMeters created = models.computeIfAbsent(model, id -> {
            if (exported.incrementAndGet() > maxModels) {
                exported.decrementAndGet();
                unexported.increment();
                return overflowMarker;
            }
            return new ModelMeters(id);
        });
        return created == overflowMarker ? null : created;
    }

    /** One model's meters. Written by the stream thread that owns the model, read by scrapes. */
    private final class ModelMeters {
        final String model;
        final Tags tags;
        final List<Meter> meters = new ArrayList<>();
        final Counter learned;
        final Counter scored;
        final Counter[] rejected = new Counter[RejectReason.values().length];
        final Map<String, LearnerMeters> learners = new ConcurrentHashMap<>();
        /** Open findings by learner ("" for the model's) and code; a gauge stays, at 0, once its finding closes. */
        final Map<String, FindingGauge> findings = new ConcurrentHashMap<>();
        volatile double[] values = nans(ModelGauge.values().length);

        ModelMeters(String model) {
            this.model = model;
            this.tags = Tags.of("model", model);
            if (model.isEmpty()) { // records without a model: only rejects
                this.learned = null;
                this.scored = null;
                return;
            }
            this.learned = counter(PROCESSED, "Records processed: learned from (kind=learned) or only scored, having no target (kind=scored)",
                    tags.and("kind", "learned"));
            this.scored = counter(PROCESSED, null, tags.and("kind", "scored"));
            MODEL_REASONS.forEach(this::rejected); // at zero: a panel of rejects reads 0, not "No data"
            for (ModelGauge gauge : ModelGauge.values()) {
                final int i = gauge.ordinal();
                meters.add(Gauge.builder(gauge.meterName, this, m -> m.values[i]).description(gauge.description)
                        .tags(tags).register(registry));
            }
        }

        // the overflow marker: registers nothing
        ModelMeters() {
            this.model = null;
            this.tags = Tags.empty();
            this.learned = null;
            this.scored = null;
        }

        private Counter counter(String name, String description, Tags counterTags) {
            final Counter counter = Counter.builder(name).description(description).tags(counterTags).register(registry);
            meters.add(counter);
            return counter;
        }

        Counter rejected(RejectReason reason) {
            Counter counter = rejected[reason.ordinal()];
            if (counter == null) { // once per model and reason; registering the same id twice returns the same counter
                counter = counter(REJECTED, "Records sent to the dead-letter topic, by reason",
                        tags.and("reason", reason.name().toLowerCase(Locale.ROOT)));
                rejected[reason.ordinal()] = counter;
            }
            return counter;
        }

        void publish(ModelReport report) {
            final double[] next = new double[ModelGauge.values().length];
            for (ModelGauge gauge : ModelGauge.values()) {
                next[gauge.ordinal()] = gauge.value.applyAsDouble(report);
            }
            values = next;
            for (LearnerReport learner : report.learners()) {
                learners.computeIfAbsent(learner.name(), name -> new LearnerMeters(this, name, learner.optimizer())).publish(learner);
            }
            final Map<String, Integer> open = new java.util.HashMap<>();
            for (Finding finding : report.findings()) {
                open.merge(findingKey(finding.learner(), finding.code()), 1, Integer::sum);
                findings.computeIfAbsent(findingKey(finding.learner(), finding.code()), key -> findingGauge(finding.learner(), finding.code()));
            }
            findings.forEach((key, gauge) -> gauge.value = open.getOrDefault(key, 0));
        }

        private FindingGauge findingGauge(String learner, FindingCode code) {
            final FindingGauge gauge = new FindingGauge();
            final Gauge.Builder<FindingGauge> builder = learner == null
                    ? Gauge.builder(MODEL_FINDINGS, gauge, g -> g.value).description("Open findings about the model's data, by code")
                    .tags(tags.and("code", code.code()))
                    : Gauge.builder(LEARNER_FINDINGS, gauge, g -> g.value).description("Open findings about a learner, by code")
                    .tags(tags.and("learner", learner, "code", code.code()));
            meters.add(builder.register(registry));
            return gauge;
        }
    }

    private static String findingKey(String learner, FindingCode code) {
        return (learner == null ? "" : learner) + '\u0000' + code.name();
    }

    private static final class FindingGauge {
        volatile double value;
    }

    /** One learner's gauges. */
    private final class LearnerMeters {
        volatile double[] values = nans(LearnerGauge.values().length);

        LearnerMeters(ModelMeters model, String learner, String optimizer) {
            final Tags tags = model.tags.and("learner", learner, "optimizer", optimizer);
            for (LearnerGauge gauge : LearnerGauge.values()) {
                final int i = gauge.ordinal();
                model.meters.add(Gauge.builder(gauge.meterName, this, m -> m.values[i]).description(gauge.description)
                        .tags(tags).register(registry));
            }
        }

        LearnerMeters publish(LearnerReport report) {
            final double[] next = new double[LearnerGauge.values().length];
            for (LearnerGauge gauge : LearnerGauge.values()) {
                next[gauge.ordinal()] = gauge.value.applyAsDouble(report);
            }
            values = next;
            return this;
        }
    }

    private static double[] nans(int n) {
        final double[] values = new double[n];
        Arrays.fill(values, Double.NaN);
        return values;
    }
}
