package io.gapwatch.report;

import io.gapwatch.engine.diagnostics.ExternalWeights;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The weights document as scikit-learn, PyTorch and Keras users write it, and one clear sentence for each mistake. */
class WeightsJsonTest {

    private static ExternalWeights parse(String json) throws WeightsJson.Invalid {
        return WeightsJson.parse(json.getBytes(StandardCharsets.UTF_8), "default");
    }

    private static WeightsJson.Invalid refused(String json) {
        try {
            parse(json);
        } catch (WeightsJson.Invalid e) {
            return e;
        }
        throw new AssertionError("taken: " + json);
    }

    @Test
    void shouldReadTheFlatFormAndKeepEveryDigit() throws Exception {
        final ExternalWeights w = parse("{\"name\": \"sk\", \"intercept\": 0.1, \"weights\": [1.0000000000000002, -3e-300, 7]}");
        assertThat(w.name()).isEqualTo("sk");
        assertThat(w.intercept()).isEqualTo(0.1);
        assertThat(w.weights()).containsExactly(1.0000000000000002, -3e-300, 7.0);
    }

    @Test
    void shouldTakeOneRowOrOneColumnAndAOneElementBias() throws Exception {
        // PyTorch: weight.tolist() is 1×d, bias.tolist() [b]; Keras: kernel d×1, bias [b]
        final ExternalWeights torch = parse("{\"intercept\": [0.5], \"weights\": [[1, 2, 3]]}");
        assertThat(torch.weights()).containsExactly(1.0, 2.0, 3.0);
        assertThat(torch.intercept()).isEqualTo(0.5);
        assertThat(torch.name()).isEqualTo("default");
        final ExternalWeights keras = parse("{\"intercept\": [0.5], \"weights\": [[1], [2], [3]]}");
        assertThat(keras.weights()).containsExactly(1.0, 2.0, 3.0);
        assertThat(parse("{\"weights\": [[4]]}").weights()).containsExactly(4.0);
    }

    @Test
    void shouldReadAbsentOrNullInterceptAsNone() throws Exception {
        assertThat(parse("{\"weights\": [1]}").intercept()).isNull();
        assertThat(parse("{\"intercept\": null, \"weights\": [1]}").intercept()).isNull();
    }

    @Test
    void shouldCallBadJsonMalformed() {
        assertThat(refused("{\"weights\": [1, 2}").getMessage()).startsWith("not JSON: Unexpected close marker '}'")
                .doesNotContain("Source").contains("line 1");
        assertThat(refused("").getMessage()).startsWith("empty");
        assertThat(refused("[1, 2]").getMessage()).isEqualTo("expected an object {\"name\": …, \"intercept\": b, \"weights\": [w1, …, wd]}, got an array");
        assertThat(refused("{\"weights\": [1]} {}").getMessage()).startsWith("not JSON");
        assertThat(refused("{\"weights\": [1], \"weights\": [2]}").getMessage()).contains("Duplicate field 'weights'");
        assertThat(refused("{\"bias\": 1, \"weights\": [1]}").getMessage())
                .isEqualTo("unknown field 'bias' (the fields are name, intercept and weights)");
        assertThat(refused("{\"intercept\": 1}").getMessage()).isEqualTo("no weights: expected \"weights\": [w1, …, wd]");
        assertThat(refused("{\"weights\": [1, \"2\"]}").getMessage()).isEqualTo("weights[1] must be a number, got the string \"2\"");
        assertThat(refused("{\"weights\": [[1, 2], [3, 4]]}").getMessage())
                .isEqualTo("weights must be one row or one column: weights[0] is an array of 2");
        assertThat(refused("{\"weights\": 3}").getMessage()).isEqualTo("weights must be an array of numbers, got number");
        assertThat(refused("{\"name\": 3, \"weights\": [1]}").getMessage()).isEqualTo("name must be a string, got number");
        assertThat(refused("{\"weights\": [1, 2}").malformed()).isTrue();
    }

    @Test
    void shouldReadNonFiniteNumbersAndRefuseThemAsValuesNotAsJson() {
        // Python's json.dump writes NaN and Infinity for diverged weights
        final WeightsJson.Invalid nan = refused("{\"weights\": [1, NaN]}");
        assertThat(nan.malformed()).isFalse();
        assertThat(nan.getMessage()).isEqualTo("weights[1] is NaN: only finite weights can be judged");
        assertThat(refused("{\"intercept\": -Infinity, \"weights\": [1]}").getMessage())
                .isEqualTo("intercept is -Infinity: only finite weights can be judged");
        assertThat(refused("{\"weights\": [1e400]}").getMessage()).isEqualTo("weights[0] is Infinity: only finite weights can be judged");
        assertThat(refused("{\"name\": \"a b\", \"weights\": [1]}").malformed()).isFalse();
    }
}
