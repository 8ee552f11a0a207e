package io.gapwatch.engine.diagnostics;

import io.gapwatch.engine.exact.Conditioning;
import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.exact.SolveMethod;
import io.gapwatch.engine.exact.StructuralBreaks;

/**
 * The exact fit at one moment.
 *
 * @param coefficients        θ* in θ order (intercept first if any)
 * @param prequentialRecords  records the exact fit could predict before learning them (full rank at that time)
 * @param driftAbsolute       ‖Δθ*‖ over the last complete window of records
 * @param driftRelative       the same relative to ‖θ*‖ at the window's start
 * @param targetMean          weighted mean of the target
 * @param targetStd           weighted standard deviation of the target, √(TSS/n_eff)
 * @param conditionNumberStandardized the condition number over its determined directions of the design a learner
 *                            sees once it standardizes its features, √(λ_max/λ_min) of [[1, 0], [0, C]] with C the
 *                            correlation matrix (without an intercept: of the column-scaled design)
 * @param zeroExcessMse       ‖Rθ*‖² / n_eff: the excess MSE of all-zero weights, where a learner started at zeros begins
 * @param structuralBreaks    the CUSUM and CUSUM-of-squares tests on its recursive residuals: did the relationship change?
 * @param spectrumRecords     the record count the conditioning (singular values, condition numbers, Hessian
 *                            eigenvalues, {@code conditionNumberStandardized}) is "as of": the count now, or an
 *                            earlier {@link io.gapwatch.engine.exact.SpectrumCheckpoint} the design has not moved away from
 */
public record ExactReport(
        LeastSquaresOptions options,
        double intercept,
        double[] weights,
        double[] coefficients,
        double r2,
        double mse,
        double sse,
        double nEff,
        SolveMethod solveMethod,
        Conditioning conditioning,
        double prequentialR2,
        double prequentialMse,
        long prequentialRecords,
        double driftAbsolute,
        double driftRelative,
        double targetMean,
        double targetStd,
        double conditionNumberStandardized,
        double zeroExcessMse,
        StructuralBreaks.Summary structuralBreaks,
        long spectrumRecords) {

    /** Named construction: each figure set by its name, not by its place among 20. Unset numbers are NaN and counts 0. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ExactReport} field by field; see the record's components for what each means. */
    public static final class Builder {
        private LeastSquaresOptions options = null;
        private double intercept = Double.NaN;
        private double[] weights = null;
        private double[] coefficients = null;
        private double r2 = Double.NaN;
        private double mse = Double.NaN;
        private double sse = Double.NaN;
        private double nEff = Double.NaN;
        private SolveMethod solveMethod = null;
        private Conditioning conditioning = null;
        private double prequentialR2 = Double.NaN;
        private double prequentialMse = Double.NaN;
        private long prequentialRecords = 0L;
        private double driftAbsolute = Double.NaN;
        private double driftRelative = Double.NaN;
        private double targetMean = Double.NaN;
        private double targetStd = Double.NaN;
        private double conditionNumberStandardized = Double.NaN;
        private double zeroExcessMse = Double.NaN;
        private long spectrumRecords = 0L;
        private StructuralBreaks.Summary structuralBreaks = null;

        private Builder() {
        }

        public Builder options(LeastSquaresOptions options) {
            this.options = options;
            return this;
        }

        public Builder intercept(double intercept) {
            this.intercept = intercept;
            return this;
        }

        public Builder weights(double[] weights) {
            this.weights = weights;
            return this;
        }

        public Builder coefficients(double[] coefficients) {
            this.coefficients = coefficients;
            return this;
        }

        public Builder r2(double r2) {
            this.r2 = r2;
            return this;
        }

        public Builder mse(double mse) {
            this.mse = mse;
            return this;
        }

        public Builder sse(double sse) {
            this.sse = sse;
            return this;
        }

        public Builder nEff(double nEff) {
            this.nEff = nEff;
            return this;
        }

        public Builder solveMethod(SolveMethod solveMethod) {
            this.solveMethod = solveMethod;
            return this;
        }

        public Builder conditioning(Conditioning conditioning) {
            this.conditioning = conditioning;
            return this;
        }

        public Builder prequentialR2(double prequentialR2) {
            this.prequentialR2 = prequentialR2;
            return this;
        }

        public Builder prequentialMse(double prequentialMse) {
            this.prequentialMse = prequentialMse;
            return this;
        }

        public Builder prequentialRecords(long prequentialRecords) {
            this.prequentialRecords = prequentialRecords;
            return this;
        }

        public Builder driftAbsolute(double driftAbsolute) {
            this.driftAbsolute = driftAbsolute;
            return this;
        }

        public Builder driftRelative(double driftRelative) {
            this.driftRelative = driftRelative;
            return this;
        }

        public Builder targetMean(double targetMean) {
            this.targetMean = targetMean;
            return this;
        }

        public Builder targetStd(double targetStd) {
            this.targetStd = targetStd;
            return this;
        }

        public Builder conditionNumberStandardized(double conditionNumberStandardized) {
            this.conditionNumberStandardized = conditionNumberStandardized;
            return this;
        }

        public Builder zeroExcessMse(double zeroExcessMse) {
            this.zeroExcessMse = zeroExcessMse;
            return this;
        }

        public Builder structuralBreaks(StructuralBreaks.Summary structuralBreaks) {
            this.structuralBreaks = structuralBreaks;
            return this;
        }

        public Builder spectrumRecords(long spectrumRecords) {
            this.spectrumRecords = spectrumRecords;
            return this;
        }

        public ExactReport build() {
            return new ExactReport(options, intercept, weights, coefficients, r2, mse, sse, nEff, solveMethod, conditioning,
                    prequentialR2, prequentialMse, prequentialRecords, driftAbsolute, driftRelative, targetMean,
                    targetStd, conditionNumberStandardized, zeroExcessMse, structuralBreaks, spectrumRecords);
        }
    }
}
