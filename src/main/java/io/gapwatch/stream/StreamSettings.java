package io.gapwatch.stream;

import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.ModelSpec;

import java.util.function.Function;

/**
 * What the topology needs to know, resolved from the configuration (the app package owns the keys).
 *
 * @param specFor      what a model id is built from: its feature names (or null: its first record fixes the
 *                     dimension) and its learners, checked at start-up
 * @param json         outputs as JSON instead of Avro single-object encoding
 */
public record StreamSettings(
        String observationsTopic,
        String predictionsTopic,
        String reportsTopic,
        String deadLetterTopic,
        ModelOptions modelOptions,
        Function<String, ModelSpec> specFor,
        long reportIntervalMs,
        long reportEveryRecords,
        int snapshotEveryRecords,
        int keyMaxBytes,
        int featuresMax,
        boolean json) {

    /** Store of each model's snapshot manifest and chunks. */
    public static final String SNAPSHOTS_STORE = "gapwatch-snapshots";
    /** Store of each model's records since its snapshot. */
    public static final String PENDING_STORE = "gapwatch-pending";
}
