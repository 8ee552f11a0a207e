package io.gapwatch.stream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gapwatch.avro.ModelState;
import io.gapwatch.avro.RejectReason;
import io.gapwatch.avro.WeightsUpdate;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelSpec;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.report.HistoryPoints;
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
 * <h2>State: the input topic is the log</h2>
 * A model is its snapshot plus its records after the snapshot's input offset ({@link ModelStore}).
 * Per record nothing O(d) is written anywhere: the record's offset goes to the model's progress
 * entry, whose store caches writes until the commit, and the record itself stays beside the model
 * in memory ("held"). Only when the cache lets the model go are its held records written, in one
 * batch, to a local pending store, so that it is read back without touching the input. A model is
 * snapshotted when its held records weigh {@code snapshot.held.ratio} times its snapshot (so a
 * record costs about 1/ratio of its bytes in snapshot writes), and when its oldest record not in
 * its snapshot lies more than {@code snapshot.lag.records} input offsets, or
 * {@code snapshot.lag.ms}, behind: that bounds how much of the input a restore reads back. At task
 * start ({@link #init}) every model whose progress is ahead of its snapshot and its local pending
 * records is rebuilt in one pass over the input partition.
 *
 * <h2>Memory bounded by configuration</h2>
 * In memory the models are only a cache, bounded in bytes ({@code models.cache.max.bytes}, each
 * model weighing {@link Model#heapBytes()} and its held records), maintained on the stream thread:
 * a model it lets go is read back when next needed, bit for bit. The cache is cleared in
 * {@link #init}, which Kafka Streams calls again whenever a task is revived.
 *
 * <h2>A fault in one model never stops the others</h2>
 * A record is learned in memory first and its state written after. If anything throws in between,
 * the record goes to the dead-letter topic as PROCESSING_FAILED with the exception, the model is
 * read back without it and snapshotted past its offset — so no restore re-reads it — and every
 * other model goes on.
 *
 * <h2>Reports within a budget</h2>
 * A model reports every {@code report.every.records} records, inline, and every
 * {@code report.interval.ms} when it has new records. The second kind is what thousands of models
 * make expensive (an SVD each), so it runs in a wall-clock punctuation that walks the progress
 * store round-robin from where the last one stopped and reports due models while the time spent
 * stays within {@code report.share} of the thread's time (a credit that elapsed time refills). The
 * walk reads the store, not the cache, so a model the cache let go still reports.
 */
final class ModelProcessor implements Processor<String, Object, Object, Object> {

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
    private KeyValueStore<String, byte[]> history;
    private KeyValueStore<String, byte[]> external;
    private KeyValueStore<String, byte[]> progress;
    private Cache<String, Slot> models;
    private final RecordCodec codec = new RecordCodec();
    private final long[] progressFields = new long[4];
    private final ObservationDecoder decoder;
    private InputLog input;
    /**
     * Models with records not in their snapshot, by the input offset and time of the oldest such
     * record, oldest first (insertion order: offsets only grow within a partition). At most the
     * models that learned within the snapshot lag.
     */
    private final java.util.LinkedHashMap<String, long[]> unsnapshotted = new java.util.LinkedHashMap<>();

    // the report walk
    private String cursor = "";
    private final ReportCycle cycle = new ReportCycle();

    /**
     * The report budget of one stream thread: the tasks it runs take turns, and report.share is
     * a share of the thread's time, so they draw on one credit. Only its own thread touches it.
     */
    private static final class ThreadBudget {
        long creditNanos;
        long lastRefillNanos = System.nanoTime();

        void refill(double share) {
            final long now = System.nanoTime();
            creditNanos = Math.min(MAX_CREDIT_NANOS, creditNanos + (long) (share * (now - lastRefillNanos)));
            lastRefillNanos = now;
        }
    }

    private static final ThreadLocal<ThreadBudget> BUDGET = ThreadLocal.withInitial(ThreadBudget::new);

    /** A cached model, its manifest, its progress as last written, and its held records. */
    private static final class Slot {
        final Model model;
        final List<String> learnerNames;
        final long modelBytes;
        ModelState manifest;
        long reportedRecords;
        long reportedAt;
        /** The input offset of the last record it learned. */
        long lastOffset;

        Slot(Model model, ModelState manifest, long reportedRecords, long reportedAt, long lastOffset) {
            this.model = model;
            this.manifest = manifest;
            this.learnerNames = model.learners().stream().map(l -> l.name()).toList();
            this.modelBytes = model.heapBytes();
            this.reportedRecords = reportedRecords;
            this.reportedAt = reportedAt;
            this.lastOffset = lastOffset;
        }

        /**
         * The records learned since the snapshot that no store holds yet, the first of them being
         * record number {@code firstHeld}: kept as decoded, and encoded only if the cache lets
         * the model go.
         */
        final List<Held> held = new ArrayList<>();
        long firstHeld;
        long heldBytes;
        /** The held bytes the cache last weighed this slot with. */
        long weighedHeldBytes;
        /**
         * Whether the cache has let it go. It may do so the moment the slot is put (its admission
         * policy can refuse a newcomer), and a record is then still learned by it: held records of
         * a slot let go are written at once, or no one would write them.
         */
        boolean letGo;
        /** Whether the pending store may hold records of it beyond its snapshot, for the next snapshot to drop. */
        boolean pendingStored = true;

        void hold(long sequence, long offset, double[] features, double target) {
            if (held.isEmpty()) {
                firstHeld = sequence;
            }
            held.add(new Held(offset, features, target));
            heldBytes += HELD_OVERHEAD + 8L * features.length;
        }

        void dropHeld() {
            held.clear();
            heldBytes = 0;
        }

        /** What the cache counts: the model, and its held records as last weighed. */
        long weight() {
            weighedHeldBytes = heldBytes;
            return modelBytes + heldBytes;
        }
    }

    /** A record learned since the snapshot, as the model learned it. */
    private record Held(long offset, double[] features, double target) {
    }

    /** Heap a held record takes beyond its features' 8 bytes each: the record, the array's header, the list's reference. */
    private static final int HELD_OVERHEAD = 72;

    ModelProcessor(StreamSettings settings, StreamListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.decoder = new ObservationDecoder(settings.keyMaxBytes(), settings.featuresMax());
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.snapshots = context.getStateStore(StreamSettings.SNAPSHOTS_STORE);
        this.pending = context.getStateStore(StreamSettings.PENDING_STORE);
        this.history = context.getStateStore(StreamSettings.HISTORY_STORE);
        this.external = context.getStateStore(StreamSettings.EXTERNAL_STORE);
        this.progress = context.getStateStore(StreamSettings.PROGRESS_STORE);
        // caches only: the stores are the truth. Maintenance runs on this thread, so an eviction
        // never races the stream thread's use of a model.
        this.models = Caffeine.newBuilder()
                .maximumWeight(settings.cacheMaxBytes())
                .weigher((String id, Slot slot) -> (int) Math.min(Integer.MAX_VALUE, slot.weight()))
                .evictionListener((String id, Slot slot, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                    if (id != null && slot != null) {
                        slot.letGo = true;
                        writeHeld(id, slot);
                    }
                })
                .executor(Runnable::run)
                .recordStats()
                .build();
        this.unsnapshotted.clear();
        restoreFromInput();
        context.schedule(Duration.ofMillis(TICK_MS), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    private InputLog input() {
        if (input == null) {
            input = settings.inputLog().open();
        }
        return input;
    }

    /** The processor's own judgement of an input record, for re-reads: learned features and target, or null. */
    double[] learnable(String key, byte[] value, int features) {
        return ModelReader.learnable(decoder, key, value, features);
    }

    /**
     * Every model of this task whose progress is ahead of its snapshot is tracked for the snapshot
     * lag, and those whose local pending records do not reach their progress — after a crash, or on
     * an instance that has just taken the task over — are rebuilt in one pass over the input span
     * they need, each record validated and applied as the processor did, and written to the local
     * pending store so that the cache may let the model go again.
     */
    private void restoreFromInput() {
        final java.util.Map<String, long[]> behind = new java.util.HashMap<>(); // id → {from offset, to offset}
        long from = Long.MAX_VALUE;
        long to = -1;
        int partition = -1;
        try (KeyValueIterator<String, byte[]> it = progress.all()) {
            while (it.hasNext()) {
                final var entry = it.next();
                codec.readProgress(entry.value, progressFields);
                final byte[] manifestBytes = snapshots.get(entry.key);
                if (manifestBytes == null) {
                    continue;
                }
                final ModelState manifest = Codecs.decode(manifestBytes, ModelState.class);
                if (progressFields[0] <= manifest.getRecords()) {
                    continue; // its snapshot has it all
                }
                unsnapshotted.put(entry.key, new long[] {manifest.getInputOffset() + 1, System.currentTimeMillis()});
                if (!pendingComplete(entry.key, progressFields[0])) {
                    behind.put(entry.key, new long[] {manifest.getInputOffset() + 1, progressFields[3]});
                    from = Math.min(from, manifest.getInputOffset() + 1);
                    to = Math.max(to, progressFields[3]);
                    partition = manifest.getInputPartition();
                }
            }
        }
        if (behind.isEmpty()) {
            return;
        }
        final long started = System.nanoTime();
        final long[] reread = {0};
        for (String id : behind.keySet()) {
            final Slot slot = load(id, null); // snapshot and pending: the input is read below, once for all
            cache(id, slot);
        }
        input().read(partition, from, to, behind::containsKey, (key, offset, value) -> {
            final Slot slot = slotOf(key);
            final long[] fields = progressOf(key);
            if (slot.model.count() >= fields[0] || offset <= slot.lastOffset) {
                return;
            }
            final double[] learned = learnable(key, value, slot.model.featureNames().size());
            if (learned != null) {
                final int d = slot.model.featureNames().size();
                final double[] x = java.util.Arrays.copyOf(learned, d);
                slot.model.observe(x, learned[d]);
                ModelStore.appendPending(pending, codec, key, slot.model.count(), offset, x, learned[d]);
                slot.pendingStored = true;
                reread[0]++;
                settings.faults().duringReread(key, offset);
            }
            slot.lastOffset = offset;
        });
        for (String id : behind.keySet()) {
            final Slot slot = slotOf(id);
            final long[] fields = progressOf(id);
            final long lost = fields[0] - slot.model.count();
            if (lost > 0) {
                recordsLost(id, slot, lost, fields[3]);
            }
        }
        LOG.info("task {}: {} models rebuilt from the input partition {} (offsets {}–{}): {} records read back in {} ms",
                context.taskId(), behind.size(), partition, from, to, reread[0], (System.nanoTime() - started) / 1_000_000);
        listener.restored(context.taskId().toString(), behind.size(), reread[0]);
    }

    /**
     * Whether the local pending store holds every record of the model after its snapshot, up to
     * its progress. One lookup, not a scan: pending records are written in order, and RocksDB
     * (without a write-ahead log, as Kafka Streams runs it) loses writes, if ever, only as a suffix
     * of them; under exactly-once a crash wipes the local state anyway. So the last record being
     * there means all before it are.
     */
    private boolean pendingComplete(String id, long progressRecords) {
        return pending.get(ModelStore.pendingKey(id, progressRecords)) != null;
    }

    private Slot slotOf(String id) {
        Slot slot = models.getIfPresent(id);
        if (slot == null) { // the cache let it go mid-restore: its records so far are in the pending store
            slot = load(id, null);
            cache(id, slot);
        }
        return slot;
    }

    private long[] progressOf(String id) {
        final long[] fields = new long[4];
        codec.readProgress(progress.get(id), fields);
        return fields;
    }

    /**
     * Records a restore could not read back: the input's retention removed them. Said loudly — the
     * log, a counter and alert, a finding on the model — and made permanent: the model is
     * snapshotted as it is now, covering the whole span, so no later restore counts them again.
     */
    private void recordsLost(String id, Slot slot, long lost, long spanEnd) {
        LOG.error("model '{}': {} records it had learned could not be read back from {} partition {}: the topic's retention "
                        + "removed them before the model's next snapshot. It goes on without them (a finding says so); keep "
                        + "the input topic longer than snapshot.lag.ms.", id, lost, settings.observationsTopic(),
                slot.manifest.getInputPartition());
        slot.model.lost(lost);
        slot.lastOffset = Math.max(slot.lastOffset, spanEnd);
        snapshot(id, slot);
        listener.recordsLost(id, lost);
    }

    @Override
    public void process(Record<String, Object> record) {
        if (record.value() instanceof WeightsDecodeProcessor.Weights weights) {
            weights(weights, record.timestamp());
        } else {
            observe(record.withValue((Observation) record.value()));
        }
    }

    /**
     * A training job's weights: kept as the model's external learner of that name (the latest
     * update replaces the one before) and judged at once against the exact fit as it stands at
     * this point of the stream, in a report like any other. Weights for a model without records,
     * or that do not fit it, go to the dead-letter topic with the reason. The input offset and
     * progress are the observations' and stay untouched.
     */
    private void weights(WeightsDecodeProcessor.Weights w, long timestamp) {
        final String id = w.model();
        final Slot slot;
        try {
            final Slot cached = models.getIfPresent(id);
            slot = cached != null ? cached : load(id, input());
        } catch (RuntimeException e) {
            LOG.warn("model '{}': its state could not be read for weights ({})", id, e.toString(), e);
            rejectWeights(w, timestamp, RejectReason.PROCESSING_FAILED, "model '" + id + "': its state could not be read: " + e);
            return;
        }
        if (slot == null || slot.model.count() == 0) {
            rejectWeights(w, timestamp, RejectReason.UNKNOWN_MODEL, "no model '" + id + "' has learned a record yet: weights are "
                    + "judged against its exact fit, so its observations come first (or the key is not the model's id)");
            return;
        }
        cache(id, slot);
        final io.gapwatch.engine.diagnostics.ExternalWeights judged = WeightsDecodeProcessor.external(w.update());
        try {
            judged.checkFits(slot.model);
        } catch (IllegalArgumentException e) {
            final boolean dimension = judged.weights().length != slot.model.featureNames().size();
            rejectWeights(w, timestamp, dimension ? RejectReason.WRONG_DIMENSION : RejectReason.WEIGHTS_REJECTED,
                    "model '" + id + "': " + e.getMessage());
            return;
        }
        if (slot.learnerNames.contains(judged.name())) {
            rejectWeights(w, timestamp, RejectReason.WEIGHTS_REJECTED, "model '" + id + "' has its own learner '" + judged.name()
                    + "': give the external weights another name");
            return;
        }
        final List<WeightsUpdate> known = ModelExternal.read(external, id);
        if (known.size() >= ModelExternal.MAX_PER_MODEL && known.stream().noneMatch(u -> u.getLearner().equals(judged.name()))) {
            rejectWeights(w, timestamp, RejectReason.WEIGHTS_REJECTED, "model '" + id + "' already has "
                    + ModelExternal.MAX_PER_MODEL + " external learners, the most one model keeps: reuse a name");
            return;
        }
        ModelExternal.put(external, id, w.update());
        report(id, slot.model, slot, timestamp);
    }

    private void rejectWeights(WeightsDecodeProcessor.Weights w, long timestamp, RejectReason reason, String message) {
        DecodeProcessor.deadLetter(context, settings, listener, w.rawKey(), w.rawValue(), timestamp,
                new Rejection(reason, message, w.model()));
    }

    private void observe(Record<String, Observation> record) {
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
            failed(o, record.timestamp(), e, "learning it failed");
            skipFailed(id, context.recordMetadata().map(RecordMetadata::offset).orElse(-1L));
            return;
        }
        final RecordMetadata metadata = context.recordMetadata().orElse(null);
        final int partition = metadata == null ? -1 : metadata.partition();
        final long offset = metadata == null ? -1 : metadata.offset();
        if (o.hasTarget()) {
            final long sequence = model.count();
            slot.hold(sequence, offset, o.features(), o.target());
            if (slot.letGo) {
                writeHeld(id, slot);
            }
            slot.lastOffset = offset;
            progress.put(id, codec.writeProgress(sequence, slot.reportedRecords, slot.reportedAt, offset));
            final long now = System.currentTimeMillis();
            if (!unsnapshotted.containsKey(id)) { // the oldest record not in a snapshot: only the first since one counts
                unsnapshotted.put(id, new long[] {offset, now});
            }
            if (slot.heldBytes > heldLimit(slot)) {
                snapshot(id, slot);
            } else if (slot.heldBytes - slot.weighedHeldBytes > reweighStep(slot)) {
                reweigh(id, slot);
            }
            snapshotLagging(offset, now);
        }
        listener.processed(id, o.hasTarget());
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

    /**
     * A record whose learning threw: the model is read back without it (its stores never saw it)
     * and snapshotted with the record's offset as covered, so that no restore re-reads it; its
     * progress says the same.
     */
    private void skipFailed(String id, long offset) {
        final Slot halfApplied = models.getIfPresent(id);
        if (halfApplied != null) {
            writeHeld(id, halfApplied); // records learned before the failed one: the read-back below applies them again
        }
        models.invalidate(id);
        try {
            final Slot slot = load(id, input());
            slot.lastOffset = Math.max(slot.lastOffset, offset);
            cache(id, slot);
            snapshot(id, slot);
        } catch (RuntimeException e) {
            LOG.error("model '{}' could not be read back after a failed record ({}); its next record will try again", id, e.toString(), e);
        }
    }

    /**
     * Writes a model's held records to the local pending store, in one batch: the cache is letting
     * it go (or the task is closing), and this is what lets it be read back without the input.
     * Losing them in a crash loses nothing: progress is ahead of the local records then, and
     * restore re-reads the input.
     */
    private void writeHeld(String id, Slot slot) {
        if (slot.held.isEmpty()) {
            return;
        }
        final List<org.apache.kafka.streams.KeyValue<String, byte[]>> entries = new ArrayList<>(slot.held.size());
        for (int i = 0; i < slot.held.size(); i++) {
            final Held record = slot.held.get(i);
            final long sequence = slot.firstHeld + i;
            entries.add(org.apache.kafka.streams.KeyValue.pair(ModelStore.pendingKey(id, sequence),
                    codec.writePending(sequence, record.offset(), record.features(), record.target())));
        }
        pending.putAll(entries);
        slot.pendingStored = true;
        slot.dropHeld();
    }

    /**
     * The held bytes at which a model is snapshotted instead of holding more: snapshot.held.ratio
     * times its snapshot (its heap weight before the first), and never more than an eighth of the
     * cache, so that one model cannot outgrow it.
     */
    private long heldLimit(Slot slot) {
        final long snapshotBytes = slot.manifest.getSize() > 0 ? slot.manifest.getSize() : slot.modelBytes;
        return (long) Math.min(settings.snapshotHeldRatio() * snapshotBytes, settings.cacheMaxBytes() / 8.0);
    }

    // The cache weighs a slot when it is put: again after a quarter of the model's weight in new held records.
    private static long reweighStep(Slot slot) {
        return Math.max(4096, slot.modelBytes / 4);
    }

    private void cache(String id, Slot slot) {
        slot.letGo = false;
        models.put(id, slot);
    }

    /** Puts a cached slot again so that the cache weighs its held records as they are now. */
    private void reweigh(String id, Slot slot) {
        models.asMap().replace(id, slot, slot);
    }

    /** The model from its stores (and the input, when given): snapshot, pending records, re-read records. */
    private Slot load(String id, InputLog log) {
        final ModelStore.Loaded loaded = ModelStore.load(snapshots, pending, progress, id, codec, log, this::learnable);
        if (loaded == null) {
            return null;
        }
        long reportedRecords = 0;
        long reportedAt = 0;
        final byte[] entry = progress.get(id);
        if (entry != null) {
            codec.readProgress(entry, progressFields);
            reportedRecords = progressFields[1];
            reportedAt = progressFields[2];
        }
        for (ModelStore.Reread r : loaded.reread()) {
            ModelStore.appendPending(pending, codec, id, r.sequence(), r.offset(), r.features(), r.target());
            settings.faults().duringReread(id, r.offset());
        }
        final Slot slot = new Slot(loaded.model(), loaded.manifest(), reportedRecords, reportedAt, loaded.lastOffset());
        if (log != null && loaded.lost() > 0) {
            recordsLost(id, slot, loaded.lost(), loaded.lastOffset());
        }
        return slot;
    }

    /** Writes the model's snapshot as of now and drops its held and pending records: it is no longer behind. */
    private void snapshot(String id, Slot slot) {
        slot.manifest = ModelStore.snapshot(snapshots, id, slot.model, slot.manifest, slot.lastOffset);
        slot.dropHeld();
        if (slot.pendingStored) { // a range scan, only for a model the cache let go or that was read back since
            ModelStore.dropPending(pending, id, slot.model.count());
            slot.pendingStored = false;
        }
        reweigh(id, slot); // lighter now, if the cache holds it
        progress.put(id, codec.writeProgress(slot.model.count(), slot.reportedRecords, slot.reportedAt, slot.lastOffset));
        unsnapshotted.remove(id);
        settings.faults().afterSnapshot(id);
    }

    /**
     * Snapshots every model whose oldest record not in its snapshot lies more than
     * snapshot.lag.records input offsets, or snapshot.lag.ms, behind; oldest first. A model the
     * cache let go is read back (from its stores: its pending records are local) to be snapshotted.
     */
    private void snapshotLagging(long offset, long now) {
        while (!unsnapshotted.isEmpty()) {
            final var oldest = unsnapshotted.entrySet().iterator().next();
            final long[] since = oldest.getValue();
            if (offset - since[0] <= settings.snapshotLagRecords() && now - since[1] <= settings.snapshotLagMs()) {
                return;
            }
            final String id = oldest.getKey();
            Slot slot = models.getIfPresent(id);
            if (slot == null) {
                slot = load(id, input());
            }
            if (slot == null) {
                unsnapshotted.remove(id);
                continue;
            }
            snapshot(id, slot);
        }
    }

    // The cached model, or the model read back from its stores, or a new one (its spec written now).
    private Slot slot(String id, Observation first) {
        final Slot cached = models.getIfPresent(id);
        if (cached != null) {
            return cached;
        }
        final Slot loaded = load(id, input());
        if (loaded != null) {
            cache(id, loaded);
            LOG.debug("model '{}' read back from its stores at {} records", id, loaded.model.count());
            return loaded;
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
        final RecordMetadata metadata = context.recordMetadata().orElse(null);
        final long before = metadata == null ? -1 : metadata.offset() - 1;
        final ModelState manifest = ModelStore.fresh(id, model, metadata == null ? -1 : metadata.partition(), before);
        snapshots.put(id, Codecs.encode(manifest));
        final Slot slot = new Slot(model, manifest, 0, 0, before);
        slot.pendingStored = false; // new: nothing of it in the pending store
        cache(id, slot);
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
        try {
            models.asMap().forEach(this::writeHeld);
        } catch (RuntimeException e) {
            LOG.debug("pending store closed before the processor: {}", e.toString()); // restore re-reads the input
        }
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
        if (input != null) {
            input.close();
            input = null;
        }
    }

    // ---------------------------------------------------------------- reports on the interval, within a budget

    /**
     * Walks the progress store from the cursor, reporting each model whose last report is older
     * than the interval and that has learned since, while the thread's credit lasts. Credit accrues
     * at {@code report.share} of the wall-clock time since it was last refilled, by any of the
     * thread's tasks, and is spent by the reports' own time, so a slow report makes the next ticks
     * wait rather than the records.
     */
    private void tick(long now) {
        snapshotLagging(Long.MIN_VALUE / 2, System.currentTimeMillis()); // the time bound, between records too
        reportDue(now);
    }

    private void reportDue(long now) {
        final ThreadBudget budget = BUDGET.get();
        budget.refill(settings.reportShare());
        int scanned = 0;
        boolean wrapped = false;
        while (budget.creditNanos > 0 && scanned < MAX_SCANNED && !wrapped) {
            String last = null;
            try (KeyValueIterator<String, byte[]> it = cursor.isEmpty() ? progress.all() : progress.range(cursor + '\u0000', null)) {
                while (it.hasNext() && budget.creditNanos > 0 && scanned < MAX_SCANNED) {
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
                        budget.creditNanos -= spent;
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
            final Slot loaded = load(id, input());
            if (loaded != null) {
                report(id, loaded.model, null, now);
            }
        } catch (RuntimeException e) {
            LOG.warn("model '{}': its report failed ({}); the model goes on", id, e.toString(), e);
            markReported(id, -1, now, null); // do not retry it on every tick
        }
    }

    private void report(String id, Model model, Slot slot, long timestamp) {
        final ModelReport report;
        try {
            report = Diagnostics.report(model, ModelExternal.weights(external, id));
        } catch (RuntimeException e) {
            LOG.warn("model '{}': its report failed ({}); the model goes on", id, e.toString(), e);
            markReported(id, model.count(), timestamp, slot);
            return;
        }
        listener.reported(id, report);
        context.forward(new Record<Object, Object>(id, Outputs.encodeReport(id, report, settings.modelOptions().window(),
                settings.json()), timestamp), TopologyFactory.REPORTS);
        ModelHistory.append(history, id, HistoryPoints.of(report, null, model.count(), System.currentTimeMillis()),
                settings.historyPoints());
        markReported(id, model.count(), timestamp, slot);
    }

    private void markReported(String id, long records, long now, Slot slot) {
        final byte[] entry = progress.get(id);
        if (entry == null) {
            return;
        }
        codec.readProgress(entry, progressFields);
        final long reported = records < 0 ? progressFields[0] : records;
        progress.put(id, codec.writeProgress(progressFields[0], reported, now, progressFields[3]));
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
