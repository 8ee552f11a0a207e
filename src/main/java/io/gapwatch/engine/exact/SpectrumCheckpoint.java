package io.gapwatch.engine.exact;

import java.util.List;

/**
 * The design's spectrum as it stood at a record count that is a multiple of {@link #EVERY_RECORDS},
 * kept with the model so that reports between two checkpoints need no O(p³) decomposition.
 *
 * <p>A report's conditioning costs three SVDs of the p×p factor (raw, column-scaled, and the
 * correlation block): about 120 ms at p = 513 with LAPACK. The spectrum of a long stream moves
 * slowly, so a model takes it once every {@value #EVERY_RECORDS} records, as part of learning the
 * record that completes the multiple; a report after that reuses it when an O(p²) check finds the
 * design has not moved away from it:
 * <pre>
 *   κ̂₁(R) and κ̂₁(R D⁻¹)   within a factor 2 of their values at the checkpoint   (Hager–Higham estimates)
 *   Σⱼ ‖xⱼ‖² / n_eff      within a factor 1.25                                     (the Hessian's trace)
 * </pre>
 * Otherwise the report decomposes the factor afresh. A checkpoint is kept only for a design of
 * full rank with no weak direction (scaled σ_min / σ_max above 10 · {@link ConditioningAnalysis#WEAK}):
 * null and weak directions need singular vectors of the current factor, so those reports always
 * decompose it. Before the first checkpoint every report does: a short stream, or a CSV of a few
 * thousand rows, is always diagnosed from its current spectrum.
 *
 * <p>Whether a report reuses the checkpoint is a function of the model's state alone (the
 * checkpoint is part of it, in every snapshot), so stream, replay and a restored model report the
 * same numbers at the same record count, bit for bit.
 *
 * @param records                records learned when it was taken: the spectrum is "as of" this count
 * @param conditioning           the full analysis then (full rank, no weak directions)
 * @param correlationEigenvalues the correlation block's eigenvalues then (empty without an intercept)
 * @param rawConditionEstimate   κ̂₁ of the factor then
 * @param scaledConditionEstimate κ̂₁ of the column-scaled factor then
 * @param hessianTrace           Σⱼ ‖xⱼ‖² / n_eff then
 */
public record SpectrumCheckpoint(long records, Conditioning conditioning, double[] correlationEigenvalues,
                                 double rawConditionEstimate, double scaledConditionEstimate, double hessianTrace) {

    /** A model takes a checkpoint when its record count reaches a multiple of this. */
    public static final long EVERY_RECORDS = 50_000;
    /** The condition estimates may move by this factor either way before the checkpoint is set aside. */
    static final double CONDITION_DRIFT = 2.0;
    /** The Hessian's trace may move by this factor either way. */
    static final double SCALE_DRIFT = 1.25;
    /** A checkpoint is kept only when the scaled σ_min / σ_max is above this: well clear of {@link ConditioningAnalysis#WEAK}. */
    static final double CLEAR_OF_WEAK = 10 * ConditioningAnalysis.WEAK;

    /** Whether the model's count at this record is a checkpoint's. */
    public static boolean due(long records) {
        return records > 0 && records % EVERY_RECORDS == 0;
    }

    /**
     * The checkpoint of the estimator as it stands, or null when its design is rank-deficient or
     * has a weak direction (those reports always decompose the current factor). O(p³).
     *
     * @param estimator Not modified
     */
    public static SpectrumCheckpoint take(StreamingLeastSquares estimator, List<String> featureNames) {
        final Conditioning conditioning = ConditioningAnalysis.of(estimator, featureNames);
        final double[] scaled = conditioning.scaledSingularValues();
        final int p = estimator.parameters();
        if (conditioning.rank() < p || !(scaled[p - 1] > CLEAR_OF_WEAK * scaled[0])) {
            return null;
        }
        final Estimates now = Estimates.of(estimator);
        return new SpectrumCheckpoint(estimator.count(), conditioning, ConditioningAnalysis.correlationEigenvalues(estimator),
                now.raw, now.scaled, now.trace);
    }

    /**
     * Whether this checkpoint still describes the estimator's design: the O(p²) check above.
     *
     * @param estimator the same model's fit, at or after {@link #records}; Not modified
     */
    public boolean holdsFor(StreamingLeastSquares estimator) {
        if (estimator.count() < records || estimator.parameters() != conditioning.parameters()) {
            return false;
        }
        final Estimates now = Estimates.of(estimator);
        return within(now.raw, rawConditionEstimate, CONDITION_DRIFT)
                && within(now.scaled, scaledConditionEstimate, CONDITION_DRIFT)
                && within(now.trace, hessianTrace, SCALE_DRIFT);
    }

    private static boolean within(double now, double then, double factor) {
        // NaN or ∞ on either side (a zero pivot) fails: the report decomposes
        return now <= then * factor && then <= now * factor && Double.isFinite(now) && Double.isFinite(then) && then > 0;
    }

    /** κ̂₁ of the factor, raw and column-scaled, and the Hessian's trace: the O(p²) check's figures. */
    record Estimates(double raw, double scaled, double trace) {

        static Estimates of(StreamingLeastSquares estimator) {
            final int p = estimator.parameters();
            final double[][] r = estimator.factor();
            final double[] columnSumOfSquares = estimator.columnSumOfSquares();
            final double negligible = MinimumNormSolver.negligibleSumOfSquares(columnSumOfSquares);
            final double[] ones = new double[p];
            final double[] scale = new double[p];
            double sum = 0.0;
            for (int j = 0; j < p; j++) {
                ones[j] = 1.0;
                // the column scaling ConditioningAnalysis uses; a negligible column makes the estimate ∞
                scale[j] = columnSumOfSquares[j] > negligible ? Math.sqrt(columnSumOfSquares[j]) : 0.0;
                sum += columnSumOfSquares[j];
            }
            return new Estimates(TriangularCondition.oneNorm(r, p, ones), TriangularCondition.oneNorm(r, p, scale),
                    sum / estimator.effectiveCount());
        }
    }
}
