package io.gapwatch.stream;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds gapwatch's topology — the one the processor runs and the tests drive:
 * <pre>
 *   observations ─▶ decode ─▶ model ─▶ predictions
 *                     │         ├─────▶ reports
 *                     └─────────┴─────▶ dead letters
 * </pre>
 * The model stage keeps two changelogged stores (snapshots, progress) and a local one (pending
 * records): the input topic is the log of the models' records, read back on restore. The input's key is
 * the model id, so Kafka's partitioning already sends each model's records to one task.
 */
public final class TopologyFactory {

    static final String SOURCE = "observations";
    static final String DECODE = "decode";
    static final String WEIGHTS_SOURCE = "weights";
    static final String WEIGHTS_DECODE = "decode-weights";
    static final String MODEL = "model";
    static final String PREDICTIONS = "predictions";
    static final String REPORTS = "reports";
    static final String DEAD_LETTERS = "dead-letters";

    private TopologyFactory() {
    }

    public static Topology build(StreamSettings settings, StreamListener listener) {
        final Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), settings.observationsTopic());
        topology.addProcessor(DECODE, () -> new DecodeProcessor(settings, listener), SOURCE);
        // the training jobs' weights: the same key and partition count as the observations, so one task holds both of a model
        topology.addSource(WEIGHTS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), settings.weightsTopic());
        topology.addProcessor(WEIGHTS_DECODE, () -> new WeightsDecodeProcessor(settings, listener), WEIGHTS_SOURCE);
        topology.addProcessor(MODEL, () -> new ModelProcessor(settings, listener), DECODE, WEIGHTS_DECODE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StreamSettings.SNAPSHOTS_STORE),
                Serdes.String(), Serdes.ByteArray()), MODEL);
        // not changelogged: the input topic already holds these records; locally they spare re-reading it
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StreamSettings.PENDING_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(), MODEL);
        // written on every record learned, read by the report walk: the cache coalesces a commit's writes per model
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StreamSettings.PROGRESS_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled(), MODEL);
        // one point per report, changelogged like the snapshots: the pages' charts survive a restart and a move
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StreamSettings.HISTORY_STORE),
                Serdes.String(), Serdes.ByteArray()), MODEL);
        // each model's external learners, the latest weights of each: changelogged, they move with the model
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StreamSettings.EXTERNAL_STORE),
                Serdes.String(), Serdes.ByteArray()), MODEL);
        topology.addSink(PREDICTIONS, settings.predictionsTopic(), new StringSerializer(), new ByteArraySerializer(), MODEL);
        topology.addSink(REPORTS, settings.reportsTopic(), new StringSerializer(), new ByteArraySerializer(), MODEL);
        topology.addSink(DEAD_LETTERS, settings.deadLetterTopic(), new ByteArraySerializer(), new ByteArraySerializer(), DECODE,
                WEIGHTS_DECODE, MODEL);
        return topology;
    }
}
