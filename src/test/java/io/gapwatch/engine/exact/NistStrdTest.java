package io.gapwatch.engine.exact;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact fit against NIST's certified values, every data set fed one row at a time.
 * Thresholds are the minimum log relative error over the coefficients; for reference, Commons
 * Math's AS 274 (MillerUpdatingRegression) reaches the numbers in the last column.
 */
class NistStrdTest {

    @ParameterizedTest(name = "{0}: min LRE >= {1} (AS 274: {2})")
    @CsvSource({
            "Norris,   12,  13.3",
            "Pontius,  12,  12.2",
            "NoInt1,   14,  14.7",
            "NoInt2,   14,  15.0",
            "Longley,  11,  13.5",
            "Wampler1, 9.5, 9.9",
            "Wampler2, 12,  13.0",
            "Wampler3, 9,   11.0",
            "Wampler4, 7.5, 8.6",
            "Wampler5, 5.5, 6.6",
            "Filip,    7,   8.3",
    })
    void shouldReproduceCertifiedCoefficients(String name, double required, double as274) {
        final StrdDataset data = StrdDataset.load(name);
        final StreamingLeastSquares fit = new StreamingLeastSquares(data.x()[0].length,
                new LeastSquaresOptions(data.intercept(), 1.0, 0.0));
        for (int i = 0; i < data.y().length; i++) {
            fit.update(data.x()[i], data.y()[i]);
        }

        final double[] theta = fit.coefficients();
        double worst = 15.0;
        final StringBuilder detail = new StringBuilder(name).append(':');
        for (int i = 0; i < theta.length; i++) {
            final double lre = StrdDataset.lre(theta[i], data.certified()[i]);
            worst = Math.min(worst, lre);
            detail.append(String.format(" B%d=%.1f", i, lre));
        }
        System.out.printf("%s  min %.2f%n", detail, worst);

        assertThat(fit.solveMethod()).isEqualTo(SolveMethod.BACK_SUBSTITUTION);
        assertThat(worst).as(detail.toString()).isGreaterThanOrEqualTo(required);
    }
}
