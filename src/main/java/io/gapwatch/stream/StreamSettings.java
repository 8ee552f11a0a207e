package io.gapwatch.stream;

import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.sgd.LearnerConfig;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the topology needs to know, resolved from the configuration (the app package owns the keys).
 *
 * @param learnersFor  a model id's learners (its overrides over the defaults)
 * @param featuresFor  a model id's configured feature names, or null: its first record fixes the dimension
 * @param json         outputs as JSON instead of Avro single-object encoding
 */
public record StreamSettings(
        String observationsTopic,
        String predictionsTopic,
        String reportsTopic,
        String deadLetterTopic,
        ModelOptions modelOptions,
        Function<String, Map<String, LearnerConfig>> learnersFor,
        Function<String, List<String>> featuresFor,
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
