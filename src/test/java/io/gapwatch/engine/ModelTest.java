package io.gapwatch.engine;

import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.exact.StreamingLeastSquares;
import io.gapwatch.engine.sgd.LearnerConfig;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ModelTest {

    private static final List<String> NAMES = List.of("a", "b", "c");

    private static Map<String, LearnerConfig> learners(String... specs) {
        final Map<String, LearnerConfig> map = new LinkedHashMap<>();
        for (String spec : specs) {
            final int colon = spec.indexOf(':');
            map.put(spec.substring(0, colon), LearnerConfig.parse(LearnerConfig.splitPairs(spec.substring(colon + 1))));
        }
        return map;
    }

    @Test
    void shouldWeighAfterItsReportsWhatItWeighedWhenItCameIn() {
        // The cache weighs a model once, when it comes in. A solve that kept its workspace would
        // grow a rank-deficient model (an SVD solve) or a ridge model (a copy of the factor) behind
        // the cache's back: at d = 128 from about 150 KB to over 800 KB after its first report.
        final List<String> names = List.of("x1", "x2", "x3", "x4");
        for (ModelOptions options : List.of(ModelOptions.DEFAULTS,
                new ModelOptions(new LeastSquaresOptions(true, 1.0, 0.5), ModelOptions.DEFAULTS.window()))) {
            final Model model = new Model(names, options, LearnerConfig.defaultSet());
            final long cameIn = model.heapBytes();
            final Random random = new Random(3);
            for (int i = 0; i < 2_500; i++) { // past two drift checkpoints, each of which solves
                final double x1 = random.nextGaussian();
                model.observe(new double[] {x1, x1 + 1, random.nextGaussian(), random.nextGaussian()}, x1 + random.nextGaussian());
            }
            final io.gapwatch.engine.diagnostics.ModelReport report = io.gapwatch.engine.diagnostics.Diagnostics.report(model);
            assertThat(report.exact().solveMethod()).as("%s", options)
                    .isEqualTo(options.exact().ridge() > 0 ? io.gapwatch.engine.exact.SolveMethod.RIDGE : io.gapwatch.engine.exact.SolveMethod.MINIMUM_NORM);
            assertThat(model.heapBytes()).as("%s", options).isEqualTo(cameIn);
        }
    }

    @Test
    void shouldPredictEachRecordBeforeLearningIt() {
        final Model model = new Model(NAMES, ModelOptions.DEFAULTS, learners("sgd:optimizer=sgd,lr=0.05"));
        final StreamingLeastSquares shadow = new StreamingLeastSquares(3, LeastSquaresOptions.ORDINARY);
        final Random random = new Random(1);
        int compared = 0;
        for (int i = 0; i < 200; i++) {
            final double[] x = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
            final double y = 1 + x[0] - 2 * x[1] + 0.1 * random.nextGaussian();
            final double learnerBefore = model.learners().get(0).predict(x);
            final double exactBefore = shadow.count() > 3 ? shadow.predict(x) : Double.NaN;
            final double[] predictions = model.observe(x, y);
            assertThat(predictions[1]).isEqualTo(learnerBefore);
            if (i > 3) {
                // the recursive residual gives x·θ*_(n−1) without a solve, to rounding
                assertThat(predictions[0]).isCloseTo(exactBefore, within(1e-10 * (1 + Math.abs(y))));
                compared++;
            } else if (i < 3) {
                assertThat(predictions[0]).as("fewer records than coefficients: not determined").isNaN();
            }
            shadow.update(x, y);
        }
        assertThat(compared).isEqualTo(196);
        assertThat(model.exactScore().count()).isEqualTo(196);
        assertThat(model.learnerScore(0).count()).isEqualTo(200);
    }

    @Test
    void shouldScoreWithoutLearning() {
        final Model model = new Model(NAMES, ModelOptions.DEFAULTS, learners("adam:optimizer=adam"));
        final Random random = new Random(2);
        for (int i = 0; i < 50; i++) {
            model.observe(new double[] {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()}, random.nextGaussian());
        }
        final double[] before = model.exact().coefficients();
        final double learnerBefore = model.learners().get(0).weight(0);
        final double[] scores = model.score(new double[] {1, 2, 3}).clone();
        assertThat(model.count()).isEqualTo(50);
        assertThat(model.exact().coefficients()).containsExactly(before);
        assertThat(model.learners().get(0).weight(0)).isEqualTo(learnerBefore);
        assertThat(scores[0]).isCloseTo(model.exact().predict(new double[] {1, 2, 3}), within(1e-12));
    }

    @Test
    void shouldKeepADivergingLearnerFromTouchingAnythingElse() {
        final Map<String, LearnerConfig> calm = learners("adam:optimizer=adam,lr=0.01", "sgd:optimizer=sgd,lr=0.01");
        final Map<String, LearnerConfig> withWild = learners("adam:optimizer=adam,lr=0.01", "wild:optimizer=sgd,lr=1e6",
                "sgd:optimizer=sgd,lr=0.01");
        final Model a = new Model(NAMES, ModelOptions.DEFAULTS, calm);
        final Model b = new Model(NAMES, ModelOptions.DEFAULTS, withWild);
        final Random random = new Random(3);
        for (int i = 0; i < 500; i++) {
            final double[] x = {10 * random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
            final double y = x[0] + random.nextGaussian();
            a.observe(x, y);
            b.observe(x, y);
        }
        assertThat(b.learners().get(1).diverged()).isTrue();
        assertThat(b.exact().coefficients()).containsExactly(a.exact().coefficients());
        assertThat(b.learners().get(0).weight(0)).isEqualTo(a.learners().get(0).weight(0));
        assertThat(b.learners().get(2).weight(2)).isEqualTo(a.learners().get(1).weight(2));
        assertThat(b.learnerScore(2).mse()).isEqualTo(a.learnerScore(1).mse());
    }

    @Test
    void shouldRefuseLearnersThatCannotRunOnTheModel() {
        final ModelOptions noIntercept = new ModelOptions(new LeastSquaresOptions(false, 1.0, 0.0), 100);
        assertThatThrownBy(() -> new Model(NAMES, noIntercept, learners("s:optimizer=sgd")))
                .hasMessageStartingWith("learner 's': the exact fit has no intercept");
        assertThatThrownBy(() -> new Model(NAMES, ModelOptions.DEFAULTS, learners("w:whiten=true,intercept=false")))
                .hasMessageContaining("learner 'w': whiten uses the exact fit's factor");
        assertThatThrownBy(() -> new Model(NAMES, ModelOptions.DEFAULTS, learners("g:init=given,init-weights=1;2")))
                .hasMessageContaining("learner 'g': init-weights has 2 values");
    }

    @Test
    void shouldMeasureDriftBetweenCheckpoints() {
        final ModelOptions options = new ModelOptions(new LeastSquaresOptions(true, 0.99, 0.0), 200);
        final Model model = new Model(NAMES, options, learners("sgd:optimizer=sgd,lr=0.01"));
        final Random random = new Random(4);
        for (int i = 0; i < 600; i++) {
            final double slope = i < 400 ? 1.0 : -1.0; // the relationship flips at record 400
            final double[] x = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
            model.observe(x, slope * x[0] + 0.01 * random.nextGaussian());
        }
        // window 400..600 saw the flip: the exact weight of a moved from ≈1 to ≈−1
        assertThat(model.exactDriftAbsolute()).isGreaterThan(1.5);
        assertThat(model.exactDriftRelative()).isGreaterThan(1.0);
        assertThat(model.learnerDriftAbsolute(0)).isPositive();
    }
}
