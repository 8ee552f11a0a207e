package io.gapwatch.engine.diagnostics;

import io.gapwatch.demo.SeedDesigns;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.sgd.LearnerConfig;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Weights gapwatch did not train, judged against the exact fit from the factor alone: the same
 * figures as a learner's, true findings only, and nothing a running learner alone would have.
 */
class ExternalWeightsTest {

    /** Findings no external weights may get: they speak of rates, steps, starts, settings or divergence. */
    private static final Set<FindingCode> OPTIMIZER_ONLY = Set.of(FindingCode.DIVERGED, FindingCode.LR_ABOVE_STABILITY_BOUND,
            FindingCode.LR_ABOVE_RECORD_BOUND, FindingCode.START_FAR, FindingCode.SLOW_CONVERGENCE, FindingCode.NOISE_FLOOR);

    private record Data(double[][] x, double[] y) {
    }

    /** x1, x2 = x1 + 1 (exactly), x3, with noise: rank 3 of 4, one null direction, MSE* ≈ 0.01. */
    private static Data collinear(int n, long seed) {
        final Random random = new Random(seed);
        final double[][] x = new double[n][];
        final double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            final double x1 = random.nextGaussian();
            final double x3 = 2 + random.nextGaussian();
            x[i] = new double[] {x1, x1 + 1, x3};
            y[i] = 0.5 + 2 * x1 - x3 + 0.1 * random.nextGaussian();
        }
        return new Data(x, y);
    }

    /** Five features of different scales, full rank, MSE* ≈ 0.25. */
    private static Data wellPosed(int n, long seed) {
        final Random random = new Random(seed);
        final double[][] x = new double[n][5];
        final double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 5; j++) {
                x[i][j] = (j + 1) * random.nextGaussian() + j;
            }
            y[i] = 3 + x[i][0] - 0.5 * x[i][1] + 0.25 * x[i][3] + 0.5 * random.nextGaussian();
        }
        return new Data(x, y);
    }

    private static Model model(Data data, boolean intercept, String... learners) {
        final Map<String, LearnerConfig> configs = new LinkedHashMap<>();
        for (String spec : learners) {
            final int colon = spec.indexOf(':');
            configs.put(spec.substring(0, colon), LearnerConfig.parse(LearnerConfig.splitPairs(spec.substring(colon + 1))));
        }
        final List<String> names = java.util.stream.IntStream.range(0, data.x[0].length).mapToObj(j -> "x" + (j + 1)).toList();
        final Model model = new Model(names, new ModelOptions(new LeastSquaresOptions(intercept, 1.0, 0.0), 1000), configs);
        for (int i = 0; i < data.y.length; i++) {
            model.observe(data.x[i], data.y[i]);
        }
        return model;
    }

    private static ExternalWeights exactWeights(Model model, String name) {
        final double[] theta = model.exact().coefficients();
        final boolean intercept = model.options().exact().intercept();
        return new ExternalWeights(name, intercept ? theta[0] : null,
                Arrays.copyOfRange(theta, intercept ? 1 : 0, theta.length));
    }

    private static List<String> codes(List<Finding> findings) {
        return findings.stream().map(f -> f.code().code() + (f.learner() == null ? "" : ":" + f.learner())).toList();
    }

    @Test
    void shouldCallTheExactFitsOwnWeightsConverged() {
        final Model model = model(wellPosed(2000, 1), true);
        final Diagnostics.Judgement judgement = Diagnostics.judge(model, exactWeights(model, "mine"));
        final LearnerReport r = judgement.report();

        assertThat(r.optimizer()).isEqualTo(LearnerReport.EXTERNAL);
        assertThat(r.external()).isTrue();
        assertThat(r.excessMse()).isZero();
        assertThat(r.weightGap()).isZero();
        assertThat(r.r2()).isEqualTo(model.exact().r2());
        assertThat(r.mse()).isEqualTo(model.exact().mse());
        assertThat(r.inSampleGradientNorm()).isLessThan(1e-10);
        assertThat(judgement.records()).isEqualTo(2000);
        assertThat(codes(judgement.findings())).containsExactly("converged:mine");
        assertThat(judgement.findings().get(0).message()).startsWith("Weights mine are at the exact fit");
    }

    @Test
    void shouldCallWeightsThatDifferOnlyAlongANullDirectionEquivalent() {
        final Model model = model(collinear(500, 2), true);
        final ModelReport report = Diagnostics.report(model);
        assertThat(report.exact().conditioning().nullSpaceDimension()).isEqualTo(1);
        final double[] n = report.exact().conditioning().nullBasis()[0];
        final double[] theta = model.exact().coefficients();
        for (int k = 0; k < theta.length; k++) {
            theta[k] += 0.7 * n[k]; // (b, w1, w2, w3) + 0.7·(direction of b − w1 + w2 ≈ 0)
        }
        final ExternalWeights shifted = new ExternalWeights("shifted", theta[0], Arrays.copyOfRange(theta, 1, 4));

        final Diagnostics.Judgement judgement = Diagnostics.judge(model, shifted);
        final LearnerReport r = judgement.report();

        assertThat(r.weightGap()).isCloseTo(0.7, within(1e-12));
        assertThat(r.weightGapNull()).isCloseTo(0.7, within(1e-12));
        assertThat(r.weightGapIdentifiable()).isLessThan(1e-6);
        // no data tells them apart: the same loss as the exact fit, to rounding
        assertThat(r.excessMse()).isLessThan(1e-24);
        assertThat(r.mse()).isCloseTo(model.exact().mse(), within(1e-15));
        assertThat(codes(judgement.findings())).containsExactly("not_identifiable:shifted", "converged:shifted");
        assertThat(judgement.findings().get(0).message())
                .contains("100.0% of it (in squares) along directions no data determines", "no worse than the exact fit");
    }

    @Test
    void shouldReportTheKerasUsersAdamWeightsAsFittingPerfectlyWithTheWholeGapAlongTheNullDirection() {
        final SeedDesigns.Data keras = SeedDesigns.keras();
        final Model model = model(new Data(keras.x(), keras.y()), true);
        // the question's Adam: w = (1.15, 0.85); with b = 0.15, ŷ = 1.15 x1 + 0.85 (x1 + 1) + 0.15 = 2 x1 + 1 = y
        final Diagnostics.Judgement judgement = Diagnostics.judge(model, new ExternalWeights("adam", 0.15, new double[] {1.15, 0.85}));
        final LearnerReport r = judgement.report();

        assertThat(r.r2()).isCloseTo(1.0, within(1e-14));
        assertThat(r.excessMse()).isLessThan(1e-26);
        assertThat(r.weightGapNull() / r.weightGap()).isCloseTo(1.0, within(1e-12));
        // nothing of it identifiable, to rounding (√(gap² − null²) left √ε·gap = 7e-9 here)
        assertThat(r.weightGapIdentifiable()).isLessThan(1e-14 * r.weightGap());
        assertThat(codes(judgement.findings())).containsExactly("not_identifiable:adam", "converged:adam");
        assertThat(judgement.findings().get(1).message()).contains("fit the records as well as the exact fit");
    }

    @Test
    void shouldMatchADataPassForBadWeights() {
        final Data data = wellPosed(3000, 3);
        final Model model = model(data, true);
        final double[] w = {0.3, 1.1, -2.0, 0.9, 0.05};
        final double b = -1.5;
        final Diagnostics.Judgement judgement = Diagnostics.judge(model, new ExternalWeights("bad", b, w));
        final LearnerReport r = judgement.report();

        // the data pass: Σ (y − b − wᵀx)² / n, Σ (xᵀ(θ − θ*))² / n and 1 − SSE/TSS, in plain Java, compensated
        final double[] best = model.exact().coefficients();
        final int n = data.y.length;
        double mean = 0.0;
        for (double v : data.y) {
            mean += v / n;
        }
        final Kahan sse = new Kahan();
        final Kahan excess = new Kahan();
        final Kahan tss = new Kahan();
        for (int i = 0; i < n; i++) {
            double prediction = b;
            double difference = b - best[0];
            for (int j = 0; j < 5; j++) {
                prediction += w[j] * data.x[i][j];
                difference += (w[j] - best[1 + j]) * data.x[i][j];
            }
            sse.add((data.y[i] - prediction) * (data.y[i] - prediction));
            excess.add(difference * difference);
            tss.add((data.y[i] - mean) * (data.y[i] - mean));
        }
        assertThat(r.excessMse()).isGreaterThan(100 * model.exact().mse());
        final double excessMse = excess.value() / n;
        final double mse = sse.value() / n;
        final double r2 = 1 - sse.value() / tss.value();
        assertThat(r.excessMse()).isCloseTo(excessMse, within(1e-12 * excessMse));
        assertThat(r.mse()).isCloseTo(mse, within(1e-12 * mse));
        assertThat(r.r2()).isCloseTo(r2, within(1e-12 * Math.abs(r2)));
        assertThat(r.r2Gap()).isCloseTo(excess.value() / tss.value(), within(1e-12 * excess.value() / tss.value()));
        assertThat(codes(judgement.findings())).containsExactly("not_converged:bad");
        assertThat(judgement.findings().get(0).message()).startsWith("Weights bad are not at the exact fit");
    }

    /** Neumaier's compensated summation, so the reference does not lose the digits it checks. */
    private static final class Kahan {
        private double sum;
        private double compensation;

        void add(double v) {
            final double t = sum + v;
            compensation += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
            sum = t;
        }

        double value() {
            return sum + compensation;
        }
    }

    @Test
    void shouldCarryNoNumberOnlyARunningLearnerHas() {
        final Model model = model(wellPosed(500, 4), true);
        final LearnerReport r = Diagnostics.judge(model, new ExternalWeights("w", 1.0, new double[] {1, 0, 0, 0, 0})).report();
        for (double v : new double[] {r.prequentialR2(), r.prequentialMse(), r.gradientNorm(), r.lastGradientNorm(), r.weightNorm(),
                r.updateRatio(), r.rateRatio(), r.loss(), r.lr(), r.lrStabilityBound(), r.lrRecordBound(), r.hessianMax(),
                r.hessianMinIdentifiable(), r.stepsToConverge(), r.noiseFloorMse(), r.driftAbsolute(), r.driftRelative(),
                r.startWeightGap(), r.startExcessMse()}) {
            assertThat(v).isNaN();
        }
        assertThat(r.steps()).isZero();
        assertThat(r.diverged()).isFalse();
        assertThat(r.inSampleGradientNorm()).isPositive();
        assertThat(r.gapAlongNull()).containsOnly(0.0);
    }

    @Test
    void shouldGiveExternalWeightsNoFindingAboutAnOptimizerAndNoAdvice() {
        // raw features on very different scales and a tiny target: learners get told to scale; weights must not be
        final Random random = new Random(5);
        final double[][] x = new double[3000][];
        final double[] y = new double[3000];
        for (int i = 0; i < y.length; i++) {
            x[i] = new double[] {random.nextGaussian(), 1e4 + 1e3 * random.nextGaussian()};
            y[i] = 1e-4 * (x[i][0] + 1e-3 * x[i][1] + random.nextGaussian());
        }
        final Model model = model(new Data(x, y), true, "sgd:optimizer=sgd,lr=1e-9");
        final ModelReport report = Diagnostics.report(model, List.of(new ExternalWeights("zw", 0.0, new double[] {0, 0}),
                exactWeights(model, "xw")));

        assertThat(report.learners()).extracting(LearnerReport::name).containsExactly("sgd", "zw", "xw");
        assertThat(codes(report.findings())).contains("features_unscaled", "target_unscaled", "not_converged:zw", "converged:xw");
        for (Finding f : report.findings()) {
            if (f.code().advises()) {
                assertThat(f.learners()).as(f.message()).doesNotContain("xw");
            }
            if (f.learner() == null) {
                assertThat(f.learners()).as(f.message()).doesNotContain("zw").doesNotContain("xw");
                assertThat(f.message()).doesNotContain("zw").doesNotContain("xw");
            } else if (!f.learner().equals("sgd")) {
                assertThat(OPTIMIZER_ONLY).as(f.message()).doesNotContain(f.code());
                assertThat(f.message()).doesNotContain("η", "learning rate", "step");
            }
        }
    }

    @Test
    void shouldLeaveTheLearnersReportsAsTheyWereBitForBit() throws Exception {
        final Model model = model(collinear(400, 6), true, "sgd:optimizer=sgd,lr=0.01", "adam:optimizer=adam,lr=0.01,init=normal");
        final ModelReport alone = Diagnostics.report(model);
        final ModelReport with = Diagnostics.report(model, List.of(new ExternalWeights("w", 0.0, new double[] {1, 1, 1})));
        assertThat(with.learners()).hasSize(3);
        for (int i = 0; i < 2; i++) {
            for (RecordComponent c : LearnerReport.class.getRecordComponents()) {
                final Object a = c.getAccessor().invoke(alone.learners().get(i));
                final Object b = c.getAccessor().invoke(with.learners().get(i));
                if (a instanceof double[] array) {
                    assertThat(Arrays.equals(array, (double[]) b)).as(c.getName()).isTrue();
                } else {
                    assertThat(b).as(c.getName()).isEqualTo(a);
                }
            }
        }
        final List<String> before = codes(alone.findings());
        assertThat(codes(with.findings()).stream().filter(c -> !c.endsWith(":w")).toList()).isEqualTo(before);
    }

    @Test
    void shouldJudgeWeightsWithoutAnInterceptAtZeroAndSaySo() {
        final Model model = model(wellPosed(1000, 7), true);
        final ExternalWeights noIntercept = new ExternalWeights("torch", null, new double[] {1, -0.5, 0, 0.25, 0});
        final Diagnostics.Judgement judgement = Diagnostics.judge(model, noIntercept);
        final double[] theta = {0, 1, -0.5, 0, 0.25, 0};

        assertThat(judgement.report().excessMse()).isEqualTo(model.exact().excessSse(theta) / model.exact().effectiveCount());
        assertThat(judgement.report().intercept()).isZero();
        assertThat(judgement.report().settings()).isEqualTo("intercept=false");
        assertThat(judgement.findings().get(judgement.findings().size() - 1).message())
                .contains("They came without an intercept and were judged with b = 0");
    }

    @Test
    void shouldRefuseWeightsThatDoNotFitTheModel() {
        final Model withIntercept = model(wellPosed(100, 8), true);
        assertThatThrownBy(() -> Diagnostics.judge(withIntercept, new ExternalWeights("w", 0.0, new double[] {1, 2, 3})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("3 weights where the model has 5 features (x1, x2, … x5)");
        final Model without = model(wellPosed(100, 8), false);
        assertThatThrownBy(() -> Diagnostics.judge(without, new ExternalWeights("w", 0.5, new double[5])))
                .hasMessageContaining("intercept 0.5 for a model fit without one");
        // scikit-learn's intercept_ = 0.0 with fit_intercept=False is taken
        assertThat(Diagnostics.judge(without, new ExternalWeights("w", 0.0, new double[5])).report().intercept()).isZero();
        assertThatThrownBy(() -> Diagnostics.report(withIntercept, List.of(new ExternalWeights("a", 0.0, new double[5]),
                new ExternalWeights("a", 1.0, new double[5])))).hasMessageContaining("the name 'a' is taken");
    }

    @Test
    void shouldRefuseNonFiniteWeightsAndBadNames() {
        assertThatThrownBy(() -> new ExternalWeights("w", 0.0, new double[] {1, Double.NaN}))
                .hasMessage("weights[1] is NaN: only finite weights can be judged");
        assertThatThrownBy(() -> new ExternalWeights("w", Double.POSITIVE_INFINITY, new double[] {1}))
                .hasMessage("intercept is Infinity: only finite weights can be judged");
        assertThatThrownBy(() -> new ExternalWeights("w", 0.0, new double[] {1e101})).hasMessageContaining("beyond ±1.0E100");
        assertThatThrownBy(() -> new ExternalWeights("my weights", 0.0, new double[] {1})).hasMessageContaining("the name must be");
    }
}
