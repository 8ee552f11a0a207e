package io.gapwatch.engine.diagnostics;

import io.gapwatch.engine.exact.StructuralBreaks;
import io.gapwatch.engine.sgd.OnlineLearner;

import java.util.Locale;

/**
 * The coded verdicts gapwatch gives, each with the one threshold that triggers it. The README's
 * findings table is rendered from this enum.
 */
public enum FindingCode {

    DIVERGED(Scope.LEARNER, OnlineLearner.EXPLODED_NORM,
            "the learner's weights became non-finite or their norm exceeded this"),
    LR_ABOVE_STABILITY_BOUND(Scope.LEARNER, 1.0,
            "a non-adaptive learner's learning rate exceeds the stability bound of its loss on its inputs (2/λ_max of the loss's Hessian, ×(1+μ) with momentum; half for loss=mse) by more than this factor"),
    LR_ABOVE_RECORD_BOUND(Scope.LEARNER, 1.0,
            "a non-adaptive learner stepping on single records has η above 2/(s·max‖x‖²) by more than this factor: one large record can throw it past the minimum"),
    NOT_IDENTIFIABLE(Scope.MODEL, 0.5,
            "the design is rank-deficient: the dependent columns are written through the others (x2 = x1 + 1) with the fixes that pin the weights down. Per learner (or external weights): more than this fraction of the squared weight gap lies along the undetermined directions, which no data can fix"),
    INTERPOLATION(Scope.MODEL, 2.0,
            "there are at most this many records per coefficient: the exact fit interpolates or nearly, in-sample R² says little, and ridge or a direct solve is the better tool"),
    ILL_CONDITIONED(Scope.MODEL, 1e2,
            "even standardized, the design's condition number over its determined directions exceeds this: the Hessian's exceeds its square, so plain gradient steps crawl along the flattest direction; learners that do not whiten are told to"),
    COLLINEAR_FEATURES(Scope.MODEL, 1e-3,
            "some column is nearly a combination of the others (a scaled singular value at most this fraction of the largest); the near relations are written out"),
    FEATURES_UNSCALED(Scope.MODEL, 1e2,
            "standardizing the features would divide the condition number of the Hessian over its determined directions by more than this (columns far from zero or on different scales), and a learner that has not converged trains on raw features"),
    TARGET_UNSCALED(Scope.MODEL, 1e2,
            "the target's standard deviation is above this or below its inverse, and a learner that has not converged trains on the raw target: gradients are that much too large or too small"),
    START_FAR(Scope.LEARNER, 10.0,
            "a learner that has not converged started more than this many times as far from the exact fit as a zero start (‖θ₀ − θ*‖ against ‖θ*‖) and its weights are still more than half that far: the start put error along directions the data barely pulls on"),
    SLOW_CONVERGENCE(Scope.LEARNER, 10.0,
            "the steps a non-adaptive learner needs to shrink its slowest identified error component 1000-fold exceed this multiple of the steps taken, and it has not converged"),
    NOISE_FLOOR(Scope.LEARNER, 3.0,
            "a non-adaptive learner with a constant rate has an excess MSE within this factor of the noise floor its step leaves, η·s·MSE*·tr(H)/2 (Widrow's LMS misadjustment): it hovers instead of settling"),
    NOT_CONVERGED(Scope.LEARNER, 1e-2,
            "the learner's (or external weights') in-sample MSE exceeds the attainable one by more than this fraction: the exact fit's, or the target's rounding level 1e-12·mean(y²) when that is larger. The excess is always along directions the data determines"),
    CONVERGED(Scope.LEARNER, 1e-2,
            "the learner's (or external weights') in-sample MSE is within this fraction of the attainable one (the exact fit's, or the target's rounding level when that is larger)"),
    RECORDS_LOST(Scope.MODEL, 1.0,
            "at least this many records the model had learned could not be read back from the input topic when it was restored (retention had removed them): it continues from what it could rebuild, and is not the exact fit of every record it saw"),
    CONCEPT_DRIFT(Scope.MODEL, 0.1,
            "the exact weights moved by more than this fraction of their norm over the last window, with at least 10 records per coefficient and full rank"),
    STRUCTURAL_BREAK(Scope.MODEL, StructuralBreaks.ALPHA,
            "the CUSUM or the CUSUM of squares of the exact fit's recursive residuals (Brown, Durbin & Evans 1975, as statsmodels' RecursiveLS computes them) rejects a constant relationship at this significance level over all records so far; judged from 30 residuals after the first p records, off under forgetting or ridge");

    /** Whether a finding is about the data (model) or about one learner. */
    public enum Scope { MODEL, LEARNER }

    /** In-sample MSEs below this fraction of mean(y²) are at the rounding level of the target: both count as 0. */
    public static final double ROUNDING_LEVEL = 1e-12;

    private final Scope scope;
    private final double threshold;
    private final String doc;

    FindingCode(Scope scope, double threshold, String doc) {
        this.scope = scope;
        this.threshold = threshold;
        this.doc = doc;
    }

    /**
     * Whether the finding tells its learners to change something (a setting, the start, the tool):
     * such a finding never concerns a learner that has converged. The others state facts: about
     * the data, a divergence, a learner's undetermined weights, a convergence.
     */
    public boolean advises() {
        return switch (this) {
            case LR_ABOVE_STABILITY_BOUND, LR_ABOVE_RECORD_BOUND, INTERPOLATION, ILL_CONDITIONED, FEATURES_UNSCALED,
                 TARGET_UNSCALED, START_FAR, SLOW_CONVERGENCE, NOISE_FLOOR, NOT_CONVERGED -> true;
            default -> false;
        };
    }

    public Scope scope() {
        return scope;
    }

    public double threshold() {
        return threshold;
    }

    public String doc() {
        return doc;
    }

    /** The code as reports print it: {@code lr_above_stability_bound}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
