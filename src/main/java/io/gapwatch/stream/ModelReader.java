package io.gapwatch.stream;

import io.gapwatch.engine.Model;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.List;

/**
 * Reads a model this instance holds, for the HTTP API, from another thread than the stream
 * thread: its stores through interactive queries, and — when its local pending records do not
 * reach its progress, as for every model the processor holds in memory with records since its
 * snapshot — the rest from the input topic, through a reader of its own, opened once and shared
 * by the requests in turn. The stream thread may write underneath; a read that finds the stores
 * inconsistent is retried.
 */
public final class ModelReader implements AutoCloseable {

    private final StreamSettings settings;
    private final ObservationDecoder decoder;
    /** The input reader, opened on first need; one request uses it at a time. */
    private InputLog input;
    private boolean closed;

    public ModelReader(StreamSettings settings) {
        this.settings = settings;
        this.decoder = new ObservationDecoder(settings.keyMaxBytes(), settings.featuresMax());
    }

    /**
     * @return the model, or null when this instance holds no model of that id
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the stores cannot be queried (rebalancing)
     */
    public Model read(KafkaStreams streams, String id) {
        for (int attempt = 0; ; attempt++) {
            try {
                final ModelStore.Loaded loaded = ModelStore.load(store(streams, StreamSettings.SNAPSHOTS_STORE),
                        store(streams, StreamSettings.PENDING_STORE), store(streams, StreamSettings.PROGRESS_STORE), id,
                        new RecordCodec(), sharedInput, this::learnable);
                return loaded == null ? null : loaded.model();
            } catch (IllegalStateException e) {
                if (attempt == 2) {
                    throw e; // the writer kept moving underneath three reads in a row
                }
            }
        }
    }

    /** The model's history, oldest first (empty when it has reported nothing yet). */
    public List<io.gapwatch.avro.HistoryPoint> history(KafkaStreams streams, String id) {
        return ModelHistory.read(store(streams, StreamSettings.HISTORY_STORE), id);
    }

    /** The model's external learners (the weights its training jobs published), as the engine judges them. */
    public List<io.gapwatch.engine.diagnostics.ExternalWeights> external(KafkaStreams streams, String id) {
        return ModelExternal.weights(store(streams, StreamSettings.EXTERNAL_STORE), id);
    }

    /** The model's latest history point, or null. */
    public io.gapwatch.avro.HistoryPoint latest(KafkaStreams streams, String id) {
        return ModelHistory.latest(store(streams, StreamSettings.HISTORY_STORE), id);
    }

    /** Whether this instance's stores hold the model (its manifest): no model is read to say so. */
    public boolean exists(KafkaStreams streams, String id) {
        return store(streams, StreamSettings.SNAPSHOTS_STORE).get(id) != null;
    }

    /** Records the model has learned (its progress entry), or -1 when it has learned none here. */
    public long records(KafkaStreams streams, String id) {
        final byte[] entry = store(streams, StreamSettings.PROGRESS_STORE).get(id);
        if (entry == null) {
            return -1;
        }
        final long[] fields = new long[4];
        new RecordCodec().readProgress(entry, fields);
        return fields[0];
    }

    /** Model ids with a manifest in this instance's stores. */
    public List<String> ids(KafkaStreams streams) {
        return ModelStore.modelIds(store(streams, StreamSettings.SNAPSHOTS_STORE));
    }

    private double[] learnable(String key, byte[] value, int features) {
        return learnable(decoder, key, value, features);
    }

    /**
     * Whether the processor learned an input record, judged as it judged it — decoded and validated
     * by {@code decoder}, with a target and the model's dimension — and if so its features and target.
     */
    static double[] learnable(ObservationDecoder decoder, String key, byte[] value, int features) {
        final ObservationDecoder.Result result = decoder.decode(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value);
        final Observation o = result.observation();
        if (o == null || !o.hasTarget() || o.features().length != features) {
            return null;
        }
        final double[] learned = java.util.Arrays.copyOf(o.features(), features + 1);
        learned[features] = o.target();
        return learned;
    }

    private static ReadOnlyKeyValueStore<String, byte[]> store(KafkaStreams streams, String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
    }

    /** What a load reads the input through: the shared reader, which the load must not close. */
    private final InputLog sharedInput = new InputLog() {
        @Override
        public long read(int partition, long from, long to, java.util.function.Predicate<String> keys, Sink sink) {
            return readInput(partition, from, to, keys, sink);
        }

        @Override
        public void close() {
        }
    };

    /** Reads the input through the shared reader, opening it if no read has yet needed it. */
    private synchronized long readInput(int partition, long from, long to, java.util.function.Predicate<String> keys,
                                        InputLog.Sink sink) {
        if (closed) {
            throw new org.apache.kafka.streams.errors.InvalidStateStoreException("gapwatch is shutting down");
        }
        if (input == null) {
            input = settings.inputLog().open();
        }
        try {
            return input.read(partition, from, to, keys, sink);
        } catch (RuntimeException e) {
            input.close(); // a reader that failed mid-read is not trusted with the next one
            input = null;
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (input != null) {
            input.close();
            input = null;
        }
    }
}
