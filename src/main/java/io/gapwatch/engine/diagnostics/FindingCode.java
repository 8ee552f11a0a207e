package io.gapwatch.engine.diagnostics;

import io.gapwatch.engine.sgd.OnlineLearner;

import java.util.Locale;

/**
 * The coded verdicts gapwatch gives, each with the one threshold that triggers it. The README's
 * findings table is checked against this enum.
 */
public enum FindingCode {

    LR_ABOVE_STABILITY_BOUND(Scope.LEARNER, 1.0,
            "a non-adaptive learner's learning rate exceeds the stability bound of its inputs (2/λ_max of the mean-loss Hessian, ×(1+μ) with momentum) by more than this factor"),
    LR_ABOVE_RECORD_BOUND(Scope.LEARNER, 1.0,
            "a non-adaptive learner stepping on single records has η above 2/max‖x‖² by more than this factor: one large record can throw it past the minimum"),
    ILL_CONDITIONED(Scope.MODEL, 1e3,
            "the condition number of the column-scaled design over its determined directions (σ₁/σ_rank) exceeds this: the Hessian's exceeds its square, so plain gradient steps crawl along the flattest direction"),
    COLLINEAR_FEATURES(Scope.MODEL, 1e-3,
            "some combination of features has a scaled singular value at most this fraction of the largest (named in the message)"),
    NOT_IDENTIFIABLE(Scope.MODEL, 0.5,
            "the design is rank-deficient: weights are not determined along the named directions. Per learner: more than this fraction of the squared weight gap lies along them"),
    FEATURES_UNSCALED(Scope.MODEL, 1e3,
            "the raw design's condition number exceeds the column-scaled one's by more than this factor, and a learner trains on raw features: a units problem, not collinearity"),
    TARGET_UNSCALED(Scope.MODEL, 1e2,
            "the target's standard deviation is above this or below its inverse, and a learner trains on the raw target: gradients are that much too large or too small"),
    SLOW_CONVERGENCE(Scope.LEARNER, 10.0,
            "the steps a non-adaptive learner needs to shrink its slowest error component 1000-fold exceed this multiple of the steps taken, and it has not converged"),
    DIVERGED(Scope.LEARNER, OnlineLearner.EXPLODED_NORM,
            "the learner's weights became non-finite or their norm exceeded this"),
    NOISE_FLOOR(Scope.LEARNER, 3.0,
            "a non-adaptive learner with a constant rate has an excess MSE within this factor of the noise floor its step leaves, η·MSE*·tr(H)/2 (Widrow's LMS misadjustment): it hovers instead of settling"),
    CONVERGED(Scope.LEARNER, 1e-4,
            "the learner's in-sample R² is within this of the exact fit's (R² gap ≤ threshold)"),
    CONCEPT_DRIFT(Scope.MODEL, 0.1,
            "the exact weights moved by more than this fraction of their norm over the last window, with at least 10 records per coefficient and full rank");

    /** Whether a finding is about the data (model) or about one learner. */
    public enum Scope { MODEL, LEARNER }

    private final Scope scope;
    private final double threshold;
    private final String doc;

    FindingCode(Scope scope, double threshold, String doc) {
        this.scope = scope;
        this.threshold = threshold;
        this.doc = doc;
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
