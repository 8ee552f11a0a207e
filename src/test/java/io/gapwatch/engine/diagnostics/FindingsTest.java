package io.gapwatch.engine.diagnostics;

import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.sgd.LearnerConfig;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each finding fires where its threshold says, and stays quiet on a clean problem. (The seeds in
 * SeedAcceptanceTest trigger the collinearity, conditioning, target, divergence, stability,
 * identifiability and slow-convergence findings on the users' own data.)
 */
class FindingsTest {

    private static Model model(ModelOptions options, int d, String... specs) {
        final Map<String, LearnerConfig> learners = new LinkedHashMap<>();
        for (String spec : specs) {
            final int colon = spec.indexOf(':');
            learners.put(spec.substring(0, colon), LearnerConfig.parse(LearnerConfig.splitPairs(spec.substring(colon + 1))));
        }
        final List<String> names = java.util.stream.IntStream.range(0, d).mapToObj(j -> "x" + j).toList();
        return new Model(names, options, learners);
    }

    private static List<String> codes(Model model) {
        return Diagnostics.report(model).findings().stream()
                .map(f -> f.code().code() + (f.learner() == null ? "" : ":" + f.learner())).toList();
    }

    @Test
    void shouldFindNothingButConvergenceOnACleanProblemAndTheNoiseFloorOfAConstantStep() {
        final Model model = model(ModelOptions.DEFAULTS, 4, "constant:optimizer=sgd,lr=0.01",
                "averaged:optimizer=sgd,lr=0.01,average=true", "std:optimizer=sgd,lr=0.01,standardize=true,average=true");
        final Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            final double[] x = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
            model.observe(x, 1 + x[0] - x[1] + 0.5 * x[3] + 0.3 * random.nextGaussian());
        }
        assertThat(codes(model)).containsExactly("noise_floor:constant", "not_converged:constant", "converged:averaged", "converged:std");
        final LearnerReport constant = Diagnostics.report(model).learners().get(0);
        // the floor predicts the excess a constant step leaves, to within the stated factor
        assertThat(constant.excessMse()).isBetween(constant.noiseFloorMse() / 3, constant.noiseFloorMse() * 3);
    }

    @Test
    void shouldFindUnscaledFeaturesOnlyForLearnersThatTrainOnThemRaw() {
        final Model model = model(ModelOptions.DEFAULTS, 2, "raw:optimizer=adam,lr=0.01", "std:optimizer=adam,lr=0.01,standardize=true");
        final Random random = new Random(2);
        for (int i = 0; i < 2000; i++) {
            final double[] x = {random.nextGaussian(), 1e4 * random.nextGaussian()};
            model.observe(x, x[0] + 1e-4 * x[1] + random.nextGaussian());
        }
        final Finding finding = Diagnostics.report(model).findings().stream()
                .filter(f -> f.code() == FindingCode.FEATURES_UNSCALED).findFirst().orElseThrow();
        assertThat(finding.message()).contains("Learner raw trains on raw features").doesNotContain("std");
        assertThat(finding.learners()).containsExactly("raw");
    }

    @Test
    void shouldFindARateAboveThePerRecordBoundButBelowTheStabilityBound() {
        // Gaussian x in 5 dimensions: λ_max ≈ 1 (bound ≈ 2) while max‖x‖² ≈ 25 (record bound ≈ 0.08)
        final Model model = model(ModelOptions.DEFAULTS, 5, "jitter:optimizer=sgd,lr=0.3", "calm:optimizer=sgd,lr=0.01");
        final Random random = new Random(3);
        for (int i = 0; i < 5000; i++) {
            final double[] x = new double[5];
            for (int j = 0; j < 5; j++) {
                x[j] = random.nextGaussian();
            }
            model.observe(x, x[0] + random.nextGaussian());
        }
        final ModelReport report = Diagnostics.report(model);
        final LearnerReport jitter = report.learners().get(0);
        assertThat(jitter.lr()).isGreaterThan(jitter.lrRecordBound()).isLessThan(jitter.lrStabilityBound());
        assertThat(codes(model)).contains("lr_above_record_bound:jitter")
                .doesNotContain("lr_above_record_bound:calm", "lr_above_stability_bound:jitter");
    }

    @Test
    void shouldFindConceptDriftWhenTheRelationshipChanges() {
        final ModelOptions options = new ModelOptions(new LeastSquaresOptions(true, 0.99, 0.0), 200);
        final Model model = model(options, 2, "sgd:optimizer=sgd,lr=0.01");
        final Random random = new Random(4);
        for (int i = 0; i < 1000; i++) {
            final double[] x = {random.nextGaussian(), random.nextGaussian()};
            final double slope = i < 700 ? 2.0 : -2.0;
            model.observe(x, slope * x[0] + 0.1 * random.nextGaussian());
            if (i == 599) {
                assertThat(codes(model)).doesNotContain("concept_drift");
            }
        }
        assertThat(codes(model)).contains("concept_drift");
    }

    @Test
    void shouldDefineEveryCodeWithAThresholdAndADescription() {
        for (FindingCode code : FindingCode.values()) {
            assertThat(code.threshold()).as(code.code()).isPositive();
            assertThat(code.doc()).as(code.code()).isNotBlank();
            assertThat(code.code()).matches("[a-z_]+");
        }
    }
}
