package io.gapwatch.engine.exact;

/**
 * What the exact fit minimizes.
 *
 * <pre>
 *   minimize over (b, w):   Σ_k λ^(n−k) (y_k − b − wᵀx_k)²  +  α ‖w‖²
 * </pre>
 *
 * @param intercept  fit an unpenalized intercept b (scikit-learn's {@code fit_intercept=True});
 *                   when false, b is fixed at 0
 * @param forgetting λ ∈ (0, 1]: each record's weight is λ^age; 1 keeps all history
 * @param ridge      α ≥ 0, the L2 penalty on the weights only (never on the intercept)
 */
public record LeastSquaresOptions(boolean intercept, double forgetting, double ridge) {

    /** Ordinary least squares with an intercept: the answer of scikit-learn's LinearRegression. */
    public static final LeastSquaresOptions ORDINARY = new LeastSquaresOptions(true, 1.0, 0.0);

    public LeastSquaresOptions {
        if (!(forgetting > 0.0 && forgetting <= 1.0)) {
            throw new IllegalArgumentException("forgetting factor must be in (0, 1], got " + forgetting);
        }
        if (!(ridge >= 0.0 && ridge < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("ridge penalty must be finite and >= 0, got " + ridge);
        }
    }

    /** Number of coefficients for {@code features} features: the weights, plus one for the intercept. */
    public int parameterCount(int features) {
        return features + (intercept ? 1 : 0);
    }
}
