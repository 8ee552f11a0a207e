package io.gapwatch.engine.sgd;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The learners against trajectories computed independently by scripts/golden_trajectories.py:
 * plain SGD as scikit-learn's SGDRegressor(learning_rate="constant", penalty=None, shuffle=False)
 * fed one record at a time, and Adam as Kingma &amp; Ba's Algorithm 1 — equal to the last bit after
 * every one of 300 records.
 */
class GoldenTrajectoryTest {

    private static List<double[]> golden() throws IOException {
        final List<double[]> rows = new ArrayList<>();
        try (var in = Objects.requireNonNull(GoldenTrajectoryTest.class.getResourceAsStream("/golden/trajectories.csv"));
             var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#") || line.startsWith("y,")) {
                    continue;
                }
                final String[] parts = line.split(",");
                final double[] row = new double[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    row[i] = Double.parseDouble(parts[i]);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void shouldFollowScikitLearnsConstantRateSgdToTheLastBit() throws IOException {
        assertTrajectory(LearnerConfig.parse(Map.of("optimizer", "sgd", "lr", "0.01")), 4);
    }

    @Test
    void shouldFollowKingmaAndBasAdamToTheLastBit() throws IOException {
        assertTrajectory(LearnerConfig.parse(Map.of("optimizer", "adam", "lr", "0.05")), 8);
    }

    private static void assertTrajectory(LearnerConfig config, int firstColumn) throws IOException {
        final List<double[]> rows = golden();
        assertThat(rows).hasSize(300);
        final OnlineLearner learner = new OnlineLearner("golden", config, 3, 1000);
        for (int k = 0; k < rows.size(); k++) {
            final double[] row = rows.get(k);
            learner.train(new double[] {row[1], row[2], row[3]}, row[0], v -> {
                throw new AssertionError("no whitening here");
            });
            final double[] expected = {row[firstColumn], row[firstColumn + 1], row[firstColumn + 2], row[firstColumn + 3]};
            final double[] actual = {learner.intercept(), learner.weight(0), learner.weight(1), learner.weight(2)};
            for (int i = 0; i < 4; i++) {
                assertThat(Double.doubleToRawLongBits(actual[i]))
                        .as("record %d, coefficient %d: %s vs golden %s", k, i, actual[i], expected[i])
                        .isEqualTo(Double.doubleToRawLongBits(expected[i]));
            }
        }
    }
}
