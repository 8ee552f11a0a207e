package io.gapwatch.stream;

import io.gapwatch.avro.HistoryPoint;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Each model's history in the {@link StreamSettings#HISTORY_STORE}: one {@link HistoryPoint} per
 * report, keyed {@code id \0 records} (fixed width, so a prefix scan returns them in order).
 *
 * <p>Design notes. A point is written when a report is made, never per record, in the same
 * exactly-once transaction as the report itself, so the history a page draws is the reports the
 * reports topic received. It is bounded by a count: when a model holds more than the limit, every
 * second point of its older half is deleted. Repeated, that thins old points geometrically: the
 * charts keep the model's whole life, at a resolution that is finest near now, and a model costs
 * at most {@code history.points} small entries however long it runs.
 */
public final class ModelHistory {

    private static final StringSerializer KEYS = new StringSerializer();

    private ModelHistory() {
    }

    static String key(String model, long records) {
        return ModelStore.pendingKey(model, records);
    }

    /**
     * Adds the point (replacing one at the same record count) and thins the model's history to at
     * most {@code maxPoints}.
     */
    static void append(KeyValueStore<String, byte[]> history, String model, HistoryPoint point, int maxPoints) {
        history.put(key(model, point.getRecords()), Codecs.encode(point));
        final List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = history.prefixScan(ModelStore.prefix(model), KEYS)) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        if (keys.size() > maxPoints) {
            final int olderHalf = keys.size() / 2;
            for (int i = 1; i < olderHalf; i += 2) { // the first point stays: the chart starts where the model did
                history.delete(keys.get(i));
            }
        }
    }

    /** The model's history, oldest first; empty when it has none (yet). */
    public static List<HistoryPoint> read(ReadOnlyKeyValueStore<String, byte[]> history, String model) {
        final List<HistoryPoint> points = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = history.prefixScan(ModelStore.prefix(model), KEYS)) {
            while (it.hasNext()) {
                points.add(Codecs.decode(it.next().value, HistoryPoint.class));
            }
        }
        return points;
    }

    /** The model's latest point, or null: what the list of models shows without computing a report. */
    public static HistoryPoint latest(ReadOnlyKeyValueStore<String, byte[]> history, String model) {
        try (KeyValueIterator<String, byte[]> it = history.reverseRange(key(model, 0), key(model, Long.MAX_VALUE))) {
            return it.hasNext() ? Codecs.decode(it.next().value, HistoryPoint.class) : null;
        }
    }
}
