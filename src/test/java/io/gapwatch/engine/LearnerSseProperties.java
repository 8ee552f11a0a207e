package io.gapwatch.engine;

import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.engine.sgd.OnlineLearner;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A learner's in-sample SSE read off the exact fit's factor, ‖Rθ − z‖² + RSS*, equals a direct
 * pass over every record with the learner's weights in original units — whatever the optimizer and
 * however the learner prepares its inputs.
 */
class LearnerSseProperties {

    @Provide
    Arbitrary<String> settings() {
        return Arbitraries.of(
                "optimizer=sgd,lr=0.01", "optimizer=momentum,lr=0.001", "optimizer=nesterov,lr=0.001",
                "optimizer=adagrad,lr=0.1", "optimizer=rmsprop,lr=0.001", "optimizer=adam,lr=0.01",
                "optimizer=adamw,lr=0.01,weight-decay=0.01", "optimizer=sgd,lr=0.01,standardize=true",
                "optimizer=sgd,lr=0.01,scale-target=true,standardize=true", "optimizer=sgd,lr=0.1,whiten=true",
                "optimizer=adam,lr=0.01,batch=4,average=true", "optimizer=sgd,lr=0.01,intercept=false,init=he,seed=3");
    }

    @Property(tries = 100)
    void shouldMatchADirectPassOverTheRecords(@ForAll("settings") String settings, @ForAll long seed) {
        final Random random = new Random(seed);
        final int d = 1 + random.nextInt(6);
        final int n = 5 + random.nextInt(300);
        final List<String> names = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            names.add("x" + j);
        }
        final Model model = new Model(names, ModelOptions.DEFAULTS,
                Map.of("l", LearnerConfig.parse(LearnerConfig.splitPairs(settings))));
        final double[][] x = new double[n][d];
        final double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = (j + 1) * random.nextGaussian() + j;
            }
            y[i] = 3 + x[i][0] + random.nextGaussian();
            model.observe(x[i], y[i]);
        }
        final OnlineLearner learner = model.learners().get(0);
        final double[] theta = new double[d + 1];
        learner.coefficients(theta, true);
        double direct = 0.0;
        double scale = 0.0;
        for (int i = 0; i < n; i++) {
            double fitted = theta[0];
            double magnitude = Math.abs(y[i]) + Math.abs(theta[0]);
            for (int j = 0; j < d; j++) {
                fitted += theta[1 + j] * x[i][j];
                magnitude += Math.abs(theta[1 + j] * x[i][j]);
            }
            direct += (y[i] - fitted) * (y[i] - fitted);
            scale += magnitude * magnitude;
        }
        assertThat(model.exact().sse(theta)).isCloseTo(direct, within(1e-12 * scale * n));
        // and the learner's own predictions use the same weights
        assertThat(learner.predict(x[0])).isCloseTo(theta[0] + dot(theta, x[0]), within(1e-9 * (1 + Math.sqrt(scale))));
    }

    private static double dot(double[] theta, double[] x) {
        double s = 0.0;
        for (int j = 0; j < x.length; j++) {
            s += theta[1 + j] * x[j];
        }
        return s;
    }
}
