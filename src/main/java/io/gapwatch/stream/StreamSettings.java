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
 * @param cacheMaxBytes the most heap the in-memory models may take; the stores hold them all
 * @param reportShare  the most of the stream thread's time the periodic reports may take
 * @param faults       a seam for tests to make processing a record throw; {@link FaultInjection#NONE} otherwise
 * @param snapshotLagRecords snapshot a model whose oldest record not in its snapshot lies more input offsets behind than this
 * @param snapshotLagMs      … or was learned longer ago than this
 * @param inputLog     reads the input topic back, for restores
 */
public record StreamSettings(
        String observationsTopic,
        String predictionsTopic,
        String reportsTopic,
        String deadLetterTopic,
        String weightsTopic,
        ModelOptions modelOptions,
        Function<String, ModelSpec> specFor,
        long reportIntervalMs,
        long reportEveryRecords,
        long snapshotLagRecords,
        long snapshotLagMs,
        double snapshotHeldRatio,
        int keyMaxBytes,
        int featuresMax,
        boolean json,
        long cacheMaxBytes,
        double reportShare,
        int historyPoints,
        FaultInjection faults,
        InputLog.Factory inputLog) {

    /** Store of each model's snapshot manifest and chunks. */
    public static final String SNAPSHOTS_STORE = "gapwatch-snapshots";
    /** Local (not changelogged) store of each model's records since its snapshot. */
    public static final String PENDING_STORE = "gapwatch-pending";
    /** Store of each model's progress: records learned, and when it last reported. */
    public static final String PROGRESS_STORE = "gapwatch-progress";
    /** Store of each model's history: one point per report, at most historyPoints a model (changelogged). */
    public static final String HISTORY_STORE = "gapwatch-history";
    /** Store of each model's external learners: the latest weights of each (changelogged). */
    public static final String EXTERNAL_STORE = "gapwatch-external";

    /** The same settings with another fault seam (for tests). */
    public StreamSettings withFaults(FaultInjection injected) {
        return new StreamSettings(observationsTopic, predictionsTopic, reportsTopic, deadLetterTopic, weightsTopic, modelOptions, specFor,
                reportIntervalMs, reportEveryRecords, snapshotLagRecords, snapshotLagMs, snapshotHeldRatio, keyMaxBytes, featuresMax, json, cacheMaxBytes,
                reportShare, historyPoints, injected, inputLog);
    }

    /** The same settings reading the input back through {@code log}. */
    public StreamSettings withInputLog(InputLog.Factory log) {
        return new StreamSettings(observationsTopic, predictionsTopic, reportsTopic, deadLetterTopic, weightsTopic, modelOptions, specFor,
                reportIntervalMs, reportEveryRecords, snapshotLagRecords, snapshotLagMs, snapshotHeldRatio, keyMaxBytes, featuresMax, json, cacheMaxBytes,
                reportShare, historyPoints, faults, log);
    }
}
