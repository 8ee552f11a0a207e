package io.gapwatch.engine.exact;

import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ExternalWeights;
import io.gapwatch.engine.diagnostics.Finding;
import io.gapwatch.engine.diagnostics.FindingCode;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.sgd.LearnerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The structural-break tests, streamed through the exact fit, against statsmodels' RecursiveLS on
 * public data (scripts/golden_cusum.py): the Nile flows (a known break in 1898, record 28), NIST's
 * Longley, and two regressions on statsmodels' macrodata, one where both tests reject and one
 * where only the CUSUM of squares does.
 *
 * <p>Tolerances: the recursive residuals come out of two different computations (a QR update
 * here, a Kalman filter there), each within about 1e-13 of the exact rational values, so every
 * final-sample number — the statistic, the bounds, the excursions — must agree to 1e-10 relative
 * (paths to 1e-10 of their largest value), and every decision and record exactly.
 */
class StructuralBreaksTest {

    static final double TOLERANCE = 1e-10;

    /** One golden set: the data, statsmodels' w and paths (NaN for the first d records), and its summary numbers. */
    record Golden(String name, double[][] x, double[] y, double[] w, double[] wExact, double[] cusum, double[] squares,
                  Map<String, Double> summary) {

        double get(String quantity) {
            return Objects.requireNonNull(summary.get(quantity), quantity);
        }

        int d() {
            return (int) get("d");
        }
    }

    @Test
    void shouldWeighFromTheStartWhatItsHullsCanGrowTo() {
        // A cache weighs a model once, when it comes in: the hulls' arrays, which grow with the stream
        // up to their capacity, must already be counted at their largest then.
        final StructuralBreaks breaks = new StructuralBreaks(LeastSquaresOptions.ORDINARY);
        final long cameIn = breaks.heapBytes();
        final java.util.Random random = new java.util.Random(4);
        for (int i = 0; i < 200_000; i++) {
            // a level shift and a spread that grows: the cumulative sums bend, and their hulls gain vertices
            breaks.add((1 + i / 20_000.0) * random.nextGaussian() + (i > 100_000 ? 0.5 : 0.0));
        }
        assertThat(breaks.heapBytes()).isEqualTo(cameIn);
    }

    static Golden golden(String name) {
        final Map<String, Double> summary = new HashMap<>();
        for (String[] row : csv("/golden/cusum_summary.csv")) {
            if (row[0].equals(name)) {
                summary.put(row[1], Double.parseDouble(row[2]));
            }
        }
        final List<String[]> rows = csv("/golden/cusum_" + name + ".csv");
        final int n = rows.size();
        final int features = rows.get(0).length - 6;
        final double[][] x = new double[n][features];
        final double[] y = new double[n];
        final double[] w = new double[n];
        final double[] wExact = new double[n];
        final double[] cusum = new double[n];
        final double[] squares = new double[n];
        for (int t = 0; t < n; t++) {
            final String[] r = rows.get(t);
            assertThat(Integer.parseInt(r[0])).isEqualTo(t + 1);
            y[t] = Double.parseDouble(r[1]);
            for (int j = 0; j < features; j++) {
                x[t][j] = Double.parseDouble(r[2 + j]);
            }
            w[t] = Double.parseDouble(r[2 + features]);
            wExact[t] = Double.parseDouble(r[3 + features]);
            cusum[t] = Double.parseDouble(r[4 + features]);
            squares[t] = Double.parseDouble(r[5 + features]);
        }
        return new Golden(name, x, y, w, wExact, cusum, squares, summary);
    }

    private static List<String[]> csv(String resource) {
        try (var in = Objects.requireNonNull(StructuralBreaksTest.class.getResourceAsStream(resource), resource);
             var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.readLine();
            final List<String[]> rows = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                rows.add(line.split(","));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The set streamed through the exact fit and the tests, with every recursive residual kept for the path checks. */
    record Streamed(StreamingLeastSquares fit, StructuralBreaks breaks, double[] w) {
    }

    static Streamed stream(Golden g) {
        final StreamingLeastSquares fit = new StreamingLeastSquares(g.x()[0].length, LeastSquaresOptions.ORDINARY);
        final StructuralBreaks breaks = new StructuralBreaks(LeastSquaresOptions.ORDINARY);
        final double[] w = new double[g.y().length];
        for (int t = 0; t < w.length; t++) {
            fit.update(g.x()[t], g.y()[t]);
            w[t] = fit.recursiveResidual();
            breaks.add(w[t]);
        }
        return new Streamed(fit, breaks, w);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nile", "longley", "macro_rates", "macro_growth"})
    void shouldAgreeWithStatsmodelsRecursiveLs(String name) {
        final Golden g = golden(name);
        final Streamed s = stream(g);
        final StructuralBreaks b = s.breaks();
        final int d = g.d();
        final int m = (int) g.get("m");
        assertThat(b.burnIn()).as("d: records before the first recursive residual").isEqualTo(d);
        assertThat(b.residuals()).isEqualTo(m);
        for (int t = 0; t < d; t++) {
            assertThat(s.w()[t]).as("no recursive residual at record %d", t + 1).isNaN();
        }
        final double[] w = Arrays.copyOfRange(s.w(), d, g.y().length);
        final Map<String, Double> agreement = new LinkedHashMap<>();

        // the residuals and the whole paths, from the residuals the stream produced
        agreement.put("w", pathGap(w, Arrays.copyOfRange(g.w(), d, g.y().length)));
        agreement.put("w vs exact", pathGap(w, Arrays.copyOfRange(g.wExact(), d, g.y().length)));
        agreement.put("cusum path", pathGap(StructuralBreaks.cusumPath(w), Arrays.copyOfRange(g.cusum(), d, g.y().length)));
        agreement.put("cusum_squares path", pathGap(StructuralBreaks.cusumSquaresPath(w), Arrays.copyOfRange(g.squares(), d, g.y().length)));

        // the streaming statistics and bounds, from O(1) sums and the hulls
        agreement.put("cusum", relative(b.cusum(), g.get("cusum_last")));
        agreement.put("cusum bound at n", relative(b.cusumBound(), g.get("cusum_upper_n")));
        agreement.put("cusum bound at d", relative(b.cusumBoundAt(d), g.get("cusum_upper_d")));
        agreement.put("cusum excess", relative(b.cusumExcess(), g.get("cusum_excess")));
        agreement.put("cusum_squares deviation", relative(b.cusumSquaresDeviation(), g.get("squares_deviation")));
        agreement.put("cusum_squares bound", relative(b.cusumSquaresBound(), g.get("squares_upper_d")));
        assertThat(-b.cusumSquaresBound()).isEqualTo(g.get("squares_lower_d"));
        assertThat(relative(1 + b.cusumSquaresBound(), g.get("squares_upper_n"))).isLessThan(TOLERANCE);
        assertThat(relative(-b.cusumBound(), g.get("cusum_lower_n"))).isLessThan(TOLERANCE);
        System.out.printf(Locale.ROOT, "%-13s %s%n", name, agreement.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.1e", e.getKey(), e.getValue())).toList());
        assertThat(agreement).allSatisfy((quantity, gap) -> assertThat(gap).as(quantity).isLessThan(TOLERANCE));

        // the decisions and records, exactly
        assertThat(b.cusumExceeds()).isEqualTo(g.get("cusum_exceeds") == 1.0);
        assertThat(b.cusumSquaresExceeds()).isEqualTo(g.get("squares_exceeds") == 1.0);
        assertThat(b.cusumBreakRecord()).isEqualTo((long) g.get("cusum_break_record"));
        assertThat(b.cusumSquaresBreakRecord()).isEqualTo((long) g.get("squares_break_record"));
        assertThat(b.cusumFirstReject()).isEqualTo((long) g.get("cusum_first_reject"));
        assertThat(b.cusumSquaresFirstReject()).isEqualTo((long) g.get("squares_first_reject"));
        assertThat(b.hullError()).as("no hull was thinned").isZero();
        final boolean judged = m >= StructuralBreaks.MIN_RESIDUALS;
        assertThat(b.status()).isEqualTo(judged ? StructuralBreaks.Status.ON : StructuralBreaks.Status.WARMING_UP);
        assertThat(b.cusumRejects()).isEqualTo(judged && b.cusumExceeds());
        assertThat(b.cusumSquaresRejects()).isEqualTo(judged && b.cusumSquaresExceeds());
    }

    @Test
    void shouldStreamLongleyFromTheNistFileAsTheGoldenSetHoldsIt() {
        final StrdDataset nist = StrdDataset.load("Longley");
        final Golden g = golden("longley");
        assertThat(g.x()).isDeepEqualTo(nist.x());
        assertThat(g.y()).containsExactly(nist.y());
    }

    @Test
    void shouldFindTheNileBreakNearRecord28AndSayWhatItMeansForTheLearners() {
        final Golden g = golden("nile");
        final Model model = new Model(List.of(), ModelOptions.DEFAULTS, Map.of(
                "sgd", LearnerConfig.parse(Map.of("optimizer", "sgd", "lr", "0.01", "scale-target", "true"))));
        for (int t = 0; t < g.y().length; t++) {
            model.observe(new double[0], g.y()[t]);
        }
        final ModelReport report = Diagnostics.report(model);
        final StructuralBreaks.Summary b = report.exact().structuralBreaks();
        assertThat(b.status()).isEqualTo(StructuralBreaks.Status.ON);
        assertThat(b.cusumRejects()).isTrue();
        assertThat(b.cusumSquaresRejects()).isFalse();
        assertThat(b.cusumFirstReject()).isEqualTo(43);
        assertThat(b.breakRecord()).isEqualTo(28); // 1898, Cobb (1978)
        // the largest excursion beyond the bound is no estimate of where: the path leaves the bound faster than it widens
        assertThat(model.structuralBreaks().cusumExcessRecord()).isEqualTo(100);
        final Finding finding = report.findings().stream().filter(f -> f.code() == FindingCode.STRUCTURAL_BREAK)
                .findFirst().orElseThrow();
        System.out.println(finding.message());
        assertThat(finding.learner()).isNull();
        assertThat(finding.message()).contains("around record 28", "CUSUM", "at record 43", "5%", "forgetting",
                "restart the model after record 28", "not a failure of the learner");
    }

    @Test
    void shouldSayWhatABreakMeansWhenOnlyExternalWeightsAreJudged() {
        // replay --weights with no learner on a design whose fit breaks (statsmodels' fair does): the
        // finding asks no setting of weights whose optimizer gapwatch never saw
        final Golden g = golden("nile");
        final Model model = new Model(List.of(), ModelOptions.DEFAULTS, Map.of());
        for (int t = 0; t < g.y().length; t++) {
            model.observe(new double[0], g.y()[t]);
        }
        final ModelReport report = Diagnostics.report(model, List.of(new ExternalWeights("mine", 900.0, new double[0])));
        final Finding finding = report.findings().stream().filter(f -> f.code() == FindingCode.STRUCTURAL_BREAK)
                .findFirst().orElseThrow();
        assertThat(finding.message()).contains("around record 28", "A learner that forgets old records").doesNotContain("mine");
    }

    @Test
    void shouldSwitchOffUnderForgettingOrRidgeAndSaySo() {
        final Golden g = golden("nile");
        for (LeastSquaresOptions options : List.of(new LeastSquaresOptions(true, 0.99, 0.0), new LeastSquaresOptions(true, 1.0, 0.5))) {
            final StreamingLeastSquares fit = new StreamingLeastSquares(0, options);
            final StructuralBreaks breaks = new StructuralBreaks(options);
            for (double y : g.y()) {
                fit.update(new double[0], y);
                breaks.add(fit.recursiveResidual());
            }
            final StructuralBreaks.Summary s = breaks.summary();
            assertThat(s.status()).isEqualTo(options.forgetting() < 1 ? StructuralBreaks.Status.OFF_FORGETTING
                    : StructuralBreaks.Status.OFF_RIDGE);
            assertThat(s.cusum()).isNaN();
            assertThat(s.cusumBound()).isNaN();
            assertThat(s.cusumSquaresDeviation()).isNaN();
            assertThat(s.rejects()).isFalse();
            assertThat(s.cusumFirstReject()).isZero();
            assertThat(s.breakRecord()).isZero();
        }
    }

    @Test
    void shouldStopWhenTheFitLosesFullRankAfterTheTestStarted() {
        final StructuralBreaks breaks = new StructuralBreaks(LeastSquaresOptions.ORDINARY);
        breaks.add(Double.NaN);
        breaks.add(Double.NaN);
        for (int t = 0; t < StructuralBreaks.MIN_RESIDUALS; t++) {
            breaks.add(Math.sin(t));
        }
        assertThat(breaks.status()).isEqualTo(StructuralBreaks.Status.ON);
        assertThat(breaks.burnIn()).isEqualTo(2);
        breaks.add(Double.NaN);
        breaks.add(1.0);
        assertThat(breaks.status()).isEqualTo(StructuralBreaks.Status.OFF_RANK_LOST);
        assertThat(breaks.residuals()).isEqualTo(StructuralBreaks.MIN_RESIDUALS);
        assertThat(breaks.cusum()).isNaN();
    }

    /** |a − b| / max|b| over a path. */
    static double pathGap(double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        double scale = 0.0;
        double gap = 0.0;
        for (int t = 0; t < actual.length; t++) {
            scale = Math.max(scale, Math.abs(expected[t]));
            gap = Math.max(gap, Math.abs(actual[t] - expected[t]));
        }
        return gap / scale;
    }

    static double relative(double actual, double expected) {
        return actual == expected ? 0.0 : Math.abs(actual - expected) / Math.abs(expected);
    }
}
