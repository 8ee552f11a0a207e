package io.gapwatch.engine.diagnostics;

import io.gapwatch.engine.Model;
import io.gapwatch.engine.Prequential;
import io.gapwatch.engine.exact.Conditioning;
import io.gapwatch.engine.exact.ConditioningAnalysis;
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
        final StreamingLeastSquares exact = model.exact();
        final Conditioning conditioning = ConditioningAnalysis.of(exact, model.featureNames());
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
        final double[] correlation = slot ? ConditioningAnalysis.correlationEigenvalues(exact) : null;
        final Prequential exactScore = model.exactScore();
        final ExactReport exactReport = new ExactReport(exact.options(), exact.intercept(), weights, best,
                exact.r2(), exact.mse(), exact.sse(), nEff, exact.solveMethod(), conditioning,
                exactScore.r2(), exactScore.mse(), exactScore.count(),
                model.exactDriftAbsolute(), model.exactDriftRelative(),
                exact.targetMean(), nEff > 0 ? Math.sqrt(tss / nEff) : Double.NaN,
                standardizedConditionNumber(conditioning, correlation),
                nEff > 0 ? exact.excessSse(new double[p]) / nEff : Double.NaN,
                model.structuralBreaks().summary());

        final List<LearnerReport> learners = new ArrayList<>();
        final double[] theta = new double[p];
        final double[] difference = new double[p];
        final double[] gradient = new double[p];
        final double[] start = new double[p];
        for (int i = 0; i < model.learners().size(); i++) {
            final OnlineLearner learner = model.learners().get(i);
            learner.startCoefficients(start, slot);
            final double startExcess = nEff > 0 ? exact.excessSse(start) / nEff : Double.NaN;
            for (int k = 0; k < p; k++) {
                start[k] -= best[k];
            }
            final double startGap = norm(start);
            learner.coefficients(theta, slot);
            final double sse = exact.sse(theta);
            final double excessSse = exact.excessSse(theta);
            for (int k = 0; k < p; k++) {
                difference[k] = theta[k] - best[k];
            }
            final double gap = norm(difference);
            final double[] nullPart = projectOnto(difference, conditioning.nullBasis());
            final double alongNull = norm(nullPart);
            exact.inSampleGradient(theta, gradient);
            final double[] learnerWeights = new double[d];
            for (int j = 0; j < d; j++) {
                learnerWeights[j] = learner.weight(j);
            }
            final Curvature curvature = Curvature.of(learner.config(), conditioning, correlation);
            final double lr = learner.nextRate();
            final Prequential score = model.learnerScore(i);
            learners.add(new LearnerReport(
                    learner.name(), learner.config().describe(), learner.config().optimizer().name().toLowerCase(java.util.Locale.ROOT),
                    learner.intercept(), learnerWeights,
                    exact.r2FromSse(sse), tss > 0 ? excessSse / tss : Double.NaN,
                    nEff > 0 ? sse / nEff : Double.NaN, nEff > 0 ? excessSse / nEff : Double.NaN,
                    gap, gap / norm(best),
                    Math.sqrt(Math.max(0.0, gap * gap - alongNull * alongNull)), alongNull,
                    score.r2(), score.mse(),
                    learner.meanGradientNorm(), learner.lastGradientNorm(), norm(gradient),
                    learner.workingNorm(), learner.meanUpdateRatio(), learner.meanRateRatio(), learner.meanLoss(),
                    lr, curvature.stabilityBound(learner.config()),
                    learner.maxRowNormSquared() > 0 ? 2.0 / (learner.config().loss().scale() * learner.maxRowNormSquared()) : Double.NaN,
                    curvature.max(), curvature.minIdentifiable(),
                    curvature.stepsToConverge(learner.config(), lr),
                    noiseFloor(learner.config(), lr * learner.config().loss().scale(), exact.mse(), trace(learner.config(), exact)),
                    learner.steps(), learner.diverged(), learner.divergences(),
                    model.learnerDriftAbsolute(i), model.learnerDriftRelative(i), startGap, startExcess, nullPart));
        }
        final List<LearnerReport> learnerReports = List.copyOf(learners);
        final List<Finding> findings = Findings.derive(model, exactReport, learnerReports);
        final double[][] recent = new double[1 + learnerReports.size()][];
        for (int k = 0; k < recent.length; k++) {
            recent[k] = model.recent().predictions(k);
        }
        return new ModelReport(exact.count(), model.passes(), model.featureNames(), exactReport, learnerReports, findings,
                model.recent().targets(), recent);
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
