package io.gapwatch.engine;

import io.gapwatch.demo.SeedDesigns;
import io.gapwatch.engine.exact.EstimatorCodec;
import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.sgd.LearnerConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Epochs are passes of the learners over the same data: the exact fit, the least-squares answer
 * over the data, must come out bit for bit the same after 1, 3 or 50 of them, on every seed design.
 */
class EpochsTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keras", "collinear121", "kernel600", "ramp"})
    void shouldLeaveTheExactFitBitForBitWhateverTheEpochs(String name) throws IOException {
        final SeedDesigns.Data data = SeedDesigns.all().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
        final byte[] once = exactState(data, 1);
        assertThat(exactState(data, 3)).isEqualTo(once);
        assertThat(exactState(data, 50)).isEqualTo(once);
    }

    private static byte[] exactState(SeedDesigns.Data data, int epochs) throws IOException {
        final ModelOptions options = new ModelOptions(new LeastSquaresOptions(data.intercept(), 1.0, 0.0), ModelOptions.DEFAULT_WINDOW);
        final Map<String, LearnerConfig> learners = Map.of("sgd", LearnerConfig.parse(Map.of(
                "optimizer", "sgd", "lr", "1e-12", "intercept", Boolean.toString(data.intercept()))));
        final Model model = new Model(data.featureNames(), options, learners);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            if (epoch > 1) {
                model.startPass();
            }
            for (int i = 0; i < data.rows(); i++) {
                if (epoch == 1) {
                    model.observe(data.x()[i], data.y()[i]);
                } else {
                    model.revisit(data.x()[i], data.y()[i]);
                }
            }
        }
        assertThat(model.count()).isEqualTo(data.rows());
        assertThat(model.passes()).isEqualTo(epochs);
        assertThat(model.presented()).isEqualTo((long) epochs * data.rows());
        assertThat(model.learners().get(0).steps()).isEqualTo((long) epochs * data.rows());
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EstimatorCodec.write(model.exact(), new DataOutputStream(bytes));
        return bytes.toByteArray();
    }
}
