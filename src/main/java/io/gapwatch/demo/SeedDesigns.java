package io.gapwatch.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The data of the four seed questions (../shared/seeds), generated with fixed seeds: the designs
 * the acceptance tests, the golden scripts, the README's examples and {@code gapwatch seeds} share.
 */
public final class SeedDesigns {

    private SeedDesigns() {
    }

    /**
     * Rows x with targets y, and the name of each feature column.
     *
     * @param intercept whether the seed user's model has an intercept (the kernel question's has none)
     */
    public record Data(String name, List<String> featureNames, double[][] x, double[] y, boolean intercept) {
        public int rows() {
            return y.length;
        }

        public int features() {
            return x[0].length;
        }

        /**
         * Writes the design as CSV, header {@code featureNames…,y}, every number at full precision
         * (the shortest decimal that reads back to the same double).
         */
        public void writeCsv(Path file) throws IOException {
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                out.write(String.join(",", featureNames));
                out.write(",y\n");
                final StringBuilder line = new StringBuilder();
                for (int i = 0; i < rows(); i++) {
                    line.setLength(0);
                    for (double v : x[i]) {
                        line.append(Double.toString(v)).append(',');
                    }
                    line.append(Double.toString(y[i])).append('\n');
                    out.write(line.toString());
                }
            }
        }
    }

    /** The four seed designs as the README and the acceptance tests use them. */
    public static List<Data> all() {
        return List.of(keras(), collinear121(), kernel600(), shiftedRamp());
    }

    /** The 121-feature question at its size: 9,259 rows, generator seed 121. */
    public static Data collinear121() {
        return collinear121(9259, 121);
    }

    /** The kernel question: a 600×600 Gaussian kernel, entries ×1000 (SGD explodes above η ≈ 1e-8), seed 600. */
    public static Data kernel600() {
        return kernel600(1000, 600);
    }

    /** The shifted ramp with the question's 1,500 samples. */
    public static Data shiftedRamp() {
        return shiftedRamp(1500);
    }

    private static List<String> names(String prefix, int d, int width, int first) {
        final List<String> names = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            names.add(prefix + String.format(Locale.ROOT, "%0" + width + "d", j + first));
        }
        return List.copyOf(names);
    }

    /**
     * The 121-feature question: 9,259 rows of standardized (mean 0, variance 1), strongly
     * collinear features — 121 noisy mixtures of 12 latent factors — and a target with a tiny
     * variance (≈1.6e-6, so MSE ≈ 8e-7 at R² ≈ 0.5, as in the question).
     */
    public static Data collinear121(int rows, long seed) {
        final int d = 121;
        final int factors = 12;
        final Random random = new Random(seed);
        final double[][] mixing = new double[factors][d];
        for (double[] m : mixing) {
            for (int j = 0; j < d; j++) {
                m[j] = random.nextGaussian();
            }
        }
        final double[] beta = new double[factors];
        for (int k = 0; k < factors; k++) {
            beta[k] = random.nextGaussian();
        }
        final double[][] x = new double[rows][d];
        final double[] signal = new double[rows];
        for (int i = 0; i < rows; i++) {
            final double[] z = new double[factors];
            for (int k = 0; k < factors; k++) {
                z[k] = random.nextGaussian();
                signal[i] += beta[k] * z[k];
            }
            for (int j = 0; j < d; j++) {
                double v = 0.005 * random.nextGaussian();
                for (int k = 0; k < factors; k++) {
                    v += z[k] * mixing[k][j];
                }
                x[i][j] = v;
            }
        }
        standardize(x);
        // scale the target to variance ≈ 1.6e-6 with half of it explained
        double signalVariance = 0.0;
        for (double s : signal) {
            signalVariance += s * s / rows;
        }
        final double scale = Math.sqrt(0.8e-6 / signalVariance);
        final double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = 3e-3 + scale * signal[i] + Math.sqrt(0.8e-6) * random.nextGaussian();
        }
        return new Data("collinear121", names("f", d, 3, 1), x, y, true);
    }

    private static void standardize(double[][] x) {
        final int n = x.length;
        final int d = x[0].length;
        for (int j = 0; j < d; j++) {
            double mean = 0.0;
            for (double[] row : x) {
                mean += row[j];
            }
            mean /= n;
            double variance = 0.0;
            for (double[] row : x) {
                variance += (row[j] - mean) * (row[j] - mean);
            }
            final double sd = Math.sqrt(variance / n);
            for (double[] row : x) {
                row[j] = (row[j] - mean) / sd;
            }
        }
    }

    /**
     * The "linear layer vs analytical" question: a 600×600 Gaussian kernel matrix (no intercept),
     * its entries multiplied by {@code scale} — the question's SGD exploded above η = 1e-8, which
     * puts λ_max of its mean Hessian near 2e8.
     */
    public static Data kernel600(double scale, long seed) {
        final int n = 600;
        final Random random = new Random(seed);
        final double[][] points = new double[n][3];
        for (double[] point : points) {
            for (int k = 0; k < 3; k++) {
                point[k] = random.nextDouble();
            }
        }
        final double[][] kernel = new double[n][n];
        final double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double squared = 0.0;
                for (int k = 0; k < 3; k++) {
                    squared += (points[i][k] - points[j][k]) * (points[i][k] - points[j][k]);
                }
                kernel[i][j] = scale * Math.exp(-squared / (2 * 0.5 * 0.5));
            }
            y[i] = Math.sin(3 * points[i][0]) + points[i][1] * points[i][2];
        }
        return new Data("kernel600", names("k", n, 3, 1), kernel, y, false);
    }

    /** The shifted ramp: S_i = S_0 + 100·i with S_0 = (0, 1, …, 99), label i, i = 0 … rows − 1. */
    public static Data shiftedRamp(int rows) {
        final double[][] x = new double[rows][100];
        final double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 100; j++) {
                x[i][j] = j + 100.0 * i;
            }
            y[i] = i;
        }
        return new Data("ramp", names("s", 100, 2, 0), x, y, true);
    }

    /** The Keras question: x2 = x1 + 1, y = 2·x1 + 1, five rows. */
    public static Data keras() {
        return new Data("keras", List.of("x1", "x2"), new double[][] {{1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}},
                new double[] {3, 5, 7, 9, 11}, true);
    }
}
