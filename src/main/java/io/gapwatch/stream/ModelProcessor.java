package io.gapwatch.stream;

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
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Second stage: each observation to its model — predict with every learner and the exact fit,
 * then learn (test-then-train) — and the outputs: a prediction per record, a report per model on an
 * interval and every N records, a dead letter for a record of the wrong dimension.
 *
 * <h2>State</h2>
 * The models live in the two changelogged stores ({@link ModelStore}): per record one O(d) pending
 * entry, every {@code snapshot.every.records} a snapshot. The {@code models} map is only a cache:
 * cleared in {@link #init} (which Kafka Streams calls again whenever a task is revived after a
 * failure), and each model rebuilt from its stores on first use, bit for bit.
 */
final class ModelProcessor implements Processor<String, Observation, Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(ModelProcessor.class);

    private final StreamSettings settings;
    private final StreamListener listener;
    private final Map<String, Slot> models = new HashMap<>();
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> snapshots;
    private KeyValueStore<String, byte[]> pending;
    private ModelStore.Writable snapshotWriter;
    private ModelStore.Writable pendingWriter;
    private final RecordCodec codec = new RecordCodec();

    /** A cached model, its manifest, and the record count it last reported at. */
    private static final class Slot {
        final Model model;
        final List<String> learnerNames;
        ModelState manifest;
        long reportedAt;

        Slot(Model model, ModelState manifest) {
            this.model = model;
            this.manifest = manifest;
            this.learnerNames = model.learners().stream().map(l -> l.name()).toList();
            this.reportedAt = model.count();
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
        this.snapshotWriter = writer(snapshots);
        this.pendingWriter = writer(pending);
        models.clear(); // caches only: the stores are the truth
        context.schedule(Duration.ofMillis(settings.reportIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::reportChanged);
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
        final Slot slot = slot(record.key(), o);
        if (slot == null) {
            return; // dead-lettered: this record cannot start a model
        }
        final Model model = slot.model;
        if (o.features().length != model.featureNames().size()) {
            DecodeProcessor.deadLetter(context, settings, listener, o.rawKey(), o.rawValue(), record.timestamp(),
                    new Rejection(RejectReason.WRONG_DIMENSION, "model '" + o.model() + "' has " + model.featureNames().size()
                            + " features; the record has " + o.features().length, o.model()));
            return;
        }
        final long before = model.count();
        final double[] predictions;
        if (o.hasTarget()) {
            predictions = model.observe(o.features(), o.target());
            final long sequence = model.count();
            ModelStore.appendPending(pendingWriter, codec, o.model(), sequence, settings.snapshotEveryRecords(), o.features(), o.target());
            if (sequence % settings.snapshotEveryRecords() == 0) {
                slot.manifest = ModelStore.snapshot(snapshotWriter, o.model(), model, slot.manifest);
            }
        } else {
            predictions = model.score(o.features());
        }
        listener.processed(o.model(), o.hasTarget());
        final RecordMetadata metadata = context.recordMetadata().orElse(null);
        final int partition = metadata == null ? -1 : metadata.partition();
        final long offset = metadata == null ? -1 : metadata.offset();
        final byte[] prediction = settings.json()
                ? Outputs.encode(Outputs.prediction(o, partition, offset, before, predictions, slot.learnerNames), true)
                : codec.writePrediction(o.model(), o.recordId(), o.eventTime(), partition, offset, o.target(), before,
                        predictions, slot.learnerNames);
        context.forward(new Record<Object, Object>(o.model(), prediction, record.timestamp()), TopologyFactory.PREDICTIONS);
        if (o.hasTarget() && model.count() % settings.reportEveryRecords() == 0) {
            report(o.model(), slot, record.timestamp());
        }
    }

    // The cached model, or the model rebuilt from its stores, or a new one (its spec written now).
    private Slot slot(String id, Observation first) {
        final Slot cached = models.get(id);
        if (cached != null) {
            return cached;
        }
        final ModelStore.Loaded loaded = ModelStore.load(snapshots, pending, id, codec);
        if (loaded != null) {
            final Slot slot = new Slot(loaded.model(), loaded.manifest());
            models.put(id, slot);
            LOG.debug("model '{}' rebuilt from its stores at {} records", id, loaded.model().count());
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
        final Slot slot = new Slot(model, manifest);
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
        models.keySet().forEach(listener::released); // the task moves away or the processor stops: its models are no longer ours
        models.clear();
    }

    // Wall-clock punctuation: every cached model with records since its last report reports now.
    private void reportChanged(long now) {
        for (Map.Entry<String, Slot> entry : models.entrySet()) {
            final Slot slot = entry.getValue();
            if (slot.model.count() > slot.reportedAt) {
                report(entry.getKey(), slot, now);
            }
        }
    }

    private void report(String id, Slot slot, long timestamp) {
        final ModelReport report = Diagnostics.report(slot.model);
        slot.reportedAt = slot.model.count();
        listener.reported(id, report);
        context.forward(new Record<Object, Object>(id, Outputs.encodeReport(id, report, settings.modelOptions().window(),
                settings.json()), timestamp), TopologyFactory.REPORTS);
    }
}
