package io.gapwatch.report;

import io.gapwatch.engine.exact.Conditioning;
import io.gapwatch.engine.exact.ConditioningAnalysis;
import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.exact.StreamingLeastSquares;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The readable summary {@code replay} prints: what a person checks before opening the JSON. */
public final class TextSummary {

    /** At most this many coefficients are listed; the JSON has them all. */
    static final int MAX_LISTED = 40;

    private TextSummary() {
    }

    public static void print(PrintWriter out, String source, String target, List<String> featureNames,
                             StreamingLeastSquares exact, Conditioning c) {
        final LeastSquaresOptions o = exact.options();
        out.printf(Locale.ROOT, "%s: %,d records, %d features, target '%s'%n", source, exact.count(), featureNames.size(), target);
        out.printf(Locale.ROOT, "exact least squares (%s, forgetting λ = %s, ridge α = %s), solved by %s%n",
                o.intercept() ? "with intercept" : "no intercept", num(o.forgetting()), num(o.ridge()),
                exact.solveMethod().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        out.printf(Locale.ROOT, "  R² %s   MSE %s   rank %d of %d%n", num(exact.r2()), num(exact.mse()), c.rank(), c.parameters());
        out.printf(Locale.ROOT, "  condition number %s raw, %s with columns scaled to unit norm%n",
                sci(c.conditionNumber()), sci(c.scaledConditionNumber()));
        out.printf(Locale.ROOT, "  mean-loss Hessian eigenvalues: max %s, min %s (smallest identifiable %s)%n",
                sci(c.hessianMax()), sci(c.hessianMin()), sci(c.hessianMinIdentifiable()));
        out.println();
        final List<String> names = ConditioningAnalysis.parameterNames(o.intercept(), featureNames);
        final int width = Math.max(12, names.stream().mapToInt(String::length).max().orElse(0)) + 2;
        out.printf(Locale.ROOT, "  %-" + width + "s %s%n", "coefficient", "exact value");
        final double[] theta = exact.coefficients();
        for (int i = 0; i < Math.min(theta.length, MAX_LISTED); i++) {
            out.printf(Locale.ROOT, "  %-" + width + "s %s%n", names.get(i), Double.toString(theta[i]));
        }
        if (theta.length > MAX_LISTED) {
            out.printf(Locale.ROOT, "  … and %d more (see --json)%n", theta.length - MAX_LISTED);
        }
        if (c.nullSpaceDimension() > 0) {
            out.println();
            out.printf(Locale.ROOT, "  %d direction(s) the data does not determine (any amount along them fits equally well):%n",
                    c.nullSpaceDimension());
            for (Conditioning.NullDirection d : c.nullDirections()) {
                final StringBuilder relation = new StringBuilder("    ");
                for (int i = 0; i < d.features().size(); i++) {
                    final double l = d.loadings()[i];
                    relation.append(i == 0 ? (l < 0 ? "−" : "") : (l < 0 ? " − " : " + "));
                    relation.append(String.format(Locale.ROOT, "%.4g·%s", Math.abs(l), d.features().get(i)));
                }
                out.println(relation.append(" ≈ 0"));
            }
        }
    }

    /** Six significant digits without trailing zeros: 1, 0.995479, 52276.5, 1.5e-07. */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toString();
    }

    static String sci(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }
}
