package io.gapwatch.engine.exact;

import java.util.List;

/**
 * How well the data seen so far determines the coefficients, from the singular values of the
 * factor R (they are the design's: RᵀR = XᵀΛX, Λ the forgetting weights). Computed on request by
 * {@link ConditioningAnalysis}, never per record.
 *
 * @param singularValues        σ of the design [1 X] (with the intercept column when the model has one), largest first
 * @param scaledSingularValues  σ of the design with every column scaled to unit norm, largest first
 * @param conditionNumber       σ_max / σ_min of the design; ∞ when σ_min = 0; NaN before any record
 * @param scaledConditionNumber the same for the column-scaled design. A raw number far above the
 *                              scaled one means the columns' units differ, not that they are collinear
 * @param rank                  numerical rank: scaled σ above {@code rankTolerance}
 * @param rankTolerance         ε · max(n, p) · σ_max of the scaled design (numpy's {@code matrix_rank} rule, on scaled columns)
 * @param hessianMax            largest eigenvalue of the mean-loss Hessian XᵀΛX / n_eff = σ_max² / n_eff
 * @param hessianMin            smallest eigenvalue σ_min² / n_eff (≈ 0 when rank-deficient)
 * @param hessianMinIdentifiable smallest eigenvalue among the {@code rank} identifiable directions
 * @param nullDirections        up to {@link ConditioningAnalysis#MAX_REPORTED_DIRECTIONS} directions the data does not determine, least determined first
 * @param nullSpaceDimension    p − rank: how many such directions exist in all
 * @param weakDirections        up to {@link ConditioningAnalysis#MAX_REPORTED_DIRECTIONS} directions the data determines only
 *                              weakly: scaled σ / σ_max at most {@link ConditioningAnalysis#WEAK}, but above the rank
 *                              tolerance. Their features are nearly collinear
 * @param nullBasis             an orthonormal basis (rows, original units, θ order) of all p − rank null directions
 * @param dependencies          each dependent column (exactly, then nearly) through a basis of the earliest columns:
 *                              "x2 = x1 + 1"; see {@link Dependencies}. Empty when every column is determined
 * @param rankWithoutIntercept  the rank the design would have without its intercept column (rank − 1 when the
 *                              intercept takes part in no dependency); equals p − 1 when dropping the intercept
 *                              alone makes every weight identifiable
 */
public record Conditioning(
        double[] singularValues,
        double[] scaledSingularValues,
        double conditionNumber,
        double scaledConditionNumber,
        int rank,
        int parameters,
        double rankTolerance,
        double hessianMax,
        double hessianMin,
        double hessianMinIdentifiable,
        List<NullDirection> nullDirections,
        int nullSpaceDimension,
        List<NullDirection> weakDirections,
        double[][] nullBasis,
        List<Dependencies.Relation> dependencies,
        int rankWithoutIntercept) {

    /** True when some combination of coefficients is not determined by the data. */
    public boolean rankDeficient() {
        return rank < parameters;
    }

    /**
     * A direction in coefficient space along which the loss is flat (or nearly): the features
     * that carry it are collinear, and the exact fit cannot (or can barely) tell their weights apart.
     *
     * @param features       names of the coefficients that take part (the intercept as {@code (intercept)})
     * @param parameterIndex their indices in θ
     * @param loadings       the relation in original units, Σ loadings_k · column_k ≈ 0, scaled so the largest |loading| is 1
     * @param scaledLoadings the same direction for unit-norm columns (unit length): comparable across features
     * @param scaledSingularValue how flat: the scaled singular value of this direction
     */
    public record NullDirection(
            List<String> features,
            int[] parameterIndex,
            double[] loadings,
            double[] scaledLoadings,
            double scaledSingularValue) {
    }
}
