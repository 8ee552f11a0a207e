package io.gapwatch.engine.diagnostics;

import io.gapwatch.engine.Model;
import io.gapwatch.engine.exact.Conditioning;
import io.gapwatch.engine.exact.Dependencies;
import io.gapwatch.engine.exact.StructuralBreaks;
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
import static io.gapwatch.engine.diagnostics.FindingCode.INTERPOLATION;
import static io.gapwatch.engine.diagnostics.FindingCode.LR_ABOVE_RECORD_BOUND;
import static io.gapwatch.engine.diagnostics.FindingCode.LR_ABOVE_STABILITY_BOUND;
import static io.gapwatch.engine.diagnostics.FindingCode.NOISE_FLOOR;
import static io.gapwatch.engine.diagnostics.FindingCode.NOT_CONVERGED;
import static io.gapwatch.engine.diagnostics.FindingCode.NOT_IDENTIFIABLE;
import static io.gapwatch.engine.diagnostics.FindingCode.SLOW_CONVERGENCE;
import static io.gapwatch.engine.diagnostics.FindingCode.START_FAR;
import static io.gapwatch.engine.diagnostics.FindingCode.STRUCTURAL_BREAK;
import static io.gapwatch.engine.diagnostics.FindingCode.TARGET_UNSCALED;

/**
 * Derives the findings from a report's numbers; each rule reads its threshold from {@link FindingCode}.
 *
 * <h2>What makes a verdict true</h2>
 * <ul>
 *   <li>Converged is judged on the loss, not on R²: the learner's in-sample MSE against the
 *       attainable one, the exact fit's. When that is about zero (an interpolating kernel, the
 *       shifted ramp) an R² threshold calls a plateau success; a relative one on the MSE does not.
 *       The attainable MSE is floored at the target's rounding level, 1e-12·mean(y²), below which
 *       both are noise.</li>
 *   <li>The excess MSE ‖R(θ − θ*)‖²/n only ever comes from directions the data determines; the
 *       part of a weight gap along undetermined directions costs nothing. "Not identifiable" is
 *       therefore a statement about weights alone, and a learner can be both harmlessly off along
 *       the null space and far from converged: both are said.</li>
 *   <li>Advice (standardize, scale the target, whiten, change the start, lower the rate) is
 *       addressed to the learners it concerns, and never to one that has converged.</li>
 * </ul>
 */
final class Findings {

    /** Relations itemized per finding before "and N more". */
    static final int MAX_RELATIONS = 3;
    /** Terms of a near relation spelled out before "+ …". */
    static final int MAX_TERMS = 6;

    /**
     * The locale of every number in a finding. For the formats used here its text is Locale.ROOT's
     * (NumberTextProperties checks it), and java.util.Formatter writes it without building a
     * DecimalFormatSymbols per number, which with ROOT was most of a d = 16 report's time.
     */
    static final Locale NUMBERS = Locale.US;

    private Findings() {
    }

    /**
     * One learner's standing, computed once and read by every rule. {@code learner} is null for
     * external weights, whose report has only the in-sample figures and whose settings gapwatch
     * does not know: no rule about rates, steps, starts or settings speaks of them.
     */
    private record Standing(OnlineLearner learner, ExternalWeights weights, LearnerReport report, boolean converged,
                            double attainable) {

        String name() {
            return report.name();
        }

        boolean external() {
            return learner == null;
        }

        LearnerConfig config() {
            return learner.config();
        }

        boolean adaptive() {
            return learner.config().optimizer().adaptive();
        }

        /** Still descending: neither converged nor stopped by a divergence. */
        boolean open() {
            return !converged && !report.diverged();
        }

        /**
         * May be given advice about its settings: a learner that has not converged (a diverged one
         * needs it most), never external weights, whose settings are not known.
         */
        boolean advisable() {
            return !converged && !external();
        }

        /** How a finding names it: "Learner sgd", or "Weights torch" for external ones. */
        String who() {
            return (external() ? "Weights " : "Learner ") + name();
        }
    }

    /**
     * @param learners the model's learners' reports, in order, then those of {@code external}, in order
     * @param external the external weights judged, whose reports end {@code learners}
     */
    static List<Finding> derive(Model model, ExactReport exact, List<LearnerReport> learners, List<ExternalWeights> external) {
        final List<Finding> findings = new ArrayList<>();
        if (model.count() == 0) {
            return findings;
        }
        final int running = learners.size() - external.size();
        final Conditioning c = exact.conditioning();
        final double meanSquare = exact.targetStd() * exact.targetStd() + exact.targetMean() * exact.targetMean();
        final double attainable = Math.max(exact.mse(), FindingCode.ROUNDING_LEVEL * meanSquare);
        final List<Standing> standings = new ArrayList<>();
        for (int i = 0; i < learners.size(); i++) {
            final LearnerReport r = learners.get(i);
            // ‖R(θ − θ*)‖²/n is MSE(θ) − MSE* only when θ* minimizes exactly; on a design numerically
            // rank-deficient at the tolerance, weights using directions below it can fit better than θ*
            // (scikit-learn's LinearRegression on the 600 × 600 kernel): their own loss decides then
            final boolean converged = !r.diverged() && (r.excessMse() <= CONVERGED.threshold() * attainable
                    || r.mse() - exact.mse() <= CONVERGED.threshold() * attainable);
            standings.add(i < running ? new Standing(model.learners().get(i), null, r, converged, attainable)
                    : new Standing(null, external.get(i - running), r, converged, attainable));
        }

        if (model.lostRecords() >= FindingCode.RECORDS_LOST.threshold()) {
            findings.add(Finding.data(FindingCode.RECORDS_LOST, String.format(NUMBERS,
                    "%,d records this model had learned could not be read back from the input topic when it was restored: its "
                            + "retention had removed them before the model's next snapshot. The model went on from what it could "
                            + "rebuild, so it is not the exact fit of every record it saw; keep the input longer than snapshot.lag.ms.",
                    model.lostRecords()), List.of()));
        }
        if (c.rankDeficient()) {
            findings.add(Finding.data(NOT_IDENTIFIABLE, notIdentifiable(c, exact.options().intercept()), List.of()));
        }
        interpolation(model, exact, c, standings, findings);
        conditioning(exact, c, standings, findings);
        scales(exact, c, standings, findings);
        if (exact.driftRelative() > CONCEPT_DRIFT.threshold() && !c.rankDeficient()
                && model.count() >= 10L * c.parameters()) {
            findings.add(Finding.data(CONCEPT_DRIFT, String.format(NUMBERS,
                    "The exact weights moved by %s of their norm over the last %d records: the relationship is drifting.",
                    pct(exact.driftRelative()), model.options().window()), List.of()));
        }
        structuralBreak(model, exact, standings, findings);
        for (Standing s : standings) {
            if (s.external()) {
                externalFindings(s, exact, c, findings);
            } else {
                learnerFindings(s, exact, c, findings);
            }
        }
        return List.copyOf(findings);
    }

    // ---------------------------------------------------------------- the data

    private static String notIdentifiable(Conditioning c, boolean intercept) {
        final int nullity = c.nullSpaceDimension();
        final List<Dependencies.Relation> exactRelations = c.dependencies().stream().filter(Dependencies.Relation::exact).toList();
        final StringBuilder s = new StringBuilder(String.format(NUMBERS, "Rank %d of %d: ", c.rank(), c.parameters()));
        if (exactRelations.size() == nullity && nullity > 0) {
            final List<String> dependent = exactRelations.stream().map(Dependencies.Relation::column).toList();
            final List<String> basis = new ArrayList<>();
            final List<String> names = parameterNames(c, exactRelations);
            for (String name : names) {
                if (!dependent.contains(name)) {
                    basis.add(name);
                }
            }
            if (basis.size() <= 4) {
                s.append("the data determine only the weights of ").append(join(basis))
                        .append("; every other column is a combination of them: ");
            } else {
                s.append(nullity).append(nullity == 1 ? " column depends" : " columns depend").append(" on the others: ");
            }
            s.append(relations(exactRelations, nullity)).append(". ");
            s.append(String.format(NUMBERS, "Any amount along the %s fits the data equally well, so the weights there say nothing. ",
                    nullity == 1 ? "undetermined direction" : nullity + " undetermined directions"));
            s.append("To pin them down: drop ").append(span(dependent)).append(nullity == 1 && exactRelations.get(0).basis().size() == 1
                    ? " (or " + exactRelations.get(0).basis().get(0) + ")" : "");
            if (intercept && c.rankWithoutIntercept() == c.parameters() - 1) {
                s.append(", or drop the intercept (scikit-learn fit_intercept=False, Keras use_bias=False, --no-intercept)");
            }
            s.append(", or collect records where ").append(exactRelations.size() == 1 ? relation(exactRelations.get(0)) + " does not hold"
                    : "these relations do not hold").append('.');
        } else {
            s.append(String.format(NUMBERS, "%d direction%s of the weights %s not determined by the data; ", nullity,
                    nullity == 1 ? "" : "s", nullity == 1 ? "is" : "are"));
            s.append(!c.nullDirections().isEmpty() && c.nullDirections().get(0).features().size() <= MAX_TERMS
                    ? "the least determined is " + direction(c.nullDirections().get(0)) + ". "
                    : "each combines too many columns to name (the JSON lists the least determined). ");
            s.append("Any amount along them fits the data equally well. To pin them down: use ridge (--ridge α, model.ridge), "
                    + "drop columns, or collect more records.");
        }
        return s.toString();
    }

    /*
     * A structural break. The exact fit is the least-squares answer over every record, so after a
     * change it averages two relationships; a learner that forgets follows the newer one and keeps
     * a gap to the exact fit that is no failure of its own. Said when a test rejects on all the
     * records so far (the fixed-n test, of size 5%), naming the record where the monitor first
     * fired and where the path bends.
     */
    private static void structuralBreak(Model model, ExactReport exact, List<Standing> standings, List<Finding> findings) {
        final StructuralBreaks.Summary b = exact.structuralBreaks();
        if (b == null || !b.rejects()) {
            return;
        }
        final long at = b.breakRecord();
        final String span = b.status() == StructuralBreaks.Status.ON_SINCE_RESTORE
                ? String.format(NUMBERS, "over records %,d to %,d (the test restarted when the model was restored)",
                b.burnIn() + 1, model.count())
                : String.format(NUMBERS, "over all %,d records", model.count());
        final StringBuilder s = new StringBuilder(String.format(NUMBERS, "The relationship changed around record %,d: ", at));
        if (b.cusumRejects() && b.cusumSquaresRejects()) {
            s.append(String.format(NUMBERS, "the CUSUM of the exact fit's recursive residuals (Brown, Durbin & Evans; "
                            + "statsmodels' RecursiveLS) first crossed its 5%% bounds at record %,d and their CUSUM of squares at record "
                            + "%,d, and, %s, both still reject a constant relationship; the CUSUM's path bends most at record %,d.",
                    b.cusumFirstReject(), b.cusumSquaresFirstReject(), span, b.cusumBreakRecord()));
        } else if (b.cusumRejects()) {
            s.append(String.format(NUMBERS, "the CUSUM of the exact fit's recursive residuals (Brown, Durbin & Evans; "
                            + "statsmodels' RecursiveLS) first crossed its 5%% bounds at record %,d and, %s, still rejects a constant "
                            + "relationship; its path bends most at record %,d.",
                    b.cusumFirstReject(), span, b.cusumBreakRecord()));
        } else {
            s.append(String.format(NUMBERS, "the CUSUM of squares of the exact fit's recursive residuals (Brown, Durbin & "
                            + "Evans; statsmodels' RecursiveLS) first left its 5%% band at record %,d and, %s, still rejects a "
                            + "constant relationship: the size of the errors changed, most at record %,d, and often the weights with it.",
                    b.cusumSquaresFirstReject(), span, b.cusumSquaresBreakRecord()));
        }
        // external weights have no settings gapwatch knows: whether they forget is not for it to say
        final List<String> tracking = names(standings, t -> !t.external()
                && t.config().schedule() == LearnerConfig.ScheduleKind.CONSTANT
                && !t.config().average() && t.config().optimizer() != LearnerConfig.OptimizerKind.ADAGRAD);
        s.append(" The exact fit averages over the relationship before and after the change and describes neither. ");
        if (tracking.isEmpty()) {
            s.append(String.format(NUMBERS, "A learner that forgets old records (a constant learning rate without averaging) "
                    + "or one restarted after record %,d settles on the current relationship, not on the average, so part of its "
                    + "gap to the exact fit is then the change, not a failure of the learner.", at));
        } else {
            s.append(String.format(NUMBERS, "A learner that forgets old records, as a constant learning rate does (%s), settles "
                    + "on the current relationship, not on the average, so part of its gap to the exact fit is the change, not a "
                    + "failure of the learner.", join(tracking)));
        }
        s.append(String.format(NUMBERS, " To hold the learners against the current relationship, give the exact fit "
                + "forgetting (model.forgetting, or --forgetting λ < 1) or restart the model after record %,d.", at));
        findings.add(Finding.data(STRUCTURAL_BREAK, s.toString(), List.of()));
    }

    private static void interpolation(Model model, ExactReport exact, Conditioning c, List<Standing> standings, List<Finding> findings) {
        final long records = model.count();
        if (records > INTERPOLATION.threshold() * c.parameters()) {
            return;
        }
        final boolean interpolates = c.rank() >= records || exact.r2() >= 1 - 1e-9;
        final StringBuilder s = new StringBuilder(String.format(NUMBERS, "%,d records for %d coefficients%s: ", records,
                c.parameters(), c.rank() < c.parameters() ? " (rank " + c.rank() + ")" : ""));
        if (interpolates) {
            s.append(String.format(NUMBERS, "the exact fit interpolates the data (in-sample R² %s, MSE %s), so in-sample R² says "
                    + "nothing; %s. ", r2(exact.r2()), g(exact.mse()), prequential(exact)));
        } else {
            s.append(String.format(NUMBERS, "the exact fit nearly interpolates (in-sample R² %s; %s). ", r2(exact.r2()),
                    prequential(exact)));
        }
        s.append(String.format(NUMBERS, "With so few records per coefficient fit with ridge (--ridge α, model.ridge: "
                + "scikit-learn's Ridge) or solve it directly (LinearRegression or numpy.linalg.lstsq: %,d × %d is small)",
                records, c.parameters()));
        final List<String> open = names(standings, Standing::advisable);
        if (!open.isEmpty()) {
            s.append(String.format(NUMBERS, "; %s creep%s toward an interpolating solution along directions the data barely determines",
                    join(open), open.size() == 1 ? "s" : ""));
        }
        findings.add(Finding.data(INTERPOLATION, s.append('.').toString(), open));
    }

    private static String prequential(ExactReport exact) {
        return exact.prequentialRecords() == 0
                ? "it never had full rank, so it could predict no record before learning it"
                : String.format(NUMBERS, "its prequential R², on the %,d records it predicted before learning them, is %s",
                exact.prequentialRecords(), r2(exact.prequentialR2()));
    }

    private static void conditioning(ExactReport exact, Conditioning c, List<Standing> standings, List<Finding> findings) {
        final double standardized = exact.conditionNumberStandardized();
        if (standardized > ILL_CONDITIONED.threshold()) {
            final List<String> unwhitened = names(standings, s -> s.advisable() && !s.config().whiten());
            final StringBuilder m = new StringBuilder(String.format(NUMBERS,
                    "Even standardized, the design is ill-conditioned: condition number %s over its determined directions, so the "
                            + "Hessian's is %s and plain gradient steps crawl along its flattest direction.",
                    g(standardized), g(standardized * standardized)));
            if (!unwhitened.isEmpty()) {
                m.append(String.format(NUMBERS, " %s %s not precondition: whiten=true steps with the inverse of the data's "
                        + "second-moment matrix (through the exact fit's factor) and takes that condition number out.",
                        capitalize(learnersNamed(unwhitened)), unwhitened.size() == 1 ? "does" : "do"));
            }
            findings.add(Finding.data(ILL_CONDITIONED, m.toString(), unwhitened));
        }
        final List<Dependencies.Relation> near = c.dependencies().stream().filter(r -> !r.exact()).toList();
        if (!c.weakDirections().isEmpty()) {
            final String text;
            if (!near.isEmpty()) {
                text = "Nearly collinear features: " + relations(near, near.size()) + ".";
            } else if (c.weakDirections().get(0).features().size() <= MAX_TERMS) {
                text = "Nearly collinear features: " + direction(c.weakDirections().get(0)) + ".";
            } else {
                text = String.format(NUMBERS, "Nearly collinear features: at least %d directions are determined only weakly, "
                        + "each combining too many columns to name (the JSON lists them).", c.weakDirections().size());
            }
            findings.add(Finding.data(COLLINEAR_FEATURES, text, List.of()));
        }
    }

    private static void scales(ExactReport exact, Conditioning c, List<Standing> standings, List<Finding> findings) {
        final double raw = c.rank() == 0 ? Double.NaN : c.hessianMax() / c.hessianMinIdentifiable();
        final double standardized = exact.conditionNumberStandardized() * exact.conditionNumberStandardized();
        final List<String> rawFeatures = names(standings, s -> s.advisable() && !s.config().standardize() && !s.config().whiten());
        final double gain = raw / standardized;
        if (!rawFeatures.isEmpty() && exact.options().intercept() && gain > FEATURES_UNSCALED.threshold()) {
            findings.add(Finding.data(FEATURES_UNSCALED, String.format(NUMBERS,
                    "Standardizing the features would make plain gradient steps about %s× faster: the Hessian of the raw design has "
                            + "condition number %s over its determined directions, the standardized design's %s (its columns sit far "
                            + "from zero or on different scales). %s train%s on raw features: set standardize=true, or standardize "
                            + "them before training (scikit-learn's StandardScaler).",
                    g(gain), g(raw), g(standardized), capitalize(learnersNamed(rawFeatures)), rawFeatures.size() == 1 ? "s" : ""),
                    rawFeatures));
        }
        final double sd = exact.targetStd();
        final List<String> rawTarget = names(standings, s -> s.advisable() && !s.config().scaleTarget());
        if (!rawTarget.isEmpty() && sd > 0 && (sd > TARGET_UNSCALED.threshold() || sd < 1 / TARGET_UNSCALED.threshold())) {
            findings.add(Finding.data(TARGET_UNSCALED, String.format(NUMBERS,
                    "The target's standard deviation is %s: the squared loss's gradients are that %s in proportion, so steps %s. "
                            + "%s train%s on the raw target: set scale-target=true, or standardize y before training.",
                    g(sd), sd < 1 ? "small" : "large", sd < 1 ? "crawl" : "overshoot", capitalize(learnersNamed(rawTarget)),
                    rawTarget.size() == 1 ? "s" : ""), rawTarget));
        }
    }

    // ---------------------------------------------------------------- each learner

    private static void learnerFindings(Standing s, ExactReport exact, Conditioning c, List<Finding> findings) {
        final LearnerReport r = s.report();
        final LearnerConfig config = s.config();
        final String name = s.name();
        final boolean adaptive = s.adaptive();
        final String lossNote = config.loss() == LearnerConfig.LossKind.MSE
                ? "; its loss is (ŷ − y)², whose bound is half that of ½(ŷ − y)²" : "";
        if (r.divergences() > 0) {
            findings.add(Finding.about(DIVERGED, name, String.format(NUMBERS,
                    "Learner %s diverged at record %d (its weights blew up)%s%s.", name, s.learner().divergedAtRecord(),
                    !adaptive && r.lr() > r.lrStabilityBound()
                            ? String.format(NUMBERS, "; η = %s is %s× the stability bound %s%s", g(r.lr()),
                            g(r.lr() / r.lrStabilityBound()), g(r.lrStabilityBound()), lossNote)
                            : "",
                    r.diverged() ? "; it has stopped" : String.format(NUMBERS, "; it restarted %d time%s", r.divergences(),
                            r.divergences() == 1 ? "" : "s"))));
        }
        if (!s.converged() && !adaptive && r.lr() > LR_ABOVE_STABILITY_BOUND.threshold() * r.lrStabilityBound()) {
            findings.add(Finding.about(LR_ABOVE_STABILITY_BOUND, name, String.format(NUMBERS,
                    "Learner %s's learning rate %s is %s× the stability bound %s (2/λ_max of the Hessian of its loss on its inputs%s%s): "
                            + "its steps overshoot along the steepest direction; set lr below %s.",
                    name, g(r.lr()), g(r.lr() / r.lrStabilityBound()), g(r.lrStabilityBound()),
                    config.optimizer() == LearnerConfig.OptimizerKind.SGD ? "" : ", adjusted for momentum", lossNote,
                    g(r.lrStabilityBound()))));
        } else if (!s.converged() && !adaptive && config.batch() == 1
                && r.lr() > LR_ABOVE_RECORD_BOUND.threshold() * r.lrRecordBound()) {
            findings.add(Finding.about(LR_ABOVE_RECORD_BOUND, name, String.format(NUMBERS,
                    "Learner %s's learning rate %s is above 2/(s·max‖x‖²) = %s: a step on the largest records overshoots, so it "
                            + "jitters around the minimum.", name, g(r.lr()), g(r.lrRecordBound()))));
        }
        if (c.rankDeficient() && !r.diverged() && r.weightGap() > 0
                && r.weightGapNull() * r.weightGapNull() > NOT_IDENTIFIABLE.threshold() * r.weightGap() * r.weightGap()) {
            findings.add(Finding.about(NOT_IDENTIFIABLE, name, String.format(NUMBERS,
                    "Learner %s's weights differ from the exact fit's by %s, %s of it (in squares) along directions no data "
                            + "determines: any amount there fits equally well, so that part is no failure of the optimizer (the "
                            + "exact fit reports the minimum-norm weights, as scikit-learn does).",
                    name, g(r.weightGap()), pct(r.weightGapNull() * r.weightGapNull() / (r.weightGap() * r.weightGap())))));
        }
        if (s.open()) {
            startFar(s, exact, findings);
            if (!adaptive && r.stepsToConverge() > SLOW_CONVERGENCE.threshold() * Math.max(1, r.steps())) {
                findings.add(Finding.about(SLOW_CONVERGENCE, name, String.format(NUMBERS,
                        "Learner %s needs about %s steps at η = %s to shrink its slowest identified error component 1000-fold "
                                + "(the smallest identified curvature of its loss is %s); it has taken %,d.",
                        name, g(r.stepsToConverge()), g(r.lr()), g(r.hessianMinIdentifiable()), r.steps())));
            }
            if (config.schedule() == LearnerConfig.ScheduleKind.CONSTANT && !config.average() && r.noiseFloorMse() > 0
                    && r.excessMse() <= NOISE_FLOOR.threshold() * r.noiseFloorMse()) {
                findings.add(Finding.about(NOISE_FLOOR, name, String.format(NUMBERS,
                        "Learner %s hovers at the noise floor of its constant step: excess MSE %s against η·s·MSE*·tr(H)/2 = %s; "
                                + "decay the rate (schedule=invscaling) or average the iterates (average=true) to settle.",
                        name, g(r.excessMse()), g(r.noiseFloorMse()))));
            }
            findings.add(Finding.about(NOT_CONVERGED, name, notConverged(s, exact, c)));
        }
        if (s.converged()) {
            findings.add(Finding.about(CONVERGED, name, exact.mse() >= s.attainable()
                    ? String.format(NUMBERS, "Learner %s has converged: its in-sample MSE %s is within %s of the exact fit's (%s).",
                    name, g(r.mse()), pct(CONVERGED.threshold()), g(exact.mse()))
                    : String.format(NUMBERS, "Learner %s has converged: its in-sample MSE %s is at the rounding level of the "
                    + "target, like the exact fit's (%s).", name, g(r.mse()), g(exact.mse()))));
        }
    }

    /*
     * External weights: a vector, not an optimizer. What can be said of it is what its in-sample
     * figures say — at the exact fit or not, and how much of its distance from θ* lies where no data
     * can decide — and nothing about rates, steps, starts or settings, which gapwatch never saw.
     */
    private static void externalFindings(Standing s, ExactReport exact, Conditioning c, List<Finding> findings) {
        final LearnerReport r = s.report();
        final String who = s.who();
        final boolean noIntercept = s.weights().interceptAssumedZero(exact.options().intercept());
        final String interceptNote = noIntercept ? String.format(NUMBERS, " They came without an intercept and were judged "
                + "with b = 0, as a model without one predicts (the exact fit's is %s).", g(exact.intercept())) : "";
        if (c.rankDeficient() && r.weightGap() > 0
                && r.weightGapNull() * r.weightGapNull() > NOT_IDENTIFIABLE.threshold() * r.weightGap() * r.weightGap()) {
            findings.add(Finding.about(NOT_IDENTIFIABLE, s.name(), String.format(NUMBERS,
                    "%s differ from the exact fit's by %s, %s of it (in squares) along directions no data determines: any amount "
                            + "there fits these records equally well, so that part makes them no worse than the exact fit "
                            + "(which reports the minimum-norm weights, as scikit-learn does).",
                    who, g(r.weightGap()), pct(r.weightGapNull() * r.weightGapNull() / (r.weightGap() * r.weightGap())))));
        }
        if (s.converged()) {
            findings.add(Finding.about(CONVERGED, s.name(), (exact.mse() >= s.attainable()
                    ? String.format(NUMBERS, "%s are at the exact fit: their in-sample MSE %s is within %s of the exact fit's (%s).",
                    who, g(r.mse()), pct(CONVERGED.threshold()), g(exact.mse()))
                    : String.format(NUMBERS, "%s fit the records as well as the exact fit: their in-sample MSE %s is at the "
                    + "rounding level of the target, like the exact fit's (%s).", who, g(r.mse()), g(exact.mse()))) + interceptNote));
            return;
        }
        final StringBuilder m = new StringBuilder(String.format(NUMBERS,
                "%s are not at the exact fit: their in-sample MSE is %s (R² %s) against the exact fit's %s (R² %s), an excess of %s "
                        + "per record",
                who, g(r.mse()), r2(r.r2()), g(exact.mse()), r2(exact.r2()), g(r.excessMse())));
        if (c.rankDeficient() && r.weightGapNull() > 0) {
            m.append(String.format(NUMBERS, "; all of it comes from the part of their weights the data determines (gap %s "
                    + "there), none from the undetermined part (%s)", g(r.weightGapIdentifiable()), g(r.weightGapNull())));
        }
        findings.add(Finding.about(NOT_CONVERGED, s.name(), m.append('.').append(interceptNote).toString()));
    }

    private static String notConverged(Standing s, ExactReport exact, Conditioning c) {
        final LearnerReport r = s.report();
        final StringBuilder m = new StringBuilder(String.format(NUMBERS,
                "Learner %s has not converged: its in-sample MSE is %s (R² %s) against the exact fit's %s (R² %s)",
                s.name(), g(r.mse()), r2(r.r2()), g(exact.mse()), r2(exact.r2())));
        if (c.rankDeficient() && r.weightGapNull() > r.weightGapIdentifiable()) {
            m.append(String.format(NUMBERS, "; all of the excess comes from the part of its weights the data determines "
                    + "(gap %s there), none from the undetermined part (%s)", g(r.weightGapIdentifiable()), g(r.weightGapNull())));
        }
        if (!s.adaptive() && Double.isFinite(r.stepsToConverge())) {
            m.append(String.format(NUMBERS, "; at η = %s its slowest identified component needs about %s steps to shrink "
                    + "1000-fold, and it has taken %,d", g(r.lr()), g(r.stepsToConverge()), r.steps()));
        }
        return m.append('.').toString();
    }

    /*
     * The start. A zero start lies ‖θ*‖ from the answer. A random one can lie far further, and what
     * matters is where: gradient steps shed the error along well-determined directions quickly and
     * along weakly determined ones at η·λ per step, so a learner whose weights are still about as
     * far from θ* as they started has kept exactly the start's error the data barely pulls on —
     * while its excess MSE may already have fallen a hundred-thousand-fold.
     */
    private static void startFar(Standing s, ExactReport exact, List<Finding> findings) {
        final LearnerReport r = s.report();
        final double zeroGap = r.weightGapRelative() > 0 ? r.weightGap() / r.weightGapRelative() : Double.NaN; // ‖θ*‖
        final boolean aboveBound = !s.adaptive() && r.lr() > r.lrStabilityBound();
        if (aboveBound || !(r.startWeightGap() > START_FAR.threshold() * zeroGap) || !(r.weightGap() > 0.5 * r.startWeightGap())) {
            return; // a start it has left behind, or a rate that throws it further out, is not the start's doing
        }
        final StringBuilder m = new StringBuilder(String.format(NUMBERS,
                "Learner %s started far from the answer: ‖θ₀ − θ*‖ = %s, %s× the %s a zero start lies from it; after %,d steps its "
                        + "weights are still %s away. It has shed the start's error along the directions the data determines well "
                        + "(its excess MSE fell from %s to %s), not along the weakly determined ones",
                s.name(), g(r.startWeightGap()), g(r.startWeightGap() / zeroGap), g(zeroGap), r.steps(), g(r.weightGap()),
                g(r.startExcessMse()), g(r.excessMse())));
        if (!s.adaptive() && r.hessianMinIdentifiable() > 0) {
            m.append(String.format(NUMBERS, ", where η = %s and a curvature down to %s remove a fraction %s of it per step",
                    g(r.lr()), g(r.hessianMinIdentifiable()), g(r.lr() * r.hessianMinIdentifiable())));
        }
        m.append(". Start from zeros (init=zeros), or scale the random start down.");
        findings.add(Finding.about(START_FAR, s.name(), m.toString()));
    }

    // ---------------------------------------------------------------- text

    /** Relations written out, runs of "sNN = s00 + c" grouped: "s01 … s99 = s00 + 1 … 99". */
    static String relations(List<Dependencies.Relation> list, int total) {
        final List<String> parts = new ArrayList<>();
        int i = 0;
        int shown = 0;
        while (i < list.size() && parts.size() < MAX_RELATIONS) {
            int j = i + 1;
            while (j < list.size() && sameRightHandSide(list.get(i), list.get(j))) {
                j++;
            }
            if (j - i >= 3) {
                final Dependencies.Relation first = list.get(i);
                final Dependencies.Relation last = list.get(j - 1);
                parts.add(first.column() + " … " + last.column() + (first.exact() ? " = " : " ≈ ")
                        + rightHandSide(first, false) + signed(first.constant()) + " … " + number(last.constant()));
            } else {
                for (int k = i; k < j && parts.size() < MAX_RELATIONS; k++) {
                    final Dependencies.Relation r = list.get(k);
                    final List<String> notes = new ArrayList<>();
                    if (r.basis().size() > MAX_TERMS) {
                        notes.add(r.basis().size() + " terms");
                    }
                    if (!r.exact()) {
                        notes.add("residual " + String.format(NUMBERS, "%.2g%%", 100 * r.residual()));
                    }
                    parts.add(relation(r) + (notes.isEmpty() ? "" : " (" + String.join(", ", notes) + ")"));
                    shown++;
                }
                i = j;
                continue;
            }
            shown += j - i;
            i = j;
        }
        String text = String.join("; ", parts);
        if (total > shown) {
            text += String.format(NUMBERS, "; and %d more", total - shown);
        }
        return text;
    }

    /** "x2 = x1 + 1", "f013 ≈ −1.83·f001 + 2.38·f002 + …". */
    static String relation(Dependencies.Relation r) {
        return r.column() + (r.exact() ? " = " : " ≈ ") + rightHandSide(r, true);
    }

    private static String rightHandSide(Dependencies.Relation r, boolean withConstant) {
        final int m = r.basis().size();
        final Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        if (m > MAX_TERMS) {
            java.util.Arrays.sort(order, (a, b) -> Double.compare(Math.abs(r.coefficients()[b]), Math.abs(r.coefficients()[a])));
            java.util.Arrays.sort(order, 0, MAX_TERMS);
        }
        final StringBuilder s = new StringBuilder();
        for (int t = 0; t < Math.min(m, MAX_TERMS); t++) {
            final double a = r.coefficients()[order[t]];
            s.append(t == 0 ? (a < 0 ? "−" : "") : (a < 0 ? " − " : " + "));
            final String magnitude = number(Math.abs(a));
            if (!magnitude.equals("1")) {
                s.append(magnitude).append('·');
            }
            s.append(r.basis().get(order[t]));
        }
        if (m > MAX_TERMS) {
            s.append(" + …");
        }
        if (m == 0) {
            s.append(number(r.constant()));
        } else if (withConstant && r.constant() != 0.0) {
            s.append(signed(r.constant()));
        }
        return s.toString();
    }

    private static boolean sameRightHandSide(Dependencies.Relation a, Dependencies.Relation b) {
        if (!a.basis().equals(b.basis()) || a.exact() != b.exact() || a.basis().isEmpty()) {
            return false;
        }
        for (int k = 0; k < a.coefficients().length; k++) {
            if (!number(a.coefficients()[k]).equals(number(b.coefficients()[k]))) {
                return false;
            }
        }
        return true;
    }

    /** 1, 2.5, −0.523: integers as integers (to 1e-9), others to three significant digits. */
    static String number(double v) {
        final double rounded = Math.rint(v);
        if (Math.abs(v - rounded) <= 1e-9 * Math.max(1.0, Math.abs(v))) {
            return Long.toString((long) rounded).replace('-', '−');
        }
        final String text = g(v);
        return text.startsWith("-") ? "−" + text.substring(1) : text;
    }

    private static String signed(double v) {
        return v < 0 ? " − " + number(-v) : " + " + number(v);
    }

    /** "(intercept) + x1 − x2 ≈ 0" for a direction without a written relation. */
    static String direction(Conditioning.NullDirection d) {
        final StringBuilder s = new StringBuilder();
        final int m = Math.min(d.features().size(), MAX_TERMS);
        for (int t = 0; t < m; t++) {
            final double l = d.loadings()[t];
            s.append(t == 0 ? (l < 0 ? "−" : "") : (l < 0 ? " − " : " + "));
            final String magnitude = number(Math.abs(l));
            if (!magnitude.equals("1")) {
                s.append(magnitude).append('·');
            }
            s.append(d.features().get(t));
        }
        if (d.features().size() > MAX_TERMS) {
            s.append(String.format(NUMBERS, " + … (%d features in all)", d.features().size()));
        }
        return s.append(" ≈ 0").toString();
    }

    private static List<String> parameterNames(Conditioning c, List<Dependencies.Relation> relations) {
        final List<String> names = new ArrayList<>();
        final java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        for (Dependencies.Relation r : relations) {
            seen.addAll(r.basis());
            seen.add(r.column());
        }
        if (c.rankWithoutIntercept() != c.rank() || relations.stream().anyMatch(r -> r.constant() != 0.0)) {
            names.add(io.gapwatch.engine.exact.ConditioningAnalysis.INTERCEPT_NAME);
        }
        names.addAll(seen);
        return names;
    }

    /** "s01 … s99" for a long run of names, else all of them. */
    private static String span(List<String> names) {
        return names.size() > 4 ? names.get(0) + " … " + names.get(names.size() - 1) : join(names);
    }

    private static String join(List<String> names) {
        if (names.size() <= 1) {
            return String.join("", names);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    private static String learnersNamed(List<String> names) {
        return (names.size() == 1 ? "learner " : "learners ") + join(names);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static List<String> names(List<Standing> standings, java.util.function.Predicate<Standing> which) {
        return standings.stream().filter(which).map(Standing::name).toList();
    }

    static String g(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        return String.format(NUMBERS, "%.3g", v);
    }

    /** R² to six significant digits, or in scientific notation when far below zero. */
    static String r2(double v) {
        return Math.abs(v) < 1e5 ? new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString()
                : g(v);
    }

    static String pct(double fraction) {
        return String.format(NUMBERS, "%.1f%%", 100 * fraction);
    }
}
