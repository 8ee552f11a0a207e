package io.gapwatch.engine.exact;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernel fuses two pivots' steps into one pass over the row. It must leave the factor, the
 * pivots, the row and the weight bit for bit as the steps taken one pivot at a time do: that is
 * what keeps NIST's figures, the goldens and stream = replay unchanged.
 */
class GentlemanRotationTest {

    @Test
    void shouldRotateTwoPivotsAtATimeToTheSameBitsAsOneAtATime() {
        final Random random = new Random(11);
        int compared = 0;
        for (int p : new int[] {1, 2, 3, 4, 17, 64, 129}) {
            for (int trial = 0; trial < 40; trial++) {
                final double[][] rbar = new double[p][p + 1];
                final double[] d = new double[p];
                final double[][] rbarOne = new double[p][p + 1];
                final double[] dOne = new double[p];
                // from an empty factor (every pivot fills), through a few rows, to a well-filled one
                final int rows = trial % 4 == 0 ? 1 : trial % 4 == 1 ? p / 2 + 1 : 3 * p;
                for (int i = 0; i < rows; i++) {
                    final double[] row = row(random, p, trial);
                    final double[] rowOne = row.clone();
                    final double weight = trial % 7 == 3 ? 1e-300 : trial % 5 == 2 ? 0.5 + random.nextDouble() : 1.0;
                    final int first = trial % 6 == 5 ? Math.min(p - 1, random.nextInt(3)) : 0;
                    if (first > 0) {
                        Arrays.fill(row, 0, first, 0.0);
                        Arrays.fill(rowOne, 0, first, 0.0);
                    }
                    final double w = GentlemanRotation.include(rbar, d, row, weight, first, p);
                    final double wOne = oneAtATime(rbarOne, dOne, rowOne, weight, first, p);
                    assertThat(Double.doubleToRawLongBits(w)).as("weight, p = %d, trial %d", p, trial).isEqualTo(Double.doubleToRawLongBits(wOne));
                    assertThat(bits(row)).as("row, p = %d, trial %d", p, trial).isEqualTo(bits(rowOne));
                    compared++;
                }
                assertThat(bits(d)).as("pivots, p = %d, trial %d", p, trial).isEqualTo(bits(dOne));
                for (int k = 0; k < p; k++) {
                    assertThat(bits(rbar[k])).as("row %d of the factor, p = %d, trial %d", k, p, trial).isEqualTo(bits(rbarOne[k]));
                }
            }
        }
        assertThat(compared).isGreaterThan(5_000);
    }

    // dense Gaussian rows, rows with zero columns, rows of huge and tiny magnitudes (x² underflows to an empty pivot)
    private static double[] row(Random random, int p, int trial) {
        final double[] row = new double[p + 1];
        for (int j = 0; j <= p; j++) {
            row[j] = random.nextGaussian();
            if (trial % 3 == 1 && random.nextInt(3) == 0) {
                row[j] = j % 2 == 0 ? 0.0 : -0.0;
            }
            if (trial % 8 == 6 && random.nextInt(4) == 0) {
                row[j] *= random.nextBoolean() ? 1e-170 : 1e150;
            }
        }
        return row;
    }

    /** The kernel as it was before the fusion: one pivot's step after another. */
    private static double oneAtATime(double[][] rbar, double[] d, double[] row, double weight, int first, int p) {
        double w = weight;
        for (int k = first; k < p; k++) {
            final double xk = row[k];
            if (xk == 0.0) {
                continue;
            }
            final double dk = d[k];
            final double wxk = w * xk;
            final double dNew = dk + wxk * xk;
            if (dNew == 0.0) {
                row[k] = 0.0;
                continue;
            }
            final double cbar = dk / dNew;
            final double sbar = wxk / dNew;
            d[k] = dNew;
            row[k] = 0.0;
            final double[] rk = rbar[k];
            for (int j = k + 1; j <= p; j++) {
                final double xj = row[j];
                final double r = rk[j];
                row[j] = Math.fma(-xk, r, xj);
                rk[j] = Math.fma(cbar, r, sbar * xj);
            }
            w *= cbar;
            if (w == 0.0) {
                return 0.0;
            }
        }
        return w;
    }

    private static long[] bits(double[] values) {
        final long[] bits = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Double.doubleToRawLongBits(values[i]);
        }
        return bits;
    }
}
