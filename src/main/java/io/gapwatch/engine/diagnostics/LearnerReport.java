package io.gapwatch.engine.diagnostics;

/**
 * One learner held against the exact fit at one moment. In-sample quantities are over every record
 * seen, exactly, from the factor (no data pass); coefficients are in original units.
 *
 * <p>A report of weights gapwatch did not train ({@link ExternalWeights}, optimizer
 * {@value #EXTERNAL}) carries the in-sample figures — R², R² gap, MSE, excess MSE, the weight gap
 * and its split, the in-sample gradient, the gap along null directions — and nothing a running
 * learner alone has: the prequential scores, gradient and weight norms of the optimizer, update
 * and rate ratios, loss, learning rate and its bounds, curvatures, steps to converge, noise floor,
 * drift and start figures are NaN, steps and divergences 0, diverged false. Their encodings print
 * them as "n/a" (text) and null (JSON and Avro), never as numbers: see {@link #external()}.
 *
 * @param r2                     in-sample R² of the learner's weights
 * @param r2Gap                  R²(θ*) − R²(θ): the part of the target's variance the learner misses that the exact fit explains
 * @param excessMse              ‖R(θ − θ*)‖² / n_eff: how much more it loses per record than the exact fit
 * @param weightGap              ‖θ − θ*‖
 * @param weightGapRelative      ‖θ − θ*‖ / ‖θ*‖
 * @param weightGapIdentifiable  the part of the gap the data determines
 * @param weightGapNull          the part along null directions, which no data can pin down
 * @param gradientNorm           mean ‖g‖ the optimizer saw over the last window of steps (working coordinates)
 * @param inSampleGradientNorm   ‖∇ of the in-sample mean loss at θ‖ = ‖Rᵀ(Rθ − z)‖/n_eff (original units): 0 at the exact fit
 * @param weightNorm             ‖θ̃‖ in the optimizer's working coordinates
 * @param updateRatio            mean ‖Δθ̃‖/‖θ̃‖ per step over the last window
 * @param rateRatio              mean η‖g‖/‖θ̃‖ per step over the last window (Sutskever's "about 0.01")
 * @param loss                   mean training loss in the learner's convention (½(ŷ − y)² or (ŷ − y)²), working units, over the last window
 * @param lr                     η the schedule gives for the next step
 * @param lrStabilityBound       largest stable η on these inputs: 2/λ_max of the working Hessian (×(1+μ) for momentum);
 *                               for adaptive optimizers the plain-gradient bound, for reference
 * @param lrRecordBound          2/max‖x̃‖²: the largest η at which no single-record step overshoots
 * @param hessianMax             largest eigenvalue of the Hessian of the learner's own mean loss in its working coordinates
 * @param hessianMinIdentifiable smallest identifiable one: the curvature of the slowest direction
 * @param stepsToConverge        steps to shrink the slowest identifiable error component 1000-fold at the current η,
 *                               ln(1000)/(η λ_min); NaN for adaptive optimizers
 * @param noiseFloorMse          the excess MSE single-record steps of this η leave at equilibrium, η·MSE*·tr(H)/2
 *                               (Widrow &amp; Stearns' misadjustment of LMS); NaN for adaptive optimizers and mini-batches
 * @param startWeightGap         ‖θ₀ − θ*‖: how far the learner's starting weights lie from the exact fit
 * @param startExcessMse         ‖R(θ₀ − θ*)‖² / n_eff: the excess MSE it started with, from which it must descend
 */
public record LearnerReport(
        String name,
        String settings,
        String optimizer,
        double intercept,
        double[] weights,
        double r2,
        double r2Gap,
        double mse,
        double excessMse,
        double weightGap,
        double weightGapRelative,
        double weightGapIdentifiable,
        double weightGapNull,
        double prequentialR2,
        double prequentialMse,
        double gradientNorm,
        double lastGradientNorm,
        double inSampleGradientNorm,
        double weightNorm,
        double updateRatio,
        double rateRatio,
        double loss,
        double lr,
        double lrStabilityBound,
        double lrRecordBound,
        double hessianMax,
        double hessianMinIdentifiable,
        double stepsToConverge,
        double noiseFloorMse,
        long steps,
        boolean diverged,
        long divergences,
        double driftAbsolute,
        double driftRelative,
        double startWeightGap,
        double startExcessMse,
        double[] gapAlongNull) {

    /** The optimizer of weights gapwatch did not train. */
    public static final String EXTERNAL = "external";

    /** Whether these are external weights: only the in-sample figures mean anything. */
    public boolean external() {
        return EXTERNAL.equals(optimizer);
    }

    /** Named construction: each figure set by its name, not by its place among 37. Unset numbers are NaN (counts 0, flags false): what an external report leaves out it simply does not set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link LearnerReport} field by field; see the record's components for what each means. */
    public static final class Builder {
        private String name = null;
        private String settings = null;
        private String optimizer = null;
        private double intercept = Double.NaN;
        private double[] weights = null;
        private double r2 = Double.NaN;
        private double r2Gap = Double.NaN;
        private double mse = Double.NaN;
        private double excessMse = Double.NaN;
        private double weightGap = Double.NaN;
        private double weightGapRelative = Double.NaN;
        private double weightGapIdentifiable = Double.NaN;
        private double weightGapNull = Double.NaN;
        private double prequentialR2 = Double.NaN;
        private double prequentialMse = Double.NaN;
        private double gradientNorm = Double.NaN;
        private double lastGradientNorm = Double.NaN;
        private double inSampleGradientNorm = Double.NaN;
        private double weightNorm = Double.NaN;
        private double updateRatio = Double.NaN;
        private double rateRatio = Double.NaN;
        private double loss = Double.NaN;
        private double lr = Double.NaN;
        private double lrStabilityBound = Double.NaN;
        private double lrRecordBound = Double.NaN;
        private double hessianMax = Double.NaN;
        private double hessianMinIdentifiable = Double.NaN;
        private double stepsToConverge = Double.NaN;
        private double noiseFloorMse = Double.NaN;
        private long steps = 0L;
        private boolean diverged = false;
        private long divergences = 0L;
        private double driftAbsolute = Double.NaN;
        private double driftRelative = Double.NaN;
        private double startWeightGap = Double.NaN;
        private double startExcessMse = Double.NaN;
        private double[] gapAlongNull = null;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder settings(String settings) {
            this.settings = settings;
            return this;
        }

        public Builder optimizer(String optimizer) {
            this.optimizer = optimizer;
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

        public Builder r2(double r2) {
            this.r2 = r2;
            return this;
        }

        public Builder r2Gap(double r2Gap) {
            this.r2Gap = r2Gap;
            return this;
        }

        public Builder mse(double mse) {
            this.mse = mse;
            return this;
        }

        public Builder excessMse(double excessMse) {
            this.excessMse = excessMse;
            return this;
        }

        public Builder weightGap(double weightGap) {
            this.weightGap = weightGap;
            return this;
        }

        public Builder weightGapRelative(double weightGapRelative) {
            this.weightGapRelative = weightGapRelative;
            return this;
        }

        public Builder weightGapIdentifiable(double weightGapIdentifiable) {
            this.weightGapIdentifiable = weightGapIdentifiable;
            return this;
        }

        public Builder weightGapNull(double weightGapNull) {
            this.weightGapNull = weightGapNull;
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

        public Builder gradientNorm(double gradientNorm) {
            this.gradientNorm = gradientNorm;
            return this;
        }

        public Builder lastGradientNorm(double lastGradientNorm) {
            this.lastGradientNorm = lastGradientNorm;
            return this;
        }

        public Builder inSampleGradientNorm(double inSampleGradientNorm) {
            this.inSampleGradientNorm = inSampleGradientNorm;
            return this;
        }

        public Builder weightNorm(double weightNorm) {
            this.weightNorm = weightNorm;
            return this;
        }

        public Builder updateRatio(double updateRatio) {
            this.updateRatio = updateRatio;
            return this;
        }

        public Builder rateRatio(double rateRatio) {
            this.rateRatio = rateRatio;
            return this;
        }

        public Builder loss(double loss) {
            this.loss = loss;
            return this;
        }

        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        public Builder lrStabilityBound(double lrStabilityBound) {
            this.lrStabilityBound = lrStabilityBound;
            return this;
        }

        public Builder lrRecordBound(double lrRecordBound) {
            this.lrRecordBound = lrRecordBound;
            return this;
        }

        public Builder hessianMax(double hessianMax) {
            this.hessianMax = hessianMax;
            return this;
        }

        public Builder hessianMinIdentifiable(double hessianMinIdentifiable) {
            this.hessianMinIdentifiable = hessianMinIdentifiable;
            return this;
        }

        public Builder stepsToConverge(double stepsToConverge) {
            this.stepsToConverge = stepsToConverge;
            return this;
        }

        public Builder noiseFloorMse(double noiseFloorMse) {
            this.noiseFloorMse = noiseFloorMse;
            return this;
        }

        public Builder steps(long steps) {
            this.steps = steps;
            return this;
        }

        public Builder diverged(boolean diverged) {
            this.diverged = diverged;
            return this;
        }

        public Builder divergences(long divergences) {
            this.divergences = divergences;
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

        public Builder startWeightGap(double startWeightGap) {
            this.startWeightGap = startWeightGap;
            return this;
        }

        public Builder startExcessMse(double startExcessMse) {
            this.startExcessMse = startExcessMse;
            return this;
        }

        public Builder gapAlongNull(double[] gapAlongNull) {
            this.gapAlongNull = gapAlongNull;
            return this;
        }

        public LearnerReport build() {
            return new LearnerReport(name, settings, optimizer, intercept, weights, r2, r2Gap, mse, excessMse, weightGap,
                    weightGapRelative, weightGapIdentifiable, weightGapNull, prequentialR2, prequentialMse,
                    gradientNorm, lastGradientNorm, inSampleGradientNorm, weightNorm, updateRatio, rateRatio, loss, lr,
                    lrStabilityBound, lrRecordBound, hessianMax, hessianMinIdentifiable, stepsToConverge,
                    noiseFloorMse, steps, diverged, divergences, driftAbsolute, driftRelative, startWeightGap,
                    startExcessMse, gapAlongNull);
        }
    }
}
