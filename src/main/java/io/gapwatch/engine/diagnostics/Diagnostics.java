package io.gapwatch.engine.diagnostics;

import io.gapwatch.engine.Model;
import io.gapwatch.engine.Prequential;
import io.gapwatch.engine.exact.Conditioning;
import io.gapwatch.engine.exact.ConditioningAnalysis;
import io.gapwatch.engine.exact.SpectrumCheckpoint;
import io.gapwatch.engine.exact.StreamingLeastSquares;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.engine.sgd.OnlineLearner;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link ModelReport}: a pure function of the model's state, so the same records give the
 * same report however often it is asked for. Cost: the conditioning SVDs (O(p³)), once, plus O(p²)
 * per learner; a whitening learner's bounds need nothing more, a standardizing one's one more SVD
 * (the correlation matrix's), shared by all of them.
 */
public final class Diagnostics {

    /** Error components are counted converged after shrinking this much: ln(1000) ≈ 6.9 e-folds. */
    static final double CONVERGENCE_FACTOR = 1000.0;

    private Diagnostics() {
    }

    public static ModelReport report(Model model) {
        return report(model, List.of());
    }

    /**
     * The model's report with weight vectors it did not train judged beside its learners, after
     * them, each with optimizer {@value LearnerReport#EXTERNAL} (see {@link #judge}).
     *
     * @param external each checked with {@link ExternalWeights#checkFits}; names distinct from each other and from the learners'
     * @throws IllegalArgumentException if some weights do not fit the model, or a name is taken
     */
    public static ModelReport report(Model model, List<ExternalWeights> external) {
        final java.util.Set<String> names = new java.util.HashSet<>();
        model.learners().forEach(l -> names.add(l.name()));
        for (ExternalWeights w : external) {
            w.checkFits(model);
            if (!names.add(w.name())) {
                throw new IllegalArgumentException("the name '" + w.name() + "' is taken by a learner or other weights: give each its own");
            }
        }
        final Exact e = exact(model);
        final List<LearnerReport> learners = new ArrayList<>();
        for (int i = 0; i < model.learners().size(); i++) {
            learners.add(learner(model, i, e));
        }
        for (ExternalWeights w : external) {
            learners.add(external(w, e));
        }
        final List<LearnerReport> learnerReports = List.copyOf(learners);
        final List<Finding> findings = Findings.derive(model, e.report, learnerReports, external);
        final double[][] recent = new double[1 + model.learners().size()][];
        for (int k = 0; k < recent.length; k++) {
            recent[k] = model.recent().predictions(k);
        }
        return new ModelReport(model.count(), model.passes(), model.featureNames(), e.report, learnerReports, findings,
                model.recent().targets(), recent);
    }

    /**
     * One weight vector held against the model's exact fit as it stands: in-sample MSE and R², the
     * R² gap, the excess MSE and the weight gap with its split along the null directions — the
     * figures a learner's report carries, from the factor with no data pass (O(p²) each, plus the
     * conditioning's SVD, O(p³), which finds the null directions). Fields only a running learner
     * has are NaN. The model is not changed.
     *
     * @param weights checked with {@link ExternalWeights#checkFits}
     * @return the report and the findings about these weights (none about the data: the model's own report has those)
     * @throws IllegalArgumentException if the weights do not fit the model
     */
    public static Judgement judge(Model model, ExternalWeights weights) {
        weights.checkFits(model);
        final Exact e = exact(model);
        final LearnerReport report = external(weights, e);
        final List<Finding> about = new ArrayList<>();
        for (Finding f : Findings.derive(model, e.report, List.of(report), List.of(weights))) {
            if (weights.name().equals(f.learner())) {
                about.add(f);
            }
        }
        return new Judgement(model.count(), report, List.copyOf(about));
    }

    /**
     * @param records distinct records the exact fit had learned when the weights were judged
     * @param report  the weights against the exact fit, optimizer {@value LearnerReport#EXTERNAL}
     * @param findings the verdicts about these weights
     */
    public record Judgement(long records, LearnerReport report, List<Finding> findings) {
    }

    /** The exact fit's report and what every learner's gap is measured from, computed once per report. */
    private record Exact(StreamingLeastSquares fit, ExactReport report, Conditioning conditioning, double[] correlation,
                         double[] best) {
    }

    private static Exact exact(Model model) {
        final StreamingLeastSquares exact = model.exact();
        // the spectrum: the model's checkpoint while the design has not moved away from it (an O(p²)
        // check), else a fresh O(p³) analysis; either way a function of the model's state alone
        final SpectrumCheckpoint checkpoint = model.spectrumCheckpoint();
        final boolean reuse = checkpoint != null && checkpoint.holdsFor(exact);
        final Conditioning conditioning = reuse ? checkpoint.conditioning() : ConditioningAnalysis.of(exact, model.featureNames());
        final double[] best = exact.coefficients();
        final int p = exact.parameters();
        final int d = exact.features();
        final boolean slot = exact.options().intercept();
        final double nEff = exact.effectiveCount();
        final double tss = exact.totalSumOfSquares();

        final double[] weights = new double[d];
        for (int j = 0; j < d; j++) {
            weights[j] = exact.weight(j);
        }
        // the Hessian a standardizing learner sees: whether standardizing is the fix, and what is left after it
        final double[] correlation = !slot ? null
                : reuse ? checkpoint.correlationEigenvalues() : ConditioningAnalysis.correlationEigenvalues(exact);
        final Prequential exactScore = model.exactScore();
        final ExactReport exactReport = ExactReport.builder()
                .options(exact.options()).intercept(exact.intercept()).weights(weights).coefficients(best)
                .r2(exact.r2()).mse(exact.mse()).sse(exact.sse()).nEff(nEff).solveMethod(exact.solveMethod())
                .conditioning(conditioning)
                .prequentialR2(exactScore.r2()).prequentialMse(exactScore.mse()).prequentialRecords(exactScore.count())
                .driftAbsolute(model.exactDriftAbsolute()).driftRelative(model.exactDriftRelative())
                .targetMean(exact.targetMean()).targetStd(nEff > 0 ? Math.sqrt(tss / nEff) : Double.NaN)
                .conditionNumberStandardized(standardizedConditionNumber(conditioning, correlation))
                .zeroExcessMse(nEff > 0 ? exact.excessSse(new double[p]) / nEff : Double.NaN)
                .structuralBreaks(model.structuralBreaks().summary())
                .spectrumRecords(reuse ? checkpoint.records() : exact.count())
                .build();
        return new Exact(exact, exactReport, conditioning, correlation, best);
    }

    /**
     * Where any coefficient vector θ stands against the exact fit θ*, in sample, exactly, from the
     * factor: the one computation behind a learner's and external weights' figures.
     * <pre>
     *   SSE(θ) = ‖Rθ − z‖² + RSS*        excess = ‖R(θ − θ*)‖²        R² gap = excess / TSS
     *   θ − θ* = (its part in the identifiable subspace) + N Nᵀ(θ − θ*)   (N: the null directions)
     *   ∇ = Rᵀ(Rθ − z) / n_eff
     * </pre>
     */
    private record Gap(double r2, double r2Gap, double mse, double excessMse, double weightGap, double weightGapRelative,
                       double weightGapIdentifiable, double weightGapNull, double inSampleGradientNorm, double[] gapAlongNull) {

        static Gap of(Exact e, double[] theta) {
            final StreamingLeastSquares exact = e.fit;
            final int p = theta.length;
            final double nEff = exact.effectiveCount();
            final double tss = exact.totalSumOfSquares();
            final double sse = exact.sse(theta);
            final double excessSse = exact.excessSse(theta);
            final double[] difference = new double[p];
            for (int k = 0; k < p; k++) {
                difference[k] = theta[k] - e.best[k];
            }
            final double gap = norm(difference);
            final double[] nullPart = projectOnto(difference, e.conditioning.nullBasis());
            final double alongNull = norm(nullPart);
            // the identifiable part as a vector, not √(gap² − null²): when the whole gap lies along the
            // null directions (the Keras question's Adam weights) the difference of squares leaves √ε·gap
            final double[] identifiablePart = new double[p];
            for (int k = 0; k < p; k++) {
                identifiablePart[k] = difference[k] - nullPart[k];
            }
            final double[] gradient = new double[p];
            exact.inSampleGradient(theta, gradient);
            return new Gap(exact.r2FromSse(sse), tss > 0 ? excessSse / tss : Double.NaN,
                    nEff > 0 ? sse / nEff : Double.NaN, nEff > 0 ? excessSse / nEff : Double.NaN,
                    gap, gap / norm(e.best),
                    norm(identifiablePart), alongNull,
                    norm(gradient), nullPart);
        }
    }

    private static LearnerReport learner(Model model, int i, Exact e) {
        final StreamingLeastSquares exact = e.fit;
        final OnlineLearner learner = model.learners().get(i);
        final int p = exact.parameters();
        final int d = exact.features();
        final boolean slot = exact.options().intercept();
        final double nEff = exact.effectiveCount();
        final double[] start = new double[p];
        learner.startCoefficients(start, slot);
        final double startExcess = nEff > 0 ? exact.excessSse(start) / nEff : Double.NaN;
        for (int k = 0; k < p; k++) {
            start[k] -= e.best[k];
        }
        final double startGap = norm(start);
        final double[] theta = new double[p];
        learner.coefficients(theta, slot);
        final Gap gap = Gap.of(e, theta);
        final double[] learnerWeights = new double[d];
        for (int j = 0; j < d; j++) {
            learnerWeights[j] = learner.weight(j);
        }
        final Curvature curvature = Curvature.of(learner.config(), e.conditioning, e.correlation);
        final double lr = learner.nextRate();
        final Prequential score = model.learnerScore(i);
        return LearnerReport.builder()
                .name(learner.name()).settings(learner.settingsText())
                .optimizer(learner.config().optimizer().name().toLowerCase(java.util.Locale.ROOT))
                .intercept(learner.intercept()).weights(learnerWeights)
                .r2(gap.r2).r2Gap(gap.r2Gap).mse(gap.mse).excessMse(gap.excessMse)
                .weightGap(gap.weightGap).weightGapRelative(gap.weightGapRelative)
                .weightGapIdentifiable(gap.weightGapIdentifiable).weightGapNull(gap.weightGapNull)
                .prequentialR2(score.r2()).prequentialMse(score.mse())
                .gradientNorm(learner.meanGradientNorm()).lastGradientNorm(learner.lastGradientNorm())
                .inSampleGradientNorm(gap.inSampleGradientNorm)
                .weightNorm(learner.workingNorm()).updateRatio(learner.meanUpdateRatio()).rateRatio(learner.meanRateRatio())
                .loss(learner.meanLoss())
                .lr(lr).lrStabilityBound(curvature.stabilityBound(learner.config()))
                .lrRecordBound(learner.maxRowNormSquared() > 0
                        ? 2.0 / (learner.config().loss().scale() * learner.maxRowNormSquared()) : Double.NaN)
                .hessianMax(curvature.max()).hessianMinIdentifiable(curvature.minIdentifiable())
                .stepsToConverge(curvature.stepsToConverge(learner.config(), lr))
                .noiseFloorMse(noiseFloor(learner.config(), lr * learner.config().loss().scale(), exact.mse(),
                        trace(learner.config(), exact)))
                .steps(learner.steps()).diverged(learner.diverged()).divergences(learner.divergences())
                .driftAbsolute(model.learnerDriftAbsolute(i)).driftRelative(model.learnerDriftRelative(i))
                .startWeightGap(startGap).startExcessMse(startExcess).gapAlongNull(gap.gapAlongNull)
                .build();
    }

    // What a running learner alone has — scores of its own predictions, optimizer health, rates and
    // their bounds, steps, drift, its start — is NaN (0 and false for the counts): the encodings
    // print none of it for an external report (LearnerReport#external).
    private static LearnerReport external(ExternalWeights w, Exact e) {
        final boolean slot = e.fit.options().intercept();
        final double[] theta = w.coefficients(slot);
        final Gap gap = Gap.of(e, theta);
        // only the in-sample figures: everything else stays unset (NaN, 0, false)
        return LearnerReport.builder()
                .name(w.name()).settings(w.interceptAssumedZero(slot) ? "intercept=false" : "").optimizer(LearnerReport.EXTERNAL)
                .intercept(slot ? theta[0] : 0.0).weights(w.weights())
                .r2(gap.r2).r2Gap(gap.r2Gap).mse(gap.mse).excessMse(gap.excessMse)
                .weightGap(gap.weightGap).weightGapRelative(gap.weightGapRelative)
                .weightGapIdentifiable(gap.weightGapIdentifiable).weightGapNull(gap.weightGapNull)
                .inSampleGradientNorm(gap.inSampleGradientNorm).gapAlongNull(gap.gapAlongNull)
                .build();
    }

    /**
     * √(λ_max/λ_min) over the determined directions of the standardized design's second moment,
     * [[1, 0], [0, C]] with C the correlation matrix; without an intercept, of the column-scaled
     * design (σ₁/σ_rank). NaN before any record.
     */
    static double standardizedConditionNumber(Conditioning c, double[] correlation) {
        if (c.rank() == 0) {
            return Double.NaN;
        }
        if (correlation == null || correlation.length == 0) {
            return c.scaledSingularValues()[0] / c.scaledSingularValues()[c.rank() - 1];
        }
        final Curvature standardized = Curvature.ofCorrelation(correlation);
        return Math.sqrt(standardized.max() / standardized.minIdentifiable());
    }

    /**
     * The extreme eigenvalues of the Hessian of the learner's own mean loss in its working
     * coordinates: s times those of the second-moment matrix — the raw design's, the correlation
     * matrix's (with an intercept's 1) once features are standardized, or all 1 once whitened —
     * with s = 1 for ½(ŷ − y)² and 2 for (ŷ − y)². Every bound below follows from these.
     */
    record Curvature(double max, double minIdentifiable) {

        static Curvature of(LearnerConfig c, Conditioning conditioning, double[] correlation) {
            final Curvature moment = ofSecondMoment(c, conditioning, correlation);
            final double s = c.loss().scale();
            return new Curvature(s * moment.max, s * moment.minIdentifiable);
        }

        private static Curvature ofSecondMoment(LearnerConfig c, Conditioning conditioning, double[] correlation) {
            if (c.whiten()) {
                return new Curvature(1.0, 1.0);
            }
            if (c.standardize() && correlation != null && correlation.length > 0) {
                return ofCorrelation(correlation);
            }
            return new Curvature(conditioning.hessianMax(), conditioning.hessianMinIdentifiable());
        }

        // [[1, 0], [0, C]]: the intercept's 1 and the correlation eigenvalues above their roundoff
        static Curvature ofCorrelation(double[] correlation) {
            double min = 1.0; // the intercept's direction
            final double tolerance = Math.ulp(1.0) * correlation.length * Math.max(1.0, correlation[0]) * 1e3;
            for (double lambda : correlation) {
                if (lambda > tolerance) {
                    min = Math.min(min, lambda);
                }
            }
            return new Curvature(Math.max(1.0, correlation[0]), min);
        }

        // heavy ball is stable for ηλ < 2(1+μ); Nesterov's form for ηλ < 2(1+μ)/(1+2μ)
        double stabilityBound(LearnerConfig c) {
            final double plain = 2.0 / max;
            return switch (c.optimizer()) {
                case MOMENTUM -> plain * (1 + c.momentum());
                case NESTEROV -> plain * (1 + c.momentum()) / (1 + 2 * c.momentum());
                default -> plain;
            };
        }

        // steps per e-fold along the slowest identifiable direction: 1/(η λ_min), with momentum η/(1−μ)
        double stepsToConverge(LearnerConfig c, double lr) {
            if (c.optimizer().adaptive() || !(minIdentifiable > 0)) {
                return Double.NaN;
            }
            final double effective = c.optimizer() == LearnerConfig.OptimizerKind.SGD ? lr : lr / (1 - c.momentum());
            return Math.log(CONVERGENCE_FACTOR) / (effective * minIdentifiable);
        }
    }

    // LMS misadjustment: at equilibrium, steps of size η on ½(ŷ − y)² leave an excess MSE ≈ η·MSE*·tr(H)/2;
    // on (ŷ − y)² the step is 2η on the half loss, so the caller passes s·η
    static double noiseFloor(LearnerConfig c, double lr, double mseStar, double trace) {
        if (c.optimizer().adaptive() || c.batch() != 1) {
            return Double.NaN;
        }
        final double effective = c.optimizer() == LearnerConfig.OptimizerKind.SGD ? lr : lr / (1 - c.momentum());
        return effective * mseStar * trace / 2;
    }

    // tr(H) in the learner's working coordinates: the mean ‖x̃‖² (with the intercept's 1)
    static double trace(LearnerConfig c, StreamingLeastSquares exact) {
        final int p = exact.parameters();
        if (c.whiten()) {
            return p;
        }
        if (c.standardize()) {
            return exact.features() + (c.intercept() ? 1 : 0);
        }
        return exact.meanSquaredRowNorm();
    }

    static double norm(double[] v) {
        double s = 0.0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** N Nᵀ v for an orthonormal basis N given as rows: v's part in their span. */
    static double[] projectOnto(double[] v, double[][] basis) {
        final double[] out = new double[v.length];
        for (double[] n : basis) {
            double along = 0.0;
            for (int k = 0; k < v.length; k++) {
                along += n[k] * v[k];
            }
            for (int k = 0; k < v.length; k++) {
                out[k] += along * n[k];
            }
        }
        return out;
    }
}
