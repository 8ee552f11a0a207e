package io.gapwatch.stream;

import io.gapwatch.avro.WeightsUpdate;
import io.gapwatch.engine.diagnostics.ExternalWeights;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Each model's external learners in the {@link StreamSettings#EXTERNAL_STORE}: the latest
 * {@link WeightsUpdate} of each, keyed {@code id \0 learner}. Changelogged, so they move and
 * survive with the model, exactly once; at most {@link #MAX_PER_MODEL} a model, so a job that
 * invents a name per step cannot grow a model's state without bound.
 */
public final class ModelExternal {

    /** External learners one model may have. */
    public static final int MAX_PER_MODEL = 16;

    private static final StringSerializer KEYS = new StringSerializer();

    private ModelExternal() {
    }

    static void put(KeyValueStore<String, byte[]> external, String model, WeightsUpdate update) {
        external.put(ModelStore.prefix(model) + update.getLearner(), Codecs.encode(update));
    }

    /** The model's external learners, by name order: empty when it has none. */
    public static List<WeightsUpdate> read(ReadOnlyKeyValueStore<String, byte[]> external, String model) {
        final List<WeightsUpdate> updates = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = external.prefixScan(ModelStore.prefix(model), KEYS)) {
            while (it.hasNext()) {
                updates.add(Codecs.decode(it.next().value, WeightsUpdate.class));
            }
        }
        return updates;
    }

    /** The same as the engine judges them. */
    public static List<ExternalWeights> weights(ReadOnlyKeyValueStore<String, byte[]> external, String model) {
        return read(external, model).stream().map(WeightsDecodeProcessor::external).toList();
    }
}
