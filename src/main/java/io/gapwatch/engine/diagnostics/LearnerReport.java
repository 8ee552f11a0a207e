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
}
