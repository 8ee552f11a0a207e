package io.gapwatch.engine.diagnostics;

import io.gapwatch.engine.Model;

import java.util.Arrays;
import java.util.Locale;

/**
 * A weight vector gapwatch did not train: the model a user's own loop (PyTorch, Keras,
 * scikit-learn) produced, to be held against the exact fit with {@link Diagnostics#judge}.
 *
 * <h2>The intercept</h2>
 * {@code intercept} is null when the weights come without one. Against a model with an intercept
 * they are judged with b = 0 — what the user's model predicts, ŷ = wᵀx, when it was trained with
 * {@code fit_intercept=False} or {@code bias=False} — and the findings say so. Against a model
 * without an intercept an intercept of 0 is accepted (scikit-learn writes {@code intercept_ = 0.0}
 * when {@code fit_intercept=False}) and any other value refused: that model cannot hold it.
 *
 * @param name      what the reports call these weights
 * @param intercept b, or null when the weights come without one
 * @param weights   w, one per feature, in the model's feature order; Not modified (copied)
 */
public record ExternalWeights(String name, Double intercept, double[] weights) {

    /** Names appear as JSON keys and in findings, as learners' names do: the same characters. */
    public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /**
     * @throws IllegalArgumentException on a name outside {@link #NAME}, a non-finite value, or a
     *                                  magnitude beyond what the exact fit accepts in a record
     */
    public ExternalWeights {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("the name must be 1–64 letters, digits, '_', '.' or '-', got "
                    + (name == null ? "none" : "'" + name + "'"));
        }
        weights = weights.clone();
        if (intercept != null) {
            check("intercept", intercept);
        }
        for (int j = 0; j < weights.length; j++) {
            check("weights[" + j + "]", weights[j]);
        }
    }

    private static void check(String what, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " is " + v + ": only finite weights can be judged");
        }
        if (Math.abs(v) > io.gapwatch.engine.exact.StreamingLeastSquares.MAX_MAGNITUDE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s is %s: beyond ±%s, the largest magnitude gapwatch takes",
                    what, v, io.gapwatch.engine.exact.StreamingLeastSquares.MAX_MAGNITUDE));
        }
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    /** Whether the weights came without an intercept for a model that has one: judged with b = 0. */
    public boolean interceptAssumedZero(boolean modelIntercept) {
        return modelIntercept && intercept == null;
    }

    /**
     * Whether these weights fit {@code model}: one weight per feature, and no intercept other than 0
     * for a model without one.
     *
     * @throws IllegalArgumentException saying what does not fit, in one sentence
     */
    public void checkFits(Model model) {
        final int d = model.featureNames().size();
        if (weights.length != d) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d weight%s where the model has %d feature%s (%s)", weights.length, weights.length == 1 ? "" : "s", d,
                    d == 1 ? "" : "s", abbreviate(model.featureNames())));
        }
        if (!model.options().exact().intercept() && intercept != null && intercept != 0.0) {
            throw new IllegalArgumentException("intercept " + intercept + " for a model fit without one (--no-intercept): "
                    + "give intercept 0 or null, or fit the model with an intercept");
        }
    }

    /**
     * θ in the exact fit's order: the intercept first when the model has one (0 when none was
     * given), then the weights.
     */
    double[] coefficients(boolean modelIntercept) {
        if (!modelIntercept) {
            return weights.clone();
        }
        final double[] theta = new double[1 + weights.length];
        theta[0] = intercept == null ? 0.0 : intercept;
        System.arraycopy(weights, 0, theta, 1, weights.length);
        return theta;
    }

    private static String abbreviate(java.util.List<String> names) {
        return names.size() <= 4 ? String.join(", ", names)
                : names.get(0) + ", " + names.get(1) + ", … " + names.get(names.size() - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExternalWeights other && name.equals(other.name) && java.util.Objects.equals(intercept, other.intercept)
                && Arrays.equals(weights, other.weights);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + java.util.Objects.hashCode(intercept)) + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return "ExternalWeights[" + name + ", intercept " + intercept + ", " + weights.length + " weights]";
    }
}
