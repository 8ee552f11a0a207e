package io.gapwatch.engine.sgd;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One online learner: a linear model ŷ = b + wᵀx trained on the squared loss one record at a time
 * (or in mini-batches), the way the user's optimizer trains it. The loss is scikit-learn's
 * ½(ŷ − y)² or PyTorch's and Keras's (ŷ − y)² ({@code loss}): the second has twice the gradient,
 * written below as the factor s = 1 or 2.
 *
 * <h2>Working coordinates</h2>
 * The optimizer sees θ̃ = (b̃, w̃) on the inputs as the user prepares them: raw, or features
 * standardized x̃_j = (x_j − μ_j)/σ_j and/or target ỹ = (y − μ_y)/σ_y by running means and
 * variances. Weights are always <em>reported</em> in original units, so that they compare with
 * the exact fit:
 * <pre>
 *   w_j = σ_y w̃_j / σ_j,      b = μ_y + σ_y (b̃ − Σ_j w̃_j μ_j / σ_j)
 * </pre>
 *
 * <h2>One step</h2>
 * For a batch B (of {@code batch} records, each predicted with the θ̃ of the batch's start):
 * <pre>
 *   g = (s/|B|) Σ_B (θ̃ᵀx̃ − ỹ) x̃  +  l2 · (0, w̃)      gradient of ½s(ŷ − y)² + ½ l2 ‖w‖²
 *   g ← g · min(1, clip/‖g‖)                             clipping by global norm
 *   g ← (XᵀX/n)⁻¹ g                                      whitening, through the exact fit's factor
 *   w̃ ← w̃ (1 − η_t · weight-decay)                       decoupled weight decay (AdamW)
 *   θ̃ ← rule(θ̃, g, η_t)                                  sgd, momentum, nesterov, adagrad, rmsprop, adam
 * </pre>
 * Plain SGD on single records without penalty, clipping or whitening is computed exactly as
 * scikit-learn's SGDRegressor computes it — p = Σ w_j x_j + b, u = −η (p − y), w_j += x_j u,
 * b += u — so that the two agree to the last bit (Bottou 2012, "Stochastic gradient descent tricks").
 *
 * <h2>Divergence</h2>
 * A step that leaves a non-finite weight or a norm above {@link #EXPLODED_NORM} marks the learner
 * diverged and is undone; then, by {@code on-diverge}, the learner either stops where it was or
 * restarts from its initial weights. It never touches anything outside itself.
 *
 * <h2>Health</h2>
 * Gradient norm, update norm and ratios are kept per step and as running means over the last
 * {@code window} steps (an exponential average with α = 1/min(steps, window)): functions of the
 * record sequence alone, so the stream processor and replay report the same numbers.
 */
public final class OnlineLearner {

    /** A weight norm beyond this counts as exploded: no linear model a person trains needs it. */
    public static final double EXPLODED_NORM = 1e30;
    /** Standard deviation of init=normal (Keras' RandomNormal default in the seed question is 0.05). */
    public static final double NORMAL_INIT_STD = 0.05;

    private final String name;
    private final LearnerConfig config;
    private final int features;
    private final int p;
    private final int offset;
    private final boolean sklearnPath;
    /** d loss / d ŷ per unit residual: 1 for ½(ŷ − y)², 2 for (ŷ − y)². */
    private final double lossScale;
    private final int window;

    private final UpdateRule rule;
    private final double[] theta;
    private final double[] start;
    private final double[] previous;
    private final double[] averaged;
    private final double[] gradient;
    private final double[] row;
    private final RunningMoments featureMoments;
    private final RunningMoments targetMoments;

    private long records;
    private long steps;
    private long stepsSinceStart;
    private int inBatch;
    private boolean diverged;
    private long divergences;
    private long divergedAtRecord = -1;
    private double maxRowNormSquared;
    /** ‖θ̃‖², kept up to date by every step. */
    private double weightSquared;

    private double lastGradientNorm = Double.NaN;
    private double lastUpdateNorm = Double.NaN;
    private double lastRate = Double.NaN;
    private final Ema gradientNorm = new Ema();
    private final Ema updateRatio = new Ema();
    private final Ema rateRatio = new Ema();
    private final Ema loss = new Ema();

    /**
     * @param features the model's feature count d
     * @param window   steps over which health statistics are averaged
     * @throws IllegalArgumentException if the config does not fit d features
     */
    public OnlineLearner(String name, LearnerConfig config, int features, int window) {
        config.checkFor(features);
        this.name = name;
        this.config = config;
        this.features = features;
        this.offset = config.intercept() ? 1 : 0;
        this.p = features + offset;
        this.window = window;
        this.lossScale = config.loss().scale();
        this.sklearnPath = config.optimizer() == LearnerConfig.OptimizerKind.SGD && config.batch() == 1
                && config.l2() == 0.0 && config.clip() == 0.0 && !config.whiten() && config.weightDecay() == 0.0
                && config.loss() == LearnerConfig.LossKind.HALF_SQUARED;
        this.rule = UpdateRule.of(config, p);
        this.theta = new double[p];
        this.start = new double[p];
        this.previous = new double[p];
        this.averaged = new double[p];
        this.gradient = new double[p];
        this.row = new double[p];
        this.featureMoments = config.standardize() ? new RunningMoments(features) : null;
        this.targetMoments = config.scaleTarget() ? new RunningMoments(1) : null;
        initialize(start);
        System.arraycopy(start, 0, theta, 0, p);
        System.arraycopy(start, 0, averaged, 0, p);
        this.weightSquared = squaredNorm(theta);
    }

    private void initialize(double[] out) {
        switch (config.init()) {
            case ZEROS -> Arrays.fill(out, 0.0);
            case NORMAL, HE -> {
                final double sd = config.init() == LearnerConfig.InitKind.HE
                        ? Math.sqrt(2.0 / Math.max(1, features)) : NORMAL_INIT_STD;
                final SplittableRandom random = new SplittableRandom(config.seed());
                // the intercept starts at zero, as in Keras and PyTorch's He initializers
                for (int j = 0; j < features; j++) {
                    out[offset + j] = sd * gaussian(random);
                }
            }
            case UNIFORM, GLOROT -> {
                // PyTorch's nn.Linear draws weights and bias from U(±1/√fan_in); Keras's Dense its kernel
                // from U(±√(6/(fan_in + fan_out))) with fan_out 1, and starts the bias at zero
                final int fanIn = Math.max(1, features);
                final boolean torch = config.init() == LearnerConfig.InitKind.UNIFORM;
                final double bound = torch ? 1.0 / Math.sqrt(fanIn) : Math.sqrt(6.0 / (fanIn + 1));
                final SplittableRandom random = new SplittableRandom(config.seed());
                for (int j = 0; j < features; j++) {
                    out[offset + j] = bound * (2.0 * random.nextDouble() - 1.0);
                }
                if (offset == 1) {
                    out[0] = torch ? bound * (2.0 * random.nextDouble() - 1.0) : 0.0;
                }
            }
            case GIVEN -> {
                final double[] given = config.initWeights();
                if (given.length == p) {
                    System.arraycopy(given, 0, out, 0, p);
                } else {
                    System.arraycopy(given, 0, out, offset, features);
                }
            }
        }
    }

    // Box–Muller on SplittableRandom: the same numbers on every JVM, unlike Random.nextGaussian's contract.
    private static double gaussian(SplittableRandom random) {
        final double u = 1.0 - random.nextDouble();
        final double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }

    // ---------------------------------------------------------------- prediction

    /** ŷ for a record, in original units, with the weights the learner reports (averaged if so configured). No allocation. */
    public double predict(double[] x) {
        final double[] coefficients = config.average() && stepsSinceStart > 0 ? averaged : theta;
        return toOriginalPrediction(workingPrediction(coefficients, x));
    }

    // p = Σ w̃_j x̃_j + b̃, in this order (scikit-learn's), with x̃ computed on the fly
    private double workingPrediction(double[] coefficients, double[] x) {
        double dot = 0.0;
        if (featureMoments == null) {
            for (int j = 0; j < features; j++) {
                dot += coefficients[offset + j] * x[j];
            }
        } else {
            for (int j = 0; j < features; j++) {
                dot += coefficients[offset + j] * ((x[j] - featureMoments.mean(j)) / featureMoments.scale(j));
            }
        }
        return offset == 1 ? dot + coefficients[0] : dot;
    }

    private double toOriginalPrediction(double working) {
        return targetMoments == null ? working : targetMoments.mean(0) + targetMoments.scale(0) * working;
    }

    // ---------------------------------------------------------------- training

    /** Trains on one record, discarding the prediction; see {@link #observe}. */
    public void train(double[] x, double y, Preconditioner preconditioner) {
        observe(x, y, preconditioner);
    }

    /**
     * Test, then train, on one record: returns the prediction the learner made before learning
     * from it (original units), and takes its step. No allocation.
     *
     * <p>On raw features one pass over the record gives both the prediction and ‖x̃‖², and the
     * prediction is the one the step uses; the gradient and update norms of a single-record step
     * follow from them in O(1) (‖g‖ = |r|·‖x̃‖), so a plain SGD step costs one dot product and one
     * axpy.
     *
     * @param x              features, length d; Not modified
     * @param y              target
     * @param preconditioner the exact fit, for whitening (ignored otherwise)
     */
    public double observe(double[] x, double y, Preconditioner preconditioner) {
        records++;
        if (diverged && config.onDiverge() == LearnerConfig.OnDiverge.KEEP) {
            return predict(x);
        }
        final double prediction;
        final double working;
        final double rowNormSquared;
        final double[] in;
        final int inOffset;
        if (featureMoments == null) {
            double dot = 0.0;
            double squares = 0.0;
            for (int j = 0; j < features; j++) {
                final double v = x[j];
                dot += theta[offset + j] * v;
                squares += v * v;
            }
            working = offset == 1 ? dot + theta[0] : dot;
            rowNormSquared = squares + offset;
            final double reportedWorking = config.average() && stepsSinceStart > 0 ? workingPrediction(averaged, x) : working;
            prediction = toOriginalPrediction(reportedWorking);
            in = x;
            inOffset = 0;
        } else {
            prediction = predict(x); // with the statistics before this record
            featureMoments.add(x);
            double dot = 0.0;
            double squares = 0.0;
            for (int j = 0; j < features; j++) {
                final double v = (x[j] - featureMoments.mean(j)) / featureMoments.scale(j);
                row[offset + j] = v;
                dot += theta[offset + j] * v;
                squares += v * v;
            }
            working = offset == 1 ? dot + theta[0] : dot;
            rowNormSquared = squares + offset;
            in = row;
            inOffset = offset;
        }
        if (targetMoments != null) {
            targetMoments.add(y);
        }
        final double target = targetMoments == null ? y : (y - targetMoments.mean(0)) / targetMoments.scale(0);
        maxRowNormSquared = Math.max(maxRowNormSquared, rowNormSquared);
        final double residual = working - target;
        loss.add(config.loss().of(residual), window, stepsSinceStart + 1);

        if (sklearnPath) {
            stepLikeScikitLearn(in, inOffset, working, residual, rowNormSquared);
            return prediction;
        }
        final double slope = lossScale * residual; // d loss / d ŷ
        if (offset == 1) {
            gradient[0] += slope;
        }
        for (int j = 0; j < features; j++) {
            gradient[offset + j] += slope * in[inOffset + j];
        }
        if (++inBatch == config.batch()) {
            // one record's gradient s·r·x̃ has norm |s·r|·‖x̃‖; a batch's is measured in the step
            step(preconditioner, config.batch() == 1 && config.l2() == 0.0
                    ? Math.abs(slope) * Math.sqrt(rowNormSquared) : Double.NaN);
        }
        return prediction;
    }

    /*
     * scikit-learn's _plain_sgd for squared loss without penalty: p = w·x + b; u = −η (p − y);
     * w += x·u; b += u. The step is Δ = u·x̃ (the intercept's part at its own rate), so
     *   ‖g‖ = |r|·‖x̃‖,   ‖Δ‖² = u²‖x‖² + Δ_b²,   ‖θ + Δ‖² = ‖θ‖² + 2θ·Δ + ‖Δ‖²
     * with θ·Δ = u·(p − b) + b·Δ_b: no pass over the weights beyond the axpy.
     */
    private void stepLikeScikitLearn(double[] in, int inOffset, double working, double residual, double rowNormSquared) {
        final double rate = LearningRate.at(config, config.lr(), stepsSinceStart + 1);
        final double interceptRate = interceptRate(rate);
        System.arraycopy(theta, 0, previous, 0, p);
        final double update = -rate * residual;
        for (int j = 0; j < features; j++) {
            theta[offset + j] += in[inOffset + j] * update;
        }
        double interceptStep = 0.0;
        double interceptBefore = 0.0;
        if (offset == 1) {
            interceptBefore = theta[0];
            interceptStep = interceptRate == rate ? update : -interceptRate * residual;
            theta[0] += interceptStep;
        }
        final double featureSquares = rowNormSquared - offset;
        final double updateSquared = update * update * featureSquares + interceptStep * interceptStep;
        final double thetaDotStep = update * (working - interceptBefore) + interceptBefore * interceptStep;
        weightSquared += 2 * thetaDotStep + updateSquared;
        finishStep(Math.abs(residual) * Math.sqrt(rowNormSquared), updateSquared, rate);
    }

    private void step(Preconditioner preconditioner, double knownGradientNorm) {
        final double rate = LearningRate.at(config, config.lr(), stepsSinceStart + 1);
        final double interceptRate = interceptRate(rate);
        double gradientNorm = knownGradientNorm;
        if (Double.isNaN(gradientNorm)) {
            // g = mean gradient + l2 (0, w̃), and its norm, in one pass
            double squared = 0.0;
            for (int i = 0; i < p; i++) {
                double g = gradient[i] / inBatch;
                if (i >= offset && config.l2() != 0.0) {
                    g += config.l2() * theta[i];
                }
                gradient[i] = g;
                squared += g * g;
            }
            gradientNorm = Math.sqrt(squared);
        }
        if (config.clip() > 0.0 && gradientNorm > config.clip()) {
            final double shrink = config.clip() / gradientNorm;
            for (int i = 0; i < p; i++) {
                gradient[i] *= shrink;
            }
        }
        if (config.whiten()) {
            preconditioner.applyInverseSecondMoment(gradient);
        }
        System.arraycopy(theta, 0, previous, 0, p);
        if (config.weightDecay() > 0.0) {
            final double keep = 1.0 - rate * config.weightDecay();
            for (int i = offset; i < p; i++) {
                theta[i] *= keep;
            }
        }
        rule.step(theta, gradient, rate, interceptRate, offset == 1);
        Arrays.fill(gradient, 0.0);
        inBatch = 0;
        finishStep(gradientNorm, Double.NaN, rate);
    }

    private double interceptRate(double rate) {
        return Double.isNaN(config.interceptLr()) ? rate : rate * (config.interceptLr() / config.lr());
    }

    /** Steps between exact recomputations of ‖θ‖², which the single-record path updates in O(1). */
    static final int NORM_REFRESH = 1024;

    // Divergence check, averaging and health, after θ has moved from previous to theta.
    // updateSquared is ‖Δθ‖² when the caller knows it (then ‖θ‖² is already up to date), else NaN.
    private void finishStep(double gradientNorm, double updateSquared, double rate) {
        steps++;
        stepsSinceStart++;
        if (Double.isNaN(updateSquared) || steps % NORM_REFRESH == 0) {
            // one pass, two sums: ‖θ‖² and ‖θ − θ_prev‖²
            double w = 0.0;
            double u = 0.0;
            for (int i = 0; i < p; i++) {
                final double t = theta[i];
                final double d = t - previous[i];
                w += t * t;
                u += d * d;
            }
            weightSquared = w;
            updateSquared = u;
        }
        if (!(weightSquared <= EXPLODED_NORM * EXPLODED_NORM) || !(updateSquared < Double.POSITIVE_INFINITY)) { // also NaN
            diverge();
            return;
        }
        final double weightNorm = Math.sqrt(weightSquared);
        lastGradientNorm = gradientNorm;
        lastUpdateNorm = Math.sqrt(updateSquared);
        lastRate = rate;
        this.gradientNorm.add(gradientNorm, window, stepsSinceStart);
        if (weightNorm > 0.0) {
            updateRatio.add(lastUpdateNorm / weightNorm, window, stepsSinceStart);
            rateRatio.add(rate * gradientNorm / weightNorm, window, stepsSinceStart);
        }
        if (config.average()) {
            // θ̄ ← θ̄ + (θ − θ̄)/k
            for (int i = 0; i < p; i++) {
                averaged[i] += (theta[i] - averaged[i]) / stepsSinceStart;
            }
        }
    }

    private void diverge() {
        divergences++;
        divergedAtRecord = records;
        System.arraycopy(previous, 0, theta, 0, p);
        if (config.onDiverge() == LearnerConfig.OnDiverge.KEEP) {
            diverged = true;
            weightSquared = squaredNorm(theta);
            return;
        }
        // restart from the initial weights with fresh optimizer state; the data statistics stay
        System.arraycopy(start, 0, theta, 0, p);
        System.arraycopy(start, 0, averaged, 0, p);
        rule.reset();
        stepsSinceStart = 0;
        inBatch = 0;
        Arrays.fill(gradient, 0.0);
        weightSquared = squaredNorm(theta);
    }

    private static double squaredNorm(double[] v) {
        double s = 0.0;
        for (double t : v) {
            s += t * t;
        }
        return s;
    }

    // ---------------------------------------------------------------- the learner's model in original units

    /** b in original units (0 when the learner has no intercept and does not center). */
    public double intercept() {
        return interceptOf(reported());
    }

    private double interceptOf(double[] c) {
        double b = offset == 1 ? c[0] : 0.0;
        if (featureMoments != null) {
            for (int j = 0; j < features; j++) {
                b -= c[offset + j] * featureMoments.mean(j) / featureMoments.scale(j);
            }
        }
        return targetMoments == null ? b : targetMoments.mean(0) + targetMoments.scale(0) * b;
    }

    /** w_j in original units. */
    public double weight(int j) {
        return weightOf(reported(), j);
    }

    private double weightOf(double[] c, int j) {
        final double w = c[offset + j];
        final double unscaled = featureMoments == null ? w : w / featureMoments.scale(j);
        return targetMoments == null ? unscaled : targetMoments.scale(0) * unscaled;
    }

    /**
     * Writes the learner's coefficients in original units, laid out like the exact fit's θ.
     *
     * @param out length d + 1 with an intercept slot, or d; Modified
     */
    public void coefficients(double[] out, boolean interceptSlot) {
        coefficientsOf(reported(), out, interceptSlot);
    }

    /**
     * Where the learner started, θ₀, in original units and laid out like the exact fit's θ. A
     * learner that scales its inputs started in its working coordinates; its start is mapped with
     * the scaling it has now, which is how far from the answer that start lies on the data.
     *
     * @param out length d + 1 with an intercept slot, or d; Modified
     */
    public void startCoefficients(double[] out, boolean interceptSlot) {
        coefficientsOf(start, out, interceptSlot);
    }

    private void coefficientsOf(double[] working, double[] out, boolean interceptSlot) {
        final int o = interceptSlot ? 1 : 0;
        if (interceptSlot) {
            out[0] = interceptOf(working);
        }
        for (int j = 0; j < features; j++) {
            out[o + j] = weightOf(working, j);
        }
    }

    private double[] reported() {
        return config.average() && stepsSinceStart > 0 ? averaged : theta;
    }

    /** The coefficients the optimizer works on, θ̃ (intercept first if any). Not to be modified. */
    public double[] workingCoefficients() {
        return reported();
    }

    // ---------------------------------------------------------------- what the diagnostics read

    public String name() {
        return name;
    }

    public LearnerConfig config() {
        return config;
    }

    // every report names the settings; describing them parses the defaults, so once per learner
    private String settingsText;

    /** {@link LearnerConfig#describe()} of its config, computed once. */
    public String settingsText() {
        if (settingsText == null) {
            settingsText = config.describe();
        }
        return settingsText;
    }

    /** Records seen, including those a stopped learner skipped. */
    public long records() {
        return records;
    }

    /** Optimizer steps taken (over all restarts). */
    public long steps() {
        return steps;
    }

    /** Whether the learner diverged and stopped (on-diverge=keep). */
    public boolean diverged() {
        return diverged;
    }

    /** How many times the weights blew up (with on-diverge=reset the learner goes on after each). */
    public long divergences() {
        return divergences;
    }

    /** The record at whose step the learner last diverged, or −1. */
    public long divergedAtRecord() {
        return divergedAtRecord;
    }

    /** η of the last step (NaN before the first). */
    public double currentRate() {
        return lastRate;
    }

    /** η the schedule gives for the next step. */
    public double nextRate() {
        return LearningRate.at(config, config.lr(), stepsSinceStart + 1);
    }

    public double lastGradientNorm() {
        return lastGradientNorm;
    }

    public double lastUpdateNorm() {
        return lastUpdateNorm;
    }

    /** Mean ‖g‖ over the last {@code window} steps. */
    public double meanGradientNorm() {
        return gradientNorm.value();
    }

    /** Mean ‖Δθ̃‖/‖θ̃‖ over the last {@code window} steps: the update ratio that actually happened. */
    public double meanUpdateRatio() {
        return updateRatio.value();
    }

    /** Mean η‖g‖/‖θ̃‖ over the last {@code window} steps: Sutskever's update ratio, "about 0.01 is healthy". */
    public double meanRateRatio() {
        return rateRatio.value();
    }

    /** Mean training loss, ½(ŷ − y)² or (ŷ − y)² as the learner's {@code loss} says, in working units over the last {@code window} records. */
    public double meanLoss() {
        return loss.value();
    }

    /** ‖θ̃‖, in working coordinates. */
    public double workingNorm() {
        double s = 0.0;
        for (double t : reported()) {
            s += t * t;
        }
        return Math.sqrt(s);
    }

    /** max ‖x̃‖² over the records seen (with the intercept's 1): the per-record step is stable only for η &lt; 2/max‖x̃‖². */
    public double maxRowNormSquared() {
        return maxRowNormSquared;
    }

    public int features() {
        return features;
    }

    /** What this learner holds on the heap, in bytes, approximately: its coefficient vectors and its rule's state. */
    public long heapBytes() {
        long bytes = 6 * (16L + 8L * p) + 256; // theta, start, previous, averaged, gradient and the row workspace
        for (double[] array : rule.state()) {
            bytes += 16L + 8L * array.length;
        }
        if (featureMoments != null) {
            bytes += 3 * (16L + 8L * features);
        }
        return bytes;
    }

    public boolean hasIntercept() {
        return offset == 1;
    }

    // ---------------------------------------------------------------- state, for snapshots

    /**
     * Writes everything that determines this learner's future, bit for bit (doubles as raw IEEE
     * bits). The config is not written: the model's spec carries it.
     */
    public void writeState(java.io.DataOutput out) throws java.io.IOException {
        out.writeLong(records);
        out.writeLong(steps);
        out.writeLong(stepsSinceStart);
        out.writeInt(inBatch);
        out.writeBoolean(diverged);
        out.writeLong(divergences);
        out.writeLong(divergedAtRecord);
        for (double v : new double[] {maxRowNormSquared, weightSquared, lastGradientNorm, lastUpdateNorm, lastRate,
                gradientNorm.value(), updateRatio.value(), rateRatio.value(), loss.value()}) {
            out.writeLong(Double.doubleToRawLongBits(v));
        }
        for (double[] array : new double[][] {theta, start, previous, averaged, gradient}) {
            writeArray(out, array);
        }
        final double[][] ruleState = rule.state();
        out.writeInt(ruleState.length);
        for (double[] array : ruleState) {
            writeArray(out, array);
        }
        writeMoments(out, featureMoments);
        writeMoments(out, targetMoments);
    }

    /**
     * Reads what {@link #writeState} wrote into a learner built from the same config and feature count.
     *
     * @throws java.io.IOException if the state does not fit this learner
     */
    public void readState(java.io.DataInput in) throws java.io.IOException {
        records = in.readLong();
        steps = in.readLong();
        stepsSinceStart = in.readLong();
        inBatch = in.readInt();
        diverged = in.readBoolean();
        divergences = in.readLong();
        divergedAtRecord = in.readLong();
        final double[] scalars = new double[9];
        for (int i = 0; i < scalars.length; i++) {
            scalars[i] = Double.longBitsToDouble(in.readLong());
        }
        maxRowNormSquared = scalars[0];
        weightSquared = scalars[1];
        lastGradientNorm = scalars[2];
        lastUpdateNorm = scalars[3];
        lastRate = scalars[4];
        gradientNorm.set(scalars[5]);
        updateRatio.set(scalars[6]);
        rateRatio.set(scalars[7]);
        loss.set(scalars[8]);
        for (double[] array : new double[][] {theta, start, previous, averaged, gradient}) {
            readArray(in, array);
        }
        final double[][] ruleState = rule.state();
        if (in.readInt() != ruleState.length) {
            throw new java.io.IOException("learner '" + name + "': optimizer state does not match its settings");
        }
        for (double[] array : ruleState) {
            readArray(in, array);
        }
        readMoments(in, featureMoments);
        readMoments(in, targetMoments);
    }

    private static void writeArray(java.io.DataOutput out, double[] array) throws java.io.IOException {
        out.writeInt(array.length);
        for (double v : array) {
            out.writeLong(Double.doubleToRawLongBits(v));
        }
    }

    private static void readArray(java.io.DataInput in, double[] array) throws java.io.IOException {
        final int length = in.readInt();
        if (length != array.length) {
            throw new java.io.IOException("array of " + length + " values where " + array.length + " were expected");
        }
        for (int i = 0; i < length; i++) {
            array[i] = Double.longBitsToDouble(in.readLong());
        }
    }

    private static void writeMoments(java.io.DataOutput out, RunningMoments moments) throws java.io.IOException {
        out.writeBoolean(moments != null);
        if (moments != null) {
            out.writeLong(moments.count());
            final double[][] state = moments.state();
            writeArray(out, state[0]);
            writeArray(out, state[1]);
        }
    }

    private static void readMoments(java.io.DataInput in, RunningMoments moments) throws java.io.IOException {
        final boolean present = in.readBoolean();
        if (present != (moments != null)) {
            throw new java.io.IOException("scaling state does not match the learner's settings");
        }
        if (moments != null) {
            final long count = in.readLong();
            final double[][] state = moments.state();
            final double[] mean = new double[state[0].length];
            final double[] m2 = new double[state[1].length];
            readArray(in, mean);
            readArray(in, m2);
            moments.restore(count, mean, m2);
        }
    }

    /** Running mean over the last {@code window} values: exponential with α = 1/min(k, window). */
    static final class Ema {
        private double value = Double.NaN;

        void add(double x, int window, long k) {
            if (!Double.isFinite(x)) {
                return;
            }
            final double alpha = 1.0 / Math.min(k, (long) window);
            value = Double.isNaN(value) ? x : value + alpha * (x - value);
        }

        double value() {
            return value;
        }

        void set(double value) {
            this.value = value;
        }
    }
}
