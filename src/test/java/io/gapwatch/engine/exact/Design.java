package io.gapwatch.engine.exact;

import java.util.Random;

/**
 * A seeded test design: rows x with targets y, of one of the shapes that stress the exact fit.
 * Generated from a seed with java.util.Random so that a failing jqwik case prints a replayable seed.
 */
record Design(Kind kind, boolean intercept, double[][] x, double[] y) {

    enum Kind {
        /** Gaussian features, n ≥ p + 2: full rank and well conditioned. */
        RANDOM,
        /** Some columns exact linear combinations of others (or constant with the intercept). */
        RANK_DEFICIENT,
        /** Full rank, columns scaled by 10^−6 … 10^6 and offset by large means. */
        BADLY_SCALED,
        /** Fewer records than coefficients: rank-deficient by construction. */
        FEW_ROWS
    }

    static Design generate(Kind kind, int rows, int features, boolean intercept, long seed) {
        final Random random = new Random(seed);
        final int p = features + (intercept ? 1 : 0);
        final int n = switch (kind) {
            case RANDOM, BADLY_SCALED -> Math.max(rows, p + 2);
            case RANK_DEFICIENT -> Math.max(rows, p + 2);
            case FEW_ROWS -> Math.max(1, Math.min(rows, p - 1));
        };
        final double[][] x = new double[n][features];
        final double[] beta = new double[features];
        for (int j = 0; j < features; j++) {
            beta[j] = random.nextGaussian();
        }
        final double[] scale = new double[features];
        final double[] shift = new double[features];
        for (int j = 0; j < features; j++) {
            scale[j] = kind == Kind.BADLY_SCALED ? Math.pow(10, random.nextInt(13) - 6) : 1.0;
            shift[j] = kind == Kind.BADLY_SCALED && random.nextBoolean() ? 1000 * scale[j] * random.nextGaussian() : 0.0;
        }
        // For RANK_DEFICIENT: every column after the first two (or a random one) copies a combination of earlier ones.
        final int[][] sources = new int[features][];
        final double[][] mix = new double[features][];
        if (kind == Kind.RANK_DEFICIENT && features >= 2) {
            for (int j = 1; j < features; j++) {
                if (random.nextInt(3) == 0 || j == features - 1) {
                    final int a = random.nextInt(j);
                    final int b = random.nextInt(j);
                    sources[j] = new int[] {a, b};
                    mix[j] = new double[] {random.nextInt(5) - 2, random.nextInt(3) - 1};
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < features; j++) {
                if (sources[j] != null) {
                    x[i][j] = mix[j][0] * x[i][sources[j][0]] + mix[j][1] * x[i][sources[j][1]];
                    if (intercept && mix[j][1] == 0.0) {
                        x[i][j] += 1.0; // a shifted copy: collinear only together with the intercept
                    }
                } else {
                    x[i][j] = shift[j] + scale[j] * random.nextGaussian();
                }
            }
        }
        if (kind == Kind.RANK_DEFICIENT && features == 1 && intercept) {
            for (int i = 0; i < n; i++) {
                x[i][0] = 3.0; // a constant column is collinear with the intercept
            }
        }
        final double[] y = new double[n];
        final double b0 = intercept ? 5 * random.nextGaussian() : 0.0;
        for (int i = 0; i < n; i++) {
            double s = b0;
            for (int j = 0; j < features; j++) {
                s += beta[j] * x[i][j] / scale[j];
            }
            y[i] = s + 0.1 * random.nextGaussian();
        }
        return new Design(kind, intercept, x, y);
    }

    int rows() {
        return y.length;
    }

    int features() {
        return x[0].length;
    }

    int parameters() {
        return features() + (intercept ? 1 : 0);
    }

    /** Row i of the design with the intercept column: [1, x_i] or x_i. */
    double[] designRow(int i) {
        if (!intercept) {
            return x[i].clone();
        }
        final double[] row = new double[parameters()];
        row[0] = 1.0;
        System.arraycopy(x[i], 0, row, 1, features());
        return row;
    }

    StreamingLeastSquares stream(LeastSquaresOptions options) {
        final StreamingLeastSquares fit = new StreamingLeastSquares(features(), options);
        for (int i = 0; i < rows(); i++) {
            fit.update(x[i], y[i]);
        }
        return fit;
    }

    StreamingLeastSquares stream() {
        return stream(new LeastSquaresOptions(intercept, 1.0, 0.0));
    }

    @Override
    public String toString() {
        return kind + "(" + rows() + "×" + features() + (intercept ? "+1" : "") + ")";
    }
}
