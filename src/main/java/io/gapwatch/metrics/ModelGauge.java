package io.gapwatch.metrics;

import io.gapwatch.engine.diagnostics.ModelReport;

import java.util.function.ToDoubleFunction;

/**
 * Every gauge exported per model (tag {@code model}): the exact fit and the design's conditioning,
 * from a {@link ModelReport}. The one definition the adapter registers and the README's table lists.
 */
enum ModelGauge {
    EXACT_R2("gapwatch.exact.r2", "In-sample R² of the exact least-squares fit.", r -> r.exact().r2()),
    EXACT_PREQUENTIAL_R2("gapwatch.exact.prequential.r2", "R² of the exact fit's predictions made before it learned each record.",
            r -> r.exact().prequentialR2()),
    EXACT_MSE("gapwatch.exact.mse", "In-sample MSE of the exact fit: the floor no learner can beat.", r -> r.exact().mse()),
    EXACT_WEIGHT_DRIFT("gapwatch.exact.weight.drift", "‖Δθ*‖ of the exact fit over the last window of records.",
            r -> r.exact().driftAbsolute()),
    STRUCTURAL_BREAK("gapwatch.exact.structural.break", "1 while the CUSUM or CUSUM-of-squares test of the exact fit's recursive "
            + "residuals rejects a constant relationship at 5% (Brown, Durbin & Evans), else 0; NaN while the test is off or warming up.",
            r -> r.exact().structuralBreaks().status().judged() ? (r.exact().structuralBreaks().rejects() ? 1 : 0) : Double.NaN),
    CUSUM_RATIO("gapwatch.exact.cusum.ratio", "The CUSUM's last value over its 5% bound there, |W_n| / 3a√m: above 1 the path ends "
            + "outside its bounds (the test also rejects when it crossed earlier).",
            r -> Math.abs(r.exact().structuralBreaks().cusum()) / r.exact().structuralBreaks().cusumBound()),
    CONDITION_NUMBER("gapwatch.model.condition.number", "σ_max/σ_min of the design (+Inf when rank-deficient).",
            r -> r.exact().conditioning().conditionNumber()),
    CONDITION_NUMBER_SCALED("gapwatch.model.condition.number.scaled", "The same with every column scaled to unit norm: collinearity, not units.",
            r -> r.exact().conditioning().scaledConditionNumber()),
    RANK("gapwatch.model.rank", "Numerical rank of the design (intercept column included).", r -> r.exact().conditioning().rank()),
    PARAMETERS("gapwatch.model.parameters", "Coefficients to determine: features plus the intercept, if any.",
            r -> r.exact().conditioning().parameters()),
    RECORDS("gapwatch.model.records", "Records the model has learned from.", ModelReport::records),
    EFFECTIVE_RECORDS("gapwatch.model.effective.records", "Σ λ^age: the records that still count under forgetting.",
            r -> r.exact().nEff());

    final String meterName;
    final String description;
    final ToDoubleFunction<ModelReport> value;

    ModelGauge(String meterName, String description, ToDoubleFunction<ModelReport> value) {
        this.meterName = meterName;
        this.description = description;
        this.value = value;
    }
}
