package io.gapwatch.engine.diagnostics;

import io.gapwatch.engine.Model;
import io.gapwatch.engine.exact.Conditioning;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.engine.sgd.OnlineLearner;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.gapwatch.engine.diagnostics.FindingCode.COLLINEAR_FEATURES;
import static io.gapwatch.engine.diagnostics.FindingCode.CONCEPT_DRIFT;
import static io.gapwatch.engine.diagnostics.FindingCode.CONVERGED;
import static io.gapwatch.engine.diagnostics.FindingCode.DIVERGED;
import static io.gapwatch.engine.diagnostics.FindingCode.FEATURES_UNSCALED;
import static io.gapwatch.engine.diagnostics.FindingCode.ILL_CONDITIONED;
import static io.gapwatch.engine.diagnostics.FindingCode.LR_ABOVE_RECORD_BOUND;
import static io.gapwatch.engine.diagnostics.FindingCode.LR_ABOVE_STABILITY_BOUND;
import static io.gapwatch.engine.diagnostics.FindingCode.NOISE_FLOOR;
import static io.gapwatch.engine.diagnostics.FindingCode.NOT_IDENTIFIABLE;
import static io.gapwatch.engine.diagnostics.FindingCode.SLOW_CONVERGENCE;
import static io.gapwatch.engine.diagnostics.FindingCode.TARGET_UNSCALED;

/** Derives the findings from a report's numbers; each rule reads its threshold from {@link FindingCode}. */
final class Findings {

    /** Directions itemized per finding before "and N more". */
    static final int MAX_DIRECTIONS_PER_FINDING = 3;

    private Findings() {
    }

    static List<Finding> derive(Model model, ExactReport exact, List<LearnerReport> learners) {
        final List<Finding> findings = new ArrayList<>();
        if (model.count() == 0) {
            return findings;
        }
        final Conditioning c = exact.conditioning();

        if (c.rankDeficient()) {
            findings.add(new Finding(NOT_IDENTIFIABLE, null, String.format(Locale.ROOT,
                    "Rank %d of %d: the weights are not determined along %s; any amount along %s fits the data equally well.",
                    c.rank(), c.parameters(), directions(c.nullDirections(), c.nullSpaceDimension()),
                    c.nullSpaceDimension() == 1 ? "it" : "them")));
        }
        // conditioning of what the data does determine: σ₁/σ_rank of the scaled design
        final double identifiable = c.rank() == 0 ? Double.NaN : c.scaledSingularValues()[0] / c.scaledSingularValues()[c.rank() - 1];
        if (identifiable > ILL_CONDITIONED.threshold()) {
            findings.add(new Finding(ILL_CONDITIONED, null, String.format(Locale.ROOT,
                    "The design is ill-conditioned: condition number %s%s with columns scaled to unit norm, so the mean-loss Hessian's is %s and plain gradient steps crawl along its flattest direction.",
                    g(identifiable), c.rankDeficient() ? " over its determined directions" : "", g(identifiable * identifiable))));
        }
        if (!c.weakDirections().isEmpty()) {
            findings.add(new Finding(COLLINEAR_FEATURES, null, String.format(Locale.ROOT,
                    "Nearly collinear features: %s.", directions(c.weakDirections(), c.weakDirections().size()))));
        }
        final List<String> rawFeatures = new ArrayList<>();
        final List<String> rawTarget = new ArrayList<>();
        for (OnlineLearner learner : model.learners()) {
            if (!learner.config().standardize() && !learner.config().whiten()) {
                rawFeatures.add(learner.name());
            }
            if (!learner.config().scaleTarget()) {
                rawTarget.add(learner.name());
            }
        }
        final double unitsRatio = c.conditionNumber() / c.scaledConditionNumber();
        if (!rawFeatures.isEmpty() && unitsRatio > FEATURES_UNSCALED.threshold()) {
            findings.add(new Finding(FEATURES_UNSCALED, null, String.format(Locale.ROOT,
                    "The features' scales differ: condition number %s raw against %s with columns scaled (×%s); learner%s %s train%s on raw features — standardize them.",
                    g(c.conditionNumber()), g(c.scaledConditionNumber()), g(unitsRatio), plural(rawFeatures),
                    String.join(", ", rawFeatures), rawFeatures.size() == 1 ? "s" : "")));
        }
        final double sd = exact.targetStd();
        if (!rawTarget.isEmpty() && sd > 0 && (sd > TARGET_UNSCALED.threshold() || sd < 1 / TARGET_UNSCALED.threshold())) {
            findings.add(new Finding(TARGET_UNSCALED, null, String.format(Locale.ROOT,
                    "The target's standard deviation is %s: the squared loss's gradients are %s in proportion; learner%s %s train%s on the raw target — set scale-target.",
                    g(sd), sd < 1 ? "that small" : "that large", plural(rawTarget), String.join(", ", rawTarget),
                    rawTarget.size() == 1 ? "s" : "")));
        }
        if (exact.driftRelative() > CONCEPT_DRIFT.threshold() && !c.rankDeficient()
                && model.count() >= 10L * c.parameters()) {
            findings.add(new Finding(CONCEPT_DRIFT, null, String.format(Locale.ROOT,
                    "The exact weights moved by %s of their norm over the last %d records: the relationship is drifting.",
                    pct(exact.driftRelative()), model.options().window())));
        }

        for (int i = 0; i < learners.size(); i++) {
            learnerFindings(model.learners().get(i), learners.get(i), c, findings);
        }
        return List.copyOf(findings);
    }

    private static void learnerFindings(OnlineLearner learner, LearnerReport r, Conditioning c, List<Finding> findings) {
        final LearnerConfig config = learner.config();
        final String name = r.name();
        final boolean adaptive = config.optimizer().adaptive();
        if (r.divergences() > 0) {
            findings.add(new Finding(DIVERGED, name, String.format(Locale.ROOT,
                    "Learner %s diverged at record %d (its weights blew up)%s%s.", name, learner.divergedAtRecord(),
                    !adaptive && r.lr() > r.lrStabilityBound()
                            ? String.format(Locale.ROOT, "; η = %s is %s× the stability bound %s", g(r.lr()), g(r.lr() / r.lrStabilityBound()), g(r.lrStabilityBound()))
                            : "",
                    r.diverged() ? "; it has stopped" : String.format(Locale.ROOT, "; it restarted %d time%s", r.divergences(), r.divergences() == 1 ? "" : "s"))));
        }
        if (!adaptive && r.lr() > LR_ABOVE_STABILITY_BOUND.threshold() * r.lrStabilityBound()) {
            findings.add(new Finding(LR_ABOVE_STABILITY_BOUND, name, String.format(Locale.ROOT,
                    "Learner %s's learning rate %s is %s× the stability bound %s (2/λ_max of its inputs' mean-loss Hessian%s): its steps overshoot along the steepest direction.",
                    name, g(r.lr()), g(r.lr() / r.lrStabilityBound()), g(r.lrStabilityBound()),
                    config.optimizer() == LearnerConfig.OptimizerKind.SGD ? "" : ", adjusted for momentum")));
        } else if (!adaptive && config.batch() == 1 && r.lr() > LR_ABOVE_RECORD_BOUND.threshold() * r.lrRecordBound()) {
            findings.add(new Finding(LR_ABOVE_RECORD_BOUND, name, String.format(Locale.ROOT,
                    "Learner %s's learning rate %s is above 2/max‖x‖² = %s: a step on the largest records overshoots, so it jitters around the minimum.",
                    name, g(r.lr()), g(r.lrRecordBound()))));
        }
        final boolean converged = !r.diverged() && r.r2Gap() <= CONVERGED.threshold();
        if (c.rankDeficient() && r.weightGap() > 0
                && r.weightGapNull() * r.weightGapNull() > NOT_IDENTIFIABLE.threshold() * r.weightGap() * r.weightGap()) {
            findings.add(new Finding(NOT_IDENTIFIABLE, name, String.format(Locale.ROOT,
                    "Learner %s's weights differ from the exact fit by %s, %s of it along directions no data determines; its excess MSE is %s — the difference is not identifiable, not a failure of the optimizer.",
                    name, g(r.weightGap()), pct(r.weightGapNull() * r.weightGapNull() / (r.weightGap() * r.weightGap())), g(r.excessMse()))));
        }
        if (!adaptive && !converged && !r.diverged() && r.stepsToConverge() > SLOW_CONVERGENCE.threshold() * Math.max(1, r.steps())) {
            findings.add(new Finding(SLOW_CONVERGENCE, name, String.format(Locale.ROOT,
                    "Learner %s needs about %s steps at η = %s to close its slowest gap component (the Hessian's smallest identifiable eigenvalue is %s); it has taken %d.",
                    name, g(r.stepsToConverge()), g(r.lr()), g(r.hessianMinIdentifiable()), r.steps())));
        }
        if (!converged && !r.diverged() && config.schedule() == LearnerConfig.ScheduleKind.CONSTANT && !config.average()
                && r.noiseFloorMse() > 0 && r.excessMse() <= NOISE_FLOOR.threshold() * r.noiseFloorMse()) {
            findings.add(new Finding(NOISE_FLOOR, name, String.format(Locale.ROOT,
                    "Learner %s hovers at the noise floor of its constant step: excess MSE %s against η·MSE*·tr(H)/2 = %s; decay the rate (schedule=invscaling) or average the iterates (average=true) to settle.",
                    name, g(r.excessMse()), g(r.noiseFloorMse()))));
        }
        if (converged) {
            findings.add(new Finding(CONVERGED, name, String.format(Locale.ROOT,
                    "Learner %s has converged: its in-sample R² is within %s of the exact fit's (gap %s).",
                    name, g(CONVERGED.threshold()), g(r.r2Gap()))));
        }
    }

    /** "(intercept) + x1 − x2 ≈ 0", up to three of them, then "and N more". */
    static String directions(List<Conditioning.NullDirection> list, int total) {
        final List<String> parts = new ArrayList<>();
        for (int i = 0; i < Math.min(list.size(), MAX_DIRECTIONS_PER_FINDING); i++) {
            parts.add(relation(list.get(i)));
        }
        String text = String.join("; ", parts);
        if (total > parts.size()) {
            text += String.format(Locale.ROOT, "; and %d more", total - parts.size());
        }
        return text;
    }

    /** Terms of a relation spelled out; the rest are counted. */
    static final int MAX_TERMS = 6;

    /**
     * Σ loading·feature ≈ 0, written as a person would: "(intercept) + x1 − x2 ≈ 0". A dense
     * direction shows its {@link #MAX_TERMS} largest terms and counts the others.
     */
    static String relation(Conditioning.NullDirection d) {
        final int m = d.features().size();
        final Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        if (m > MAX_TERMS) {
            java.util.Arrays.sort(order, (a, b) -> Double.compare(Math.abs(d.scaledLoadings()[b]), Math.abs(d.scaledLoadings()[a])));
            java.util.Arrays.sort(order, 0, MAX_TERMS);
        }
        final StringBuilder s = new StringBuilder();
        for (int t = 0; t < Math.min(m, MAX_TERMS); t++) {
            final int i = order[t];
            final double l = d.loadings()[i];
            final double a = Math.abs(l);
            s.append(t == 0 ? (l < 0 ? "−" : "") : (l < 0 ? " − " : " + "));
            if (Math.abs(a - 1.0) > 1e-6) {
                s.append(String.format(Locale.ROOT, "%.3g·", a));
            }
            s.append(d.features().get(i));
        }
        if (m > MAX_TERMS) {
            s.append(String.format(Locale.ROOT, " + … (%d features in all)", m));
        }
        return s.append(" ≈ 0").toString();
    }

    private static String plural(List<String> names) {
        return names.size() == 1 ? "" : "s";
    }

    static String g(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
