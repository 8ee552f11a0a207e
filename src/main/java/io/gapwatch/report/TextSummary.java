package io.gapwatch.report;

import io.gapwatch.engine.diagnostics.ExactReport;
import io.gapwatch.engine.diagnostics.Finding;
import io.gapwatch.engine.diagnostics.LearnerReport;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.exact.Conditioning;
import io.gapwatch.engine.exact.ConditioningAnalysis;
import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.exact.StructuralBreaks;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The readable summary {@code replay} prints: what a person checks before opening the JSON. */
public final class TextSummary {

    /** At most this many coefficients are listed; the JSON has them all. */
    static final int MAX_LISTED = 40;
    /** What a column shows for external weights where only a running learner has a value. */
    static final String NOT_APPLICABLE = "n/a";

    private TextSummary() {
    }

    public static void print(PrintWriter out, String source, String target, ModelReport report) {
        final ExactReport e = report.exact();
        final Conditioning c = e.conditioning();
        final LeastSquaresOptions o = e.options();
        out.printf(Locale.ROOT, "%s: %,d records, %d features, target '%s'%n", source, report.records(), report.featureNames().size(), target);
        if (report.passes() > 1) {
            out.printf(Locale.ROOT, "  %d passes: the learners trained on every pass, the exact fit learned each record once%n", report.passes());
        }
        out.printf(Locale.ROOT, "exact least squares (%s, forgetting λ = %s, ridge α = %s), solved by %s%n",
                o.intercept() ? "with intercept" : "no intercept", num(o.forgetting()), num(o.ridge()),
                e.solveMethod().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        out.printf(Locale.ROOT, "  R² %s   MSE %s   rank %d of %d%n", num(e.r2()), num(e.mse()), c.rank(), c.parameters());
        if (c.rankDeficient() && c.rank() > 0) {
            out.printf(Locale.ROOT, "  condition number over its %d determined directions %s raw, %s standardized (∞ over all %d)%n",
                    c.rank(), sci(c.singularValues()[0] / c.singularValues()[c.rank() - 1]), sci(e.conditionNumberStandardized()),
                    c.parameters());
        } else {
            out.printf(Locale.ROOT, "  condition number %s raw, %s with columns scaled to unit norm, %s standardized%n",
                    sci(c.conditionNumber()), sci(c.scaledConditionNumber()), sci(e.conditionNumberStandardized()));
        }
        out.printf(Locale.ROOT, "  mean-loss Hessian eigenvalues: max %s, min %s (smallest identifiable %s)%n",
                sci(c.hessianMax()), sci(c.hessianMin()), sci(c.hessianMinIdentifiable()));
        if (e.spectrumRecords() < report.records()) {
            out.printf(Locale.ROOT, "  spectrum as of record %,d, the model's last checkpoint: an O(d²) check finds the design has not moved away from it%n",
                    e.spectrumRecords());
        }
        final StructuralBreaks.Summary b = e.structuralBreaks();
        if (b.status().judged()) {
            out.printf(Locale.ROOT, "  structural break (5%%, %,d recursive residuals): CUSUM %s against ±%s%s; CUSUM of squares off its line "
                            + "by %s against %s%s%n", b.residuals(), num(b.cusum()), num(b.cusumBound()), verdict(b.cusumRejects(), b.cusumFirstReject()),
                    num(b.cusumSquaresDeviation()), num(b.cusumSquaresBound()), verdict(b.cusumSquaresRejects(), b.cusumSquaresFirstReject()));
        } else if (b.status() == StructuralBreaks.Status.WARMING_UP && c.rank() < c.parameters()) {
            // a design that never reaches full rank gives no recursive residual: "warming up" would wait for ever
            out.printf(Locale.ROOT, "  structural break: no test until every coefficient is determined (rank %d of %d)%n",
                    c.rank(), c.parameters());
        } else {
            out.printf(Locale.ROOT, "  structural break: %s (%,d recursive residuals; the test is judged from %d)%n",
                    b.status().code().replace('_', ' '), b.residuals(), StructuralBreaks.MIN_RESIDUALS);
        }
        out.println();

        final List<String> names = ConditioningAnalysis.parameterNames(o.intercept(), report.featureNames());
        final List<LearnerReport> learners = report.learners();
        final int width = Math.max(12, names.stream().mapToInt(String::length).max().orElse(0)) + 2;
        final StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-" + width + "s %-22s", "coefficient", "exact"));
        for (LearnerReport r : learners) {
            header.append(String.format(Locale.ROOT, " %-14s", r.name()));
        }
        out.println(header.toString().stripTrailing());
        final double[] theta = e.coefficients();
        final int offset = o.intercept() ? 1 : 0;
        for (int i = 0; i < Math.min(theta.length, MAX_LISTED); i++) {
            final StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-" + width + "s %-22s", names.get(i), Double.toString(theta[i])));
            for (LearnerReport r : learners) {
                final double v = offset == 1 && i == 0 ? r.intercept() : r.weights()[i - offset];
                line.append(String.format(Locale.ROOT, " %-14s", num(v)));
            }
            out.println(line.toString().stripTrailing());
        }
        if (theta.length > MAX_LISTED) {
            out.printf(Locale.ROOT, "  … and %d more (see --json)%n", theta.length - MAX_LISTED);
        }

        if (!learners.isEmpty()) {
            out.println();
            out.printf(Locale.ROOT, "  %-12s %-11s %-11s %-11s %-11s %-11s %-11s %-11s %-11s %-11s %s%n",
                    "learner", "R²", "R² gap", "excess MSE", "weight gap", "(null part)", "grad norm", "update", "lr", "lr bound", "steps to converge");
            for (LearnerReport r : learners) {
                // external weights have no optimizer: its columns say so, they never show a number
                final boolean running = !r.external();
                out.printf(Locale.ROOT, "  %-12s %-11s %-11s %-11s %-11s %-11s %-11s %-11s %-11s %-11s %s%s%n",
                        r.name(), Math.abs(r.r2()) < 1e5 ? num(r.r2()) : sci(r.r2()), sci(r.r2Gap()), sci(r.excessMse()), sci(r.weightGap()), sci(r.weightGapNull()),
                        running ? sci(r.gradientNorm()) : NOT_APPLICABLE, running ? sci(r.updateRatio()) : NOT_APPLICABLE,
                        running ? sci(r.lr()) : NOT_APPLICABLE, running ? sci(r.lrStabilityBound()) : NOT_APPLICABLE,
                        running ? sci(r.stepsToConverge()) : NOT_APPLICABLE,
                        r.diverged() ? "  DIVERGED" : r.external() ? "  external weights" : "");
            }
        }

        out.println();
        if (report.findings().isEmpty()) {
            out.println("findings: none");
        } else {
            out.println("findings:");
            for (Finding f : report.findings()) {
                out.printf(Locale.ROOT, "  [%s] %s%n", f.code().code(), f.message());
            }
        }
    }

    // ", rejects (first at record 43)", ", within (rejected at record 12)", ""
    private static String verdict(boolean rejects, long first) {
        if (rejects) {
            return String.format(Locale.ROOT, ", rejects (first at record %,d)", first);
        }
        // sequential monitoring crossed once, the test over every record so far does not: say both
        return first > 0 ? String.format(Locale.ROOT, ", within over all records (the records up to %,d crossed it)", first) : ", within";
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
            return v > 0 ? "∞" : Double.isNaN(v) ? "–" : "−∞";
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }
}
