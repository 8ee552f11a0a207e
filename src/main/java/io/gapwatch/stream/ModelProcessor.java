package io.gapwatch.stream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gapwatch.avro.ModelState;
import io.gapwatch.avro.RejectReason;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelSpec;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ModelReport;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Second stage: each observation to its model — predict with every learner and the exact fit,
 * then learn (test-then-train) — and the outputs: a prediction per record, a report per model on an
 * interval and every N records, a dead letter for a record that cannot be used.
 *
 * <h2>State, and memory bounded by configuration</h2>
 * The models live in changelogged stores ({@link ModelStore}): a snapshot every
 * {@code snapshot.every.records}, an O(d) pending entry per record in between, and a small progress
 * entry ({@link #PROGRESS_STORE}). In memory they are only a cache, bounded in bytes
 * ({@code models.cache.max.bytes}, each model weighing {@link Model#heapBytes()}), maintained on
 * the stream thread: a model it lets go is read back from its stores when next needed, bit for
 * bit. The cache is cleared in {@link #init}, which Kafka Streams calls again whenever a task is
 * revived.
 *
 * <h2>A fault in one model never stops the others</h2>
 * A record is learned in memory first and its state written after. If anything throws in between,
 * the record goes to the dead-letter topic as PROCESSING_FAILED with the exception, the model is
 * dropped from the cache — its stores never saw the record — and every other model goes on.
 *
 * <h2>Reports within a budget</h2>
 * A model reports every {@code report.every.records} records, inline, and every
 * {@code report.interval.ms} when it has new records. The second kind is what thousands of models
 * make expensive (an SVD each), so it runs in a wall-clock punctuation that walks the progress
 * store round-robin from where the last one stopped and reports due models while the time spent
 * stays within {@code report.share} of the thread's time (a credit that elapsed time refills). The
 * walk reads the store, not the cache, so a model the cache let go still reports.
 */
final class ModelProcessor implements Processor<String, Observation, Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(ModelProcessor.class);

    /** Wall-clock period of the report punctuation. */
    static final long TICK_MS = 100;
    /** Report credit is capped at this much thread time, so an idle spell does not buy a long punctuation. */
    static final long MAX_CREDIT_NANOS = 200_000_000L;
    /** Progress entries one punctuation reads at most, so a huge key space cannot make one long either. */
    static final int MAX_SCANNED = 20_000;

    private final StreamSettings settings;
    private final StreamListener listener;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> snapshots;
    private KeyValueStore<String, byte[]> pending;
    private KeyValueStore<String, byte[]> progress;
    private ModelStore.Writable snapshotWriter;
    private ModelStore.Writable pendingWriter;
    private Cache<String, Slot> models;
    private final RecordCodec codec = new RecordCodec();
    private final long[] progressFields = new long[3];

    // the report walk
    private String cursor = "";
    private long creditNanos;
    private long lastTickNanos;
    private final ReportCycle cycle = new ReportCycle();

    /** A cached model, its manifest, and its progress as last written. */
    private static final class Slot {
        final Model model;
        final List<String> learnerNames;
        final long weight;
        ModelState manifest;
        long reportedRecords;
        long reportedAt;

        Slot(Model model, ModelState manifest, long reportedRecords, long reportedAt) {
            this.model = model;
            this.manifest = manifest;
            this.learnerNames = model.learners().stream().map(l -> l.name()).toList();
            this.weight = model.heapBytes();
            this.reportedRecords = reportedRecords;
            this.reportedAt = reportedAt;
        }
    }

    ModelProcessor(StreamSettings settings, StreamListener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.snapshots = context.getStateStore(StreamSettings.SNAPSHOTS_STORE);
        this.pending = context.getStateStore(StreamSettings.PENDING_STORE);
        this.progress = context.getStateStore(StreamSettings.PROGRESS_STORE);
        this.snapshotWriter = writer(snapshots);
        this.pendingWriter = writer(pending);
        // caches only: the stores are the truth. Maintenance runs on this thread, so an eviction
        // never races the stream thread's use of a model.
        this.models = Caffeine.newBuilder()
                .maximumWeight(settings.cacheMaxBytes())
                .weigher((String id, Slot slot) -> (int) Math.min(Integer.MAX_VALUE, slot.weight))
                .executor(Runnable::run)
                .recordStats()
                .build();
        this.lastTickNanos = System.nanoTime();
        context.schedule(Duration.ofMillis(TICK_MS), PunctuationType.WALL_CLOCK_TIME, this::reportDue);
    }

    private static ModelStore.Writable writer(KeyValueStore<String, byte[]> store) {
        return new ModelStore.Writable() {
            @Override
            public void put(String key, byte[] value) {
                store.put(key, value);
            }

            @Override
            public void delete(String key) {
                store.delete(key);
            }
        };
    }

    @Override
    public void process(Record<String, Observation> record) {
        final Observation o = record.value();
        final String id = o.model();
        final Slot slot;
        try {
            slot = slot(id, o);
        } catch (RuntimeException e) {
            failed(o, record.timestamp(), e, "its state could not be read");
            return;
        }
        if (slot == null) {
            return; // dead-lettered: this record cannot start a model
        }
        final Model model = slot.model;
        if (o.features().length != model.featureNames().size()) {
            DecodeProcessor.deadLetter(context, settings, listener, o.rawKey(), o.rawValue(), record.timestamp(),
                    new Rejection(RejectReason.WRONG_DIMENSION, "model '" + id + "' has " + model.featureNames().size()
                            + " features; the record has " + o.features().length, id));
            return;
        }
        final long before = model.count();
        final double[] predictions;
        try {
            if (o.hasTarget()) {
                predictions = model.observe(o.features(), o.target());
                settings.faults().afterLearning(id, o.recordId());
            } else {
                predictions = model.score(o.features());
            }
        } catch (RuntimeException e) {
            models.invalidate(id); // its stores never saw this record: the next use reads the model back without it
            failed(o, record.timestamp(), e, "learning it failed");
            return;
        }
        if (o.hasTarget()) {
            final long sequence = model.count();
            ModelStore.appendPending(pendingWriter, codec, id, sequence, settings.snapshotEveryRecords(), o.features(), o.target());
            if (sequence % settings.snapshotEveryRecords() == 0) {
                slot.manifest = ModelStore.snapshot(snapshotWriter, id, model, slot.manifest);
            }
            progress.put(id, codec.writeProgress(sequence, slot.reportedRecords, slot.reportedAt));
        }
        listener.processed(id, o.hasTarget());
        final RecordMetadata metadata = context.recordMetadata().orElse(null);
        final int partition = metadata == null ? -1 : metadata.partition();
        final long offset = metadata == null ? -1 : metadata.offset();
        final byte[] prediction = settings.json()
                ? Outputs.encode(Outputs.prediction(o, partition, offset, before, predictions, slot.learnerNames), true)
                : codec.writePrediction(id, o.recordId(), o.eventTime(), partition, offset, o.target(), before,
                        predictions, slot.learnerNames);
        context.forward(new Record<Object, Object>(id, prediction, record.timestamp()), TopologyFactory.PREDICTIONS);
        if (o.hasTarget() && model.count() % settings.reportEveryRecords() == 0) {
            report(id, slot.model, slot, record.timestamp());
        }
    }

    // A record whose processing threw: to the dead-letter topic with the exception, counted; the rest goes on.
    private void failed(Observation o, long timestamp, RuntimeException e, String what) {
        LOG.warn("model '{}': {} ({}); the record goes to the dead-letter topic and every other model goes on", o.model(), what, e.toString(), e);
        DecodeProcessor.deadLetter(context, settings, listener, o.rawKey(), o.rawValue(), timestamp,
                new Rejection(RejectReason.PROCESSING_FAILED, "model '" + o.model() + "': " + what + ": " + e, o.model()));
    }

    // The cached model, or the model read back from its stores, or a new one (its spec written now).
    private Slot slot(String id, Observation first) {
        final Slot cached = models.getIfPresent(id);
        if (cached != null) {
            return cached;
        }
        final ModelStore.Loaded loaded = ModelStore.load(snapshots, pending, id, codec);
        if (loaded != null) {
            final byte[] entry = progress.get(id);
            long reportedRecords = 0;
            long reportedAt = 0;
            if (entry != null) {
                codec.readProgress(entry, progressFields);
                reportedRecords = progressFields[1];
                reportedAt = progressFields[2];
            }
            final Slot slot = new Slot(loaded.model(), loaded.manifest(), reportedRecords, reportedAt);
            models.put(id, slot);
            LOG.debug("model '{}' read back from its stores at {} records", id, loaded.model().count());
            return slot;
        }
        final ModelSpec spec = settings.specFor().apply(id);
        if (spec.features() != null && spec.features().size() != first.features().length) {
            DecodeProcessor.deadLetter(context, settings, listener, first.rawKey(), first.rawValue(), context.currentSystemTimeMs(),
                    new Rejection(RejectReason.WRONG_DIMENSION, "model '" + id + "' is configured with " + spec.features().size()
                            + " features (model." + id + ".features); the record has " + first.features().length, id));
            return null;
        }
        final List<String> names = spec.features() != null ? spec.features() : defaultNames(first.features().length);
        final Model model = new Model(spec, names); // the spec was checked at start-up
        final ModelState manifest = ModelStore.fresh(id, model);
        snapshots.put(id, Codecs.encode(manifest));
        final Slot slot = new Slot(model, manifest, 0, 0);
        models.put(id, slot);
        LOG.info("model '{}' started: {} features, learners {}", id, names.size(), slot.learnerNames);
        return slot;
    }

    static List<String> defaultNames(int d) {
        final List<String> names = new ArrayList<>(d);
        for (int j = 1; j <= d; j++) {
            names.add("x" + j);
        }
        return names;
    }

    @Override
    public void close() {
        // the task moves away or the processor stops: none of its models are ours any more
        try (KeyValueIterator<String, byte[]> it = progress.all()) {
            while (it.hasNext()) {
                listener.released(it.next().key);
            }
        } catch (RuntimeException e) {
            LOG.debug("progress store closed before the processor: {}", e.toString());
            models.asMap().keySet().forEach(listener::released);
        }
        models.invalidateAll();
        listener.taskClosed(context.taskId().toString());
    }

    // ---------------------------------------------------------------- reports on the interval, within a budget

    /**
     * Walks the progress store from the cursor, reporting each model whose last report is older
     * than the interval and that has learned since, while the credit lasts. Credit accrues at
     * {@code report.share} of the wall-clock time since the last tick and is spent by the reports'
     * own time, so a slow report makes the next ticks wait rather than the records.
     */
    private void reportDue(long now) {
        final long tick = System.nanoTime();
        creditNanos = Math.min(MAX_CREDIT_NANOS, creditNanos + (long) (settings.reportShare() * (tick - lastTickNanos)));
        lastTickNanos = tick;
        int scanned = 0;
        boolean wrapped = false;
        while (creditNanos > 0 && scanned < MAX_SCANNED && !wrapped) {
            String last = null;
            try (KeyValueIterator<String, byte[]> it = cursor.isEmpty() ? progress.all() : progress.range(cursor + '\u0000', null)) {
                while (it.hasNext() && creditNanos > 0 && scanned < MAX_SCANNED) {
                    final var entry = it.next();
                    last = entry.key;
                    scanned++;
                    codec.readProgress(entry.value, progressFields);
                    final long records = progressFields[0];
                    final long reportedRecords = progressFields[1];
                    final long reportedAt = progressFields[2];
                    if (records > reportedRecords && now - reportedAt >= settings.reportIntervalMs()) {
                        cycle.due(now - reportedAt - settings.reportIntervalMs());
                        final long start = System.nanoTime();
                        reportStored(entry.key, now);
                        final long spent = System.nanoTime() - start;
                        creditNanos -= spent;
                        cycle.spent(spent);
                    }
                }
                if (!it.hasNext() && (last == null || scanned < MAX_SCANNED)) {
                    wrapped = true;
                }
            }
            if (wrapped) {
                cursor = "";
                cycle.restart(now);
            } else if (last != null) {
                cursor = last;
            } else {
                break;
            }
        }
        if (cycle.startedAt < 0) {
            cycle.startedAt = now;
        }
        listener.reportsAndCache(context.taskId().toString(), cycle.latenessMs(), cycle.share(now), models.estimatedSize(),
                models.policy().eviction().flatMap(e -> e.weightedSize().isPresent()
                        ? java.util.Optional.of(e.weightedSize().getAsLong()) : java.util.Optional.empty()).orElse(0L),
                models.stats().evictionCount());
    }

    // A due model reports: from the cache, or read back from its stores without taking a place in the cache.
    private void reportStored(String id, long now) {
        final Slot cached = models.getIfPresent(id);
        try {
            if (cached != null) {
                report(id, cached.model, cached, now);
                return;
            }
            final ModelStore.Loaded loaded = ModelStore.load(snapshots, pending, id, codec);
            if (loaded != null) {
                report(id, loaded.model(), null, now);
            }
        } catch (RuntimeException e) {
            LOG.warn("model '{}': its report failed ({}); the model goes on", id, e.toString(), e);
            markReported(id, -1, now, null); // do not retry it on every tick
        }
    }

    private void report(String id, Model model, Slot slot, long timestamp) {
        final ModelReport report;
        try {
            report = Diagnostics.report(model);
        } catch (RuntimeException e) {
            LOG.warn("model '{}': its report failed ({}); the model goes on", id, e.toString(), e);
            markReported(id, model.count(), timestamp, slot);
            return;
        }
        listener.reported(id, report);
        context.forward(new Record<Object, Object>(id, Outputs.encodeReport(id, report, settings.modelOptions().window(),
                settings.json()), timestamp), TopologyFactory.REPORTS);
        markReported(id, model.count(), timestamp, slot);
    }

    private void markReported(String id, long records, long now, Slot slot) {
        final byte[] entry = progress.get(id);
        if (entry == null) {
            return;
        }
        codec.readProgress(entry, progressFields);
        final long reported = records < 0 ? progressFields[0] : records;
        progress.put(id, codec.writeProgress(progressFields[0], reported, now));
        if (slot != null) {
            slot.reportedRecords = reported;
            slot.reportedAt = now;
        }
    }

    /**
     * How stale the interval reports run: the latest of a due report beyond its interval when it
     * was made, and the share of wall-clock time the reports took, each over the current walk of
     * the store and the last complete one, so the figures move even while a walk takes long.
     */
    private static final class ReportCycle {
        long startedAt = -1;
        long spentNanos;
        long maxLatenessMs;
        long previousMaxLatenessMs;
        double previousShare = Double.NaN;

        void due(long latenessMs) {
            maxLatenessMs = Math.max(maxLatenessMs, latenessMs);
        }

        void spent(long nanos) {
            spentNanos += nanos;
        }

        long latenessMs() {
            return Math.max(maxLatenessMs, previousMaxLatenessMs);
        }

        double share(long now) {
            if (startedAt < 0 || now - startedAt < 1000) {
                return previousShare;
            }
            return spentNanos / 1e6 / (now - startedAt);
        }

        void restart(long now) {
            previousMaxLatenessMs = maxLatenessMs;
            previousShare = share(now);
            startedAt = now;
            spentNanos = 0;
            maxLatenessMs = 0;
        }
    }
}
