package io.gapwatch.engine;

import io.gapwatch.engine.exact.StreamingLeastSquares;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.engine.sgd.OnlineLearner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One model key's state: the exact least-squares fit and the user's learners over the same
 * records, scored test-then-train. This is the one code path that replay and the stream
 * processor both drive, so the same records in the same order give the same numbers, bit for bit.
 *
 * <p>Per record: every predictor predicts, then every predictor learns. Work is O(p²) for the
 * exact fit and O(p) per learner (O(p²) for a whitening one), with no allocation. Everything the
 * diagnostics read is a function of the record sequence alone — running scores, health averages
 * over a fixed window, drift between checkpoints every {@code window} records — never of when a
 * report was asked for.
 */
public final class Model {

    private final List<String> featureNames;
    private final ModelOptions options;
    private final StreamingLeastSquares exact;
    private final List<OnlineLearner> learners;
    private final Prequential exactScore = new Prequential();
    private final Prequential[] learnerScores;
    /** Predictions of the last record: index 0 the exact fit (NaN when not determined), then each learner. */
    private final double[] predictions;

    private final double[] exactCheckpoint;
    private final double[][] learnerCheckpoints;
    private final double[] learnerDriftAbsolute;
    private final double[] learnerDriftRelative;
    private double exactDriftAbsolute = Double.NaN;
    private double exactDriftRelative = Double.NaN;
    private long checkpointAt = -1;
    private final double[] scratch;
    /** Created once: a method reference evaluated per record would allocate. */
    private final io.gapwatch.engine.sgd.Preconditioner whitening;

    /**
     * @throws IllegalArgumentException if a learner cannot run on this model (the message names it)
     */
    public Model(List<String> featureNames, ModelOptions options, Map<String, LearnerConfig> learnerConfigs) {
        this.featureNames = List.copyOf(featureNames);
        this.options = options;
        final int d = featureNames.size();
        this.exact = new StreamingLeastSquares(d, options.exact());
        this.learners = new ArrayList<>();
        for (Map.Entry<String, LearnerConfig> entry : learnerConfigs.entrySet()) {
            final LearnerConfig c = entry.getValue();
            try {
                check(c);
                learners.add(new OnlineLearner(entry.getKey(), c, d, options.window()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("learner '" + entry.getKey() + "': " + e.getMessage(), e);
            }
        }
        this.learnerScores = new Prequential[learners.size()];
        for (int i = 0; i < learnerScores.length; i++) {
            learnerScores[i] = new Prequential();
        }
        this.predictions = new double[1 + learners.size()];
        this.exactCheckpoint = new double[exact.parameters()];
        this.learnerCheckpoints = new double[learners.size()][exact.parameters()];
        this.learnerDriftAbsolute = new double[learners.size()];
        this.learnerDriftRelative = new double[learners.size()];
        java.util.Arrays.fill(learnerDriftAbsolute, Double.NaN);
        java.util.Arrays.fill(learnerDriftRelative, Double.NaN);
        this.scratch = new double[exact.parameters()];
        this.whitening = exact::applyInverseSecondMoment;
    }

    private void check(LearnerConfig c) {
        final boolean exactIntercept = options.exact().intercept();
        if (!exactIntercept && (c.intercept() || c.standardize() || c.scaleTarget())) {
            throw new IllegalArgumentException("the exact fit has no intercept, so the learner cannot have one either"
                    + " (set intercept=false; standardize and scale-target center, which adds one)");
        }
        if (c.whiten() && c.intercept() != exactIntercept) {
            throw new IllegalArgumentException("whiten uses the exact fit's factor, so intercept must match the exact fit's ("
                    + exactIntercept + ")");
        }
    }

    /**
     * Test-then-train on one record: predictions first, then every predictor learns.
     *
     * @param x features, length d, finite; Not modified
     * @param y target, finite
     * @return the predictions made before learning: index 0 the exact fit (NaN while it cannot
     *         determine one), then the learners in order. The array is reused by the next call.
     */
    public double[] observe(double[] x, double y) {
        final double exactPrediction = exact.update(x, y);
        predictions[0] = exactPrediction;
        final double lambda = options.exact().forgetting();
        if (!Double.isNaN(exactPrediction)) {
            exactScore.add(y, exactPrediction, lambda);
        }
        // each learner predicts before its own step; the exact fit's update before it changes
        // nothing a learner sees except the whitening factor, which includes the current record
        for (int i = 0; i < learners.size(); i++) {
            predictions[1 + i] = learners.get(i).observe(x, y, whitening);
            learnerScores[i].add(y, predictions[1 + i], lambda);
        }
        if (exact.count() % options.window() == 0) {
            checkpoint();
        }
        return predictions;
    }

    /**
     * Predictions for a record without a target; nothing learns.
     *
     * @return as {@link #observe}; reused by the next call
     */
    public double[] score(double[] x) {
        predictions[0] = exact.predictIfDetermined(x);
        for (int i = 0; i < learners.size(); i++) {
            predictions[1 + i] = learners.get(i).predict(x);
        }
        return predictions;
    }

    // Drift over the last window: ‖θ_now − θ_checkpoint‖, absolute and relative to the checkpoint.
    private void checkpoint() {
        exact.coefficients(scratch);
        if (checkpointAt >= 0) {
            exactDriftAbsolute = distance(scratch, exactCheckpoint);
            exactDriftRelative = relative(exactDriftAbsolute, exactCheckpoint);
        }
        System.arraycopy(scratch, 0, exactCheckpoint, 0, scratch.length);
        final boolean slot = options.exact().intercept();
        for (int i = 0; i < learners.size(); i++) {
            learners.get(i).coefficients(scratch, slot);
            if (checkpointAt >= 0) {
                learnerDriftAbsolute[i] = distance(scratch, learnerCheckpoints[i]);
                learnerDriftRelative[i] = relative(learnerDriftAbsolute[i], learnerCheckpoints[i]);
            }
            System.arraycopy(scratch, 0, learnerCheckpoints[i], 0, scratch.length);
        }
        checkpointAt = exact.count();
    }

    private static double distance(double[] a, double[] b) {
        double s = 0.0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    private static double relative(double absolute, double[] reference) {
        double s = 0.0;
        for (double v : reference) {
            s += v * v;
        }
        return s == 0.0 ? Double.NaN : absolute / Math.sqrt(s);
    }

    // ---------------------------------------------------------------- read by diagnostics

    public List<String> featureNames() {
        return featureNames;
    }

    public ModelOptions options() {
        return options;
    }

    public StreamingLeastSquares exact() {
        return exact;
    }

    public List<OnlineLearner> learners() {
        return learners;
    }

    public Prequential exactScore() {
        return exactScore;
    }

    public Prequential learnerScore(int i) {
        return learnerScores[i];
    }

    /** ‖Δθ*‖ over the last complete window (NaN before two checkpoints). */
    public double exactDriftAbsolute() {
        return exactDriftAbsolute;
    }

    /** ‖Δθ*‖ / ‖θ*‖ over the last complete window. */
    public double exactDriftRelative() {
        return exactDriftRelative;
    }

    public double learnerDriftAbsolute(int i) {
        return learnerDriftAbsolute[i];
    }

    public double learnerDriftRelative(int i) {
        return learnerDriftRelative[i];
    }

    /** Records observed (with a target). */
    public long count() {
        return exact.count();
    }
}
