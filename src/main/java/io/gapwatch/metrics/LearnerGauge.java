package io.gapwatch.metrics;

import io.gapwatch.engine.diagnostics.LearnerReport;

import java.util.function.ToDoubleFunction;

/**
 * Every gauge exported per model and learner (tags {@code model}, {@code learner},
 * {@code optimizer}): its Micrometer name, what it means, and where its value comes from in a
 * {@link LearnerReport}. The one definition the adapter registers and the README's table lists.
 */
enum LearnerGauge {
    R2("gapwatch.learner.r2", "In-sample R² of the learner's weights over every record seen.", LearnerReport::r2),
    R2_GAP("gapwatch.learner.r2.gap", "R² of the exact fit minus the learner's: the share of the target's variance the learner misses.",
            LearnerReport::r2Gap),
    PREQUENTIAL_R2("gapwatch.learner.prequential.r2", "R² of the learner's predictions made before it learned each record.",
            LearnerReport::prequentialR2),
    EXCESS_MSE("gapwatch.learner.excess.mse", "In-sample MSE of the learner minus the exact fit's: ‖R(θ − θ*)‖²/n_eff.",
            LearnerReport::excessMse),
    WEIGHT_GAP("gapwatch.learner.weight.gap", "‖θ − θ*‖, original units.", LearnerReport::weightGap),
    WEIGHT_GAP_RELATIVE("gapwatch.learner.weight.gap.relative", "‖θ − θ*‖ / ‖θ*‖.", LearnerReport::weightGapRelative),
    WEIGHT_GAP_NULL("gapwatch.learner.weight.gap.null", "The part of the weight gap along directions the data does not determine.",
            LearnerReport::weightGapNull),
    WEIGHT_DRIFT("gapwatch.learner.weight.drift", "‖Δθ‖ of the learner over the last window of records.", LearnerReport::driftAbsolute),
    GRADIENT_NORM("gapwatch.learner.gradient.norm", "Mean ‖g‖ per step over the last window (the optimizer's working coordinates).",
            LearnerReport::gradientNorm),
    WEIGHT_NORM("gapwatch.learner.weight.norm", "‖θ̃‖ in the optimizer's working coordinates.", LearnerReport::weightNorm),
    UPDATE_RATIO("gapwatch.learner.update.ratio", "Mean ‖Δθ̃‖/‖θ̃‖ per step over the last window; about 1e-3 is healthy.",
            LearnerReport::updateRatio),
    LOSS("gapwatch.learner.loss", "Mean training loss over the last window in the learner's convention, ½(ŷ − y)² or (ŷ − y)² (its loss setting), working units.", LearnerReport::loss),
    LR("gapwatch.learner.lr", "The learning rate the schedule gives for the next step.", LearnerReport::lr),
    LR_STABILITY_BOUND("gapwatch.learner.lr.stability.bound",
            "Largest stable learning rate on these inputs, 2/λ_max of the working Hessian (for adaptive optimizers: the plain-gradient bound, for reference).",
            LearnerReport::lrStabilityBound),
    STEPS_TO_CONVERGE("gapwatch.learner.steps.to.converge",
            "Steps to shrink the slowest error component 1000-fold at the current rate, ln(1000)/(η λ_min); NaN for adaptive optimizers.",
            LearnerReport::stepsToConverge),
    STEPS("gapwatch.learner.steps", "Optimizer steps taken.", r -> r.steps()),
    DIVERGED("gapwatch.learner.diverged", "1 when the learner's weights blew up (it has stopped), else 0.", r -> r.diverged() ? 1 : 0);

    final String meterName;
    final String description;
    final ToDoubleFunction<LearnerReport> value;

    LearnerGauge(String meterName, String description, ToDoubleFunction<LearnerReport> value) {
        this.meterName = meterName;
        this.description = description;
        this.value = value;
    }
}
