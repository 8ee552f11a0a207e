package io.gapwatch.stream;

import io.gapwatch.avro.RejectReason;
import io.gapwatch.engine.ModelListener;
import io.gapwatch.engine.diagnostics.ModelReport;

/**
 * What the processor tells the world as it works: each model's reports, each record it processed
 * (with and without a target), each record it rejected, each model it gave up. Called on the
 * stream thread, per record: implementations must not allocate or block.
 */
public interface StreamListener extends ModelListener {

    /** A record reached its model: learned from ({@code learned}) or only scored. */
    void processed(String model, boolean learned);

    /** A record went to the dead-letter topic; {@code model} is null when its key names none. */
    void rejected(String model, RejectReason reason);

    /** This instance no longer holds the model (its partition moved, or the processor closed). */
    void released(String model);

    /**
     * One task's interval reports and model cache, every report tick.
     *
     * @param task             the stream task (one input partition)
     * @param reportLatenessMs the latest a due report ran past its interval, over the current and the last walk of the models
     * @param reportShare      the share of wall-clock time interval reports took over the last walk (NaN before one)
     * @param cachedModels     models in this task's cache
     * @param cachedBytes      their weight, bytes
     * @param evictions        models the cache has let go since the task started
     */
    default void reportsAndCache(String task, long reportLatenessMs, double reportShare, long cachedModels, long cachedBytes,
                                 long evictions) {
    }

    /** A task rebuilt {@code models} models from the input topic at start, reading {@code records} records back. */
    default void restored(String task, long models, long records) {
    }

    /** A restore could not read back {@code records} records the model had learned: the input's retention removed them. */
    default void recordsLost(String model, long records) {
    }

    /** The stream task no longer runs here; its figures leave the aggregates. */
    default void taskClosed(String task) {
    }

    StreamListener NONE = new StreamListener() {
        @Override
        public void reported(String model, ModelReport report) {
        }

        @Override
        public void processed(String model, boolean learned) {
        }

        @Override
        public void rejected(String model, RejectReason reason) {
        }

        @Override
        public void released(String model) {
        }
    };
}
