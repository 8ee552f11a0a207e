package io.gapwatch.engine.exact;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hull-based tests against brute force over the whole path: for every record count n the
 * decision, the excursion beyond the bound, the CUSUM of squares' deviation, the bend and the
 * first rejection are what a pass over all stored residuals gives — on noise, on a shift in the
 * mean, on a shift in the variance, and on smooth paths that put every point on a hull.
 */
class StructuralBreaksProperties {

    enum Kind { NOISE, MEAN_SHIFT, VARIANCE_SHIFT, SMOOTH }

    /** Residuals w (NaN for the burn-in records), generated from a seed. */
    record Residuals(Kind kind, double[] w, int burnIn) {

        static Residuals generate(Kind kind, int m, int burnIn, double scale, long seed) {
            final Random random = new Random(seed);
            final double[] w = new double[burnIn + m];
            java.util.Arrays.fill(w, 0, burnIn, Double.NaN);
            final int change = m / 4 + random.nextInt(m / 2 + 1);
            final double shift = 0.5 + 2 * random.nextDouble();
            for (int t = 0; t < m; t++) {
                final double noise = random.nextGaussian();
                final double v = switch (kind) {
                    case NOISE -> noise;
                    case MEAN_SHIFT -> noise + (t >= change ? shift : 0.0);
                    case VARIANCE_SHIFT -> noise * (t >= change ? 1 + 2 * shift : 1.0);
                    case SMOOTH -> 1.0 / Math.sqrt(t + 1.0) - 0.3 + 1e-6 * noise; // S concave: every point on the upper hull
                };
                w[burnIn + t] = scale * v;
            }
            return new Residuals(kind, w, burnIn);
        }
    }

    @Provide
    Arbitrary<Residuals> residuals() {
        return Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.integers().between(2, 300),
                Arbitraries.integers().between(0, 6),
                Arbitraries.of(1e-3, 1.0, 1e4),
                Arbitraries.longs()
        ).as((kind, m, burnIn, scale, seed) ->
                // a smooth path puts every point on a hull: kept within the capacity here, thinned in its own property
                Residuals.generate(kind, kind == Kind.SMOOTH ? Math.min(m, 100) : m, burnIn, scale, seed));
    }

    /** What a pass over the first m stored residuals (after the burn-in) gives. */
    record Brute(boolean cusumExceeds, double cusumExcess, double[] bridge, boolean squaresExceeds, double squaresDeviation,
                 double[] squaresBridge, double cusumScale) {

        static Brute of(double[] all, int burnIn, int m) {
            final double[] w = java.util.Arrays.copyOfRange(all, burnIn, burnIn + m);
            final double[] path = StructuralBreaks.cusumPath(w);
            final double root = Math.sqrt(m);
            double excess = Double.NEGATIVE_INFINITY;
            boolean exceeds = false;
            double scale = 0.0;
            for (int t = 0; t < m; t++) {
                final double bound = StructuralBreaks.CUSUM_A * root + 2 * StructuralBreaks.CUSUM_A * (t + 1) / root;
                exceeds |= Math.abs(path[t]) > bound;
                excess = Math.max(excess, Math.abs(path[t]) - bound);
                scale = Math.max(scale, Math.max(Math.abs(path[t]), bound));
            }
            final double[] squares = StructuralBreaks.cusumSquaresPath(w);
            double deviation = 0.0;
            for (int t = 0; t < m; t++) {
                deviation = Math.max(deviation, Math.abs(squares[t] - (t + 1.0) / m));
            }
            final boolean squaresExceeds = m >= 3 && deviation > StructuralBreaks.squaresCritical(m);
            return new Brute(exceeds, excess, bridge(w, false), squaresExceeds, deviation, bridge(w, true), scale);
        }

        // |P_t − τ_t P_m/m| for t = 1 … m, P the cumulative sum of w (or of w²)
        private static double[] bridge(double[] w, boolean squared) {
            final double[] p = new double[w.length];
            double s = 0.0;
            for (int t = 0; t < w.length; t++) {
                s += squared ? w[t] * w[t] : w[t];
                p[t] = s;
            }
            final double slope = s / w.length;
            final double[] out = new double[w.length];
            for (int t = 0; t < w.length; t++) {
                out[t] = Math.abs(p[t] - (t + 1) * slope);
            }
            return out;
        }
    }

    @Property(tries = 200)
    void shouldDecideAtEveryRecordAsBruteForceOverThePath(@ForAll("residuals") Residuals r) {
        final StructuralBreaks test = new StructuralBreaks(LeastSquaresOptions.ORDINARY);
        long cusumFirst = 0;
        long squaresFirst = 0;
        for (int i = 0; i < r.w().length; i++) {
            test.add(r.w()[i]);
            final int m = i + 1 - r.burnIn();
            if (m < 2) {
                continue;
            }
            final Brute brute = Brute.of(r.w(), r.burnIn(), m);
            final double tolerance = 1e-12 * brute.cusumScale();
            if (Math.abs(brute.cusumExcess()) > tolerance) { // not a tie within roundoff
                assertThat(test.cusumExceeds()).as("CUSUM decision at m = %d (%s)", m, r.kind()).isEqualTo(brute.cusumExceeds());
            }
            assertThat(test.cusumExcess()).isCloseTo(brute.cusumExcess(), org.assertj.core.api.Assertions.within(tolerance));
            if (m >= 3 && Math.abs(brute.squaresDeviation() - StructuralBreaks.squaresCritical(m)) > 1e-12) {
                assertThat(test.cusumSquaresExceeds()).as("CUSUM-of-squares decision at m = %d", m).isEqualTo(brute.squaresExceeds());
            }
            if (m >= 3) {
                assertThat(test.cusumSquaresDeviation()).isCloseTo(brute.squaresDeviation(), org.assertj.core.api.Assertions.within(1e-12));
            }
            // the bend: the hull's record attains the largest distance from the chord (ties within roundoff may pick either)
            assertBend(brute.bridge(), test.cusumBreakRecord() - r.burnIn());
            assertBend(brute.squaresBridge(), test.cusumSquaresBreakRecord() - r.burnIn());
            if (m >= StructuralBreaks.MIN_RESIDUALS) {
                if (cusumFirst == 0 && brute.cusumExceeds()) {
                    cusumFirst = i + 1;
                }
                if (squaresFirst == 0 && brute.squaresExceeds()) {
                    squaresFirst = i + 1;
                }
            }
        }
        assertThat(test.hullError()).isZero();
        Statistics.label("kind").collect(r.kind());
        Statistics.label("CUSUM rejected at some n").collect(cusumFirst > 0);
        Statistics.label("CUSUM of squares rejected at some n").collect(squaresFirst > 0);
        assertThat(test.cusumFirstReject()).as("first CUSUM rejection (%s)", r.kind()).isEqualTo(cusumFirst);
        assertThat(test.cusumSquaresFirstReject()).as("first CUSUM-of-squares rejection (%s)", r.kind()).isEqualTo(squaresFirst);
    }

    private static void assertBend(double[] bridge, long tau) {
        double max = 0.0;
        for (double v : bridge) {
            max = Math.max(max, v);
        }
        assertThat(tau).isBetween(1L, (long) bridge.length);
        assertThat(bridge[(int) tau - 1]).isGreaterThanOrEqualTo(max - 1e-12 * Math.max(1.0, max));
    }

    @Property(tries = 200)
    void shouldNeverOverstateTheMaximumOnAThinnedHullAndBoundWhatItMisses(@ForAll @IntRange(min = 3, max = 12) int capacity,
                                                                           @ForAll @IntRange(min = 1, max = 400) int points,
                                                                           @ForAll boolean smooth, @ForAll long seed) {
        final Random random = new Random(seed);
        final UpperHull hull = new UpperHull(capacity);
        final double[] x = new double[points];
        final double[] y = new double[points];
        double s = 0.0;
        for (int t = 0; t < points; t++) {
            s += smooth ? 1.0 / Math.sqrt(t + 1.0) : random.nextGaussian();
            x[t] = t + 1;
            y[t] = s;
            hull.push(x[t], y[t]);
            assertThat(hull.size()).isLessThanOrEqualTo(capacity);
            assertThat(hull.x(hull.size() - 1)).as("the newest point is a vertex").isEqualTo(x[t]);
        }
        for (int q = 0; q < 20; q++) {
            final double slope = random.nextGaussian() * 2;
            double truth = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < points; t++) {
                truth = Math.max(truth, y[t] - slope * x[t]);
            }
            final double kept = hull.max(slope);
            final double slack = 1e-12 * (Math.abs(truth) + Math.abs(slope) * points + points);
            assertThat(kept).as("a kept vertex is a real point").isLessThanOrEqualTo(truth + slack);
            assertThat(truth).as("the true maximum is within the recorded error").isLessThanOrEqualTo(kept + hull.error() + slack);
        }
    }

    @Property(tries = 30)
    void shouldRejectOnlyWhatBruteForceRejectsOnceItsHullsAreThinned(@ForAll long seed) {
        final Residuals r = Residuals.generate(Kind.SMOOTH, 1500, 2, 1.0, seed);
        final StructuralBreaks test = new StructuralBreaks(LeastSquaresOptions.ORDINARY);
        for (double w : r.w()) {
            test.add(w);
        }
        assertThat(test.hullError()).as("1500 points on a concave path overflow 128 vertices").isPositive();
        final Brute brute = Brute.of(r.w(), 2, 1500);
        final double sigma = test.sigma();
        // conservative: the thinned excess is a real point's, at most the error (in W units) below the truth
        assertThat(test.cusumExcess()).isLessThanOrEqualTo(brute.cusumExcess() + 1e-9);
        assertThat(test.cusumExcess()).isGreaterThanOrEqualTo(brute.cusumExcess() - test.hullError() / sigma - 1e-9);
        if (test.cusumExceeds()) {
            assertThat(brute.cusumExceeds()).isTrue();
        }
    }

    @Property(tries = 60)
    void shouldContinueBitForBitAfterARoundTrip(@ForAll("residuals") Residuals r, @ForAll @IntRange(min = 0, max = 300) int cut)
            throws IOException {
        final int split = Math.min(cut, r.w().length);
        final StructuralBreaks original = new StructuralBreaks(LeastSquaresOptions.ORDINARY);
        for (int i = 0; i < split; i++) {
            original.add(r.w()[i]);
        }
        final StructuralBreaks restored = StructuralBreaksCodec.read(
                new DataInputStream(new ByteArrayInputStream(bytes(original))), LeastSquaresOptions.ORDINARY);
        assertThat(bytes(restored)).isEqualTo(bytes(original));
        for (int i = split; i < r.w().length; i++) {
            original.add(r.w()[i]);
            restored.add(r.w()[i]);
        }
        assertThat(bytes(restored)).isEqualTo(bytes(original));
        assertThat(restored.summary()).isEqualTo(original.summary());
    }

    static byte[] bytes(StructuralBreaks test) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        StructuralBreaksCodec.write(test, new DataOutputStream(out));
        return out.toByteArray();
    }
}
