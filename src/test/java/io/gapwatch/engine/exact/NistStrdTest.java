package io.gapwatch.engine.exact;

import org.apache.commons.math3.stat.regression.MillerUpdatingRegression;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact fit against NIST's certified values, every data set fed one row at a time, next to
 * Commons Math's AS 274 (MillerUpdatingRegression) fed the same rows in the same test.
 *
 * <p>Accuracy is the minimum log relative error over the coefficients. On a given row order the
 * two methods differ by roundoff luck of a few tenths of a digit either way, so besides the file
 * order both are scored over 101 orders (the file's and 100 seeded shuffles): gapwatch's median
 * and 10th percentile must be at least AS 274's, and its file-order score at least the floor it
 * reached when this test was last tightened. Where the data are uncentred (Longley: a year near
 * 1950 against a spread of 5) rows shifted by a reference row win two digits.
 */
class NistStrdTest {

    static final int ORDERS = 101;

    @ParameterizedTest(name = "{0}: file-order LRE >= {1}")
    @CsvSource({
            "Norris,   12.3",
            "Pontius,  12.2",
            "NoInt1,   14.6",
            "NoInt2,   15.0",
            "Longley,  13.7",
            "Wampler1, 9.6",
            "Wampler2, 13.1",
            "Wampler3, 9.6",
            "Wampler4, 8.7",
            "Wampler5, 6.6",
            "Filip,    6.9",
    })
    void shouldMatchTheCertifiedCoefficientsAtLeastAsWellAsAs274(String name, double floor) {
        final StrdDataset data = StrdDataset.load(name);
        final double[] ours = new double[ORDERS];
        final double[] as274 = new double[ORDERS];
        final Random random = new Random(274);
        int[] order = identity(data.y().length);
        for (int t = 0; t < ORDERS; t++) {
            ours[t] = lre(data, gapwatch(data, order));
            as274[t] = lre(data, miller(data, order));
            order = shuffled(order, random);
        }
        final double oursMedian = percentile(ours, 50);
        final double as274Median = percentile(as274, 50);
        final String detail = String.format(java.util.Locale.ROOT,
                "%s: file order %.2f (AS 274 %.2f); median %.2f (AS 274 %.2f); 10th percentile %.2f (AS 274 %.2f)",
                name, ours[0], as274[0], oursMedian, as274Median, percentile(ours, 10), percentile(as274, 10));
        System.out.println(detail);

        assertThat(ours[0]).as(detail).isGreaterThanOrEqualTo(floor);
        assertThat(oursMedian).as(detail).isGreaterThanOrEqualTo(as274Median);
        assertThat(percentile(ours, 10)).as(detail).isGreaterThanOrEqualTo(percentile(as274, 10));
    }

    static double[] gapwatch(StrdDataset data, int[] order) {
        final StreamingLeastSquares fit = new StreamingLeastSquares(data.x()[0].length,
                new LeastSquaresOptions(data.intercept(), 1.0, 0.0));
        for (int i : order) {
            fit.update(data.x()[i], data.y()[i]);
        }
        assertThat(fit.solveMethod()).isEqualTo(SolveMethod.BACK_SUBSTITUTION);
        return fit.coefficients();
    }

    static double[] miller(StrdDataset data, int[] order) {
        final MillerUpdatingRegression as274 = new MillerUpdatingRegression(data.x()[0].length, data.intercept(), 0.0);
        for (int i : order) {
            as274.addObservation(data.x()[i], data.y()[i]);
        }
        return as274.regress().getParameterEstimates();
    }

    static double lre(StrdDataset data, double[] theta) {
        double worst = 15.0;
        for (int i = 0; i < theta.length; i++) {
            worst = Math.min(worst, StrdDataset.lre(theta[i], data.certified()[i]));
        }
        return worst;
    }

    static int[] identity(int n) {
        final int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    static int[] shuffled(int[] order, Random random) {
        final int[] next = order.clone();
        for (int i = next.length - 1; i > 0; i--) {
            final int j = random.nextInt(i + 1);
            final int t = next[i];
            next[i] = next[j];
            next[j] = t;
        }
        return next;
    }

    static double percentile(double[] values, int percent) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.floor(percent / 100.0 * (sorted.length - 1))];
    }
}
