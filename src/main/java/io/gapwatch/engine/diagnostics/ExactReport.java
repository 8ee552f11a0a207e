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
        StructuralBreaks.Summary structuralBreaks) {
}
