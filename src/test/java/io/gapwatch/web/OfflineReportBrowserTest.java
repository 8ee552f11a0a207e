package io.gapwatch.web;

import io.gapwatch.app.Gapwatch;
import io.gapwatch.demo.SeedDesigns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline report of each seed question, as its user would make it ({@code replay --html} on
 * the design {@code gapwatch seeds} writes, with the learner settings of the README's seed
 * bullets), opened from file:// in a real browser cut off from the network. Every chart must hold
 * points, nothing may reach the console as an error, and the picture must carry the user's
 * problem in numbers a person reads off the charts. Screenshots go to target/screenshots/.
 * A run with no learners at all must draw what it has and say why the rest is empty.
 */
public class OfflineReportBrowserTest {

    public static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** The screenshot on the README's first screen (committed; this test keeps it current). */
    static final Path README_SCREENSHOT = Path.of("docs", "images", "seed-collinear121.png");
    public static final String EXACT_COLOUR = "#222222";
    static final List<String> ALL_CHARTS = List.of("r2", "r2_gap", "mse", "weight_gap", "weight_norm", "loss", "gradient_norm",
            "update_ratio", "predictions", "lr", "breaks", "spectrum", "weights", "gap_split");

    @TempDir
    Path dir;

    private Browser browser;

    @BeforeEach
    void startBrowser() {
        Browser.assumeAvailable();
        browser = Browser.start();
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /** What the browser shows of one report. */
    private record Shown(ChartsOnPage charts, String text) {
    }

    private Shown report(String name, SeedDesigns.Data design, List<String> learners, String... options) throws IOException {
        return report(name, design, learners, List.of(), options);
    }

    /** @param empty charts that cannot have data in this case and must say why */
    private Shown report(String name, SeedDesigns.Data design, List<String> learners, List<String> empty, String... options)
            throws IOException {
        final Path csv = dir.resolve(design.name() + ".csv");
        design.writeCsv(csv);
        final List<String> args = new ArrayList<>(List.of("replay", "--csv", csv.toString(), "--target", "y"));
        if (!design.intercept()) {
            args.add("--no-intercept");
        }
        args.addAll(List.of(options));
        final ChartsOnPage charts = open(name, args);
        assertThat(charts.charts().stream().map(ChartsOnPage.Chart::key).toList()).containsExactlyElementsOf(ALL_CHARTS);
        charts.assertEveryChartHasData(empty);
        charts.assertOneColourPerPredictor(learners, EXACT_COLOUR);
        return new Shown(charts, (String) browser.script("return document.body.innerText"));
    }

    /** Runs replay with these arguments and --html, opens the page offline, and insists on no request and no error. */
    private ChartsOnPage open(String name, List<String> replay) {
        final Path html = dir.resolve(name + ".html");
        final List<String> args = new ArrayList<>(replay);
        args.addAll(List.of("--html", html.toString()));
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit = Gapwatch.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args.toArray(String[]::new));
        assertThat(exit).as(err.toString()).isZero();

        browser.offline();
        browser.open(html.toUri().toString());
        browser.await("the charts of " + name, "return !!(window.GapwatchCharts && GapwatchCharts.views.length === 1)");
        browser.screenshot(SCREENSHOTS.resolve(name + ".png"));

        assertThat(browser.consoleErrors()).as("console errors of " + name).isEmpty();
        assertThat((List<?>) browser.script("return performance.getEntriesByType('resource').map(e => e.name)"))
                .as("requests made by the offline page").isEmpty();
        return ChartsOnPage.read(browser);
    }

    /**
     * Longley with --no-learners: the exact fit's R², MSE, spectrum and weights are drawn; every
     * chart about learners stands empty and says why instead of failing.
     */
    @Test
    void shouldDrawTheExactFitAloneAndSayWhyTheLearnersChartsAreEmpty() {
        final ChartsOnPage charts = open("longley-no-learners",
                List.of("replay", "--csv", "examples/longley.csv", "--target", "employed", "--no-learners"));
        for (String key : List.of("r2", "mse", "predictions", "spectrum", "weights")) {
            assertThat(charts.chart(key).drawn()).as(key).isTrue();
            assertThat(charts.chart(key).series().stream().mapToLong(ChartsOnPage.Series::finite).sum()).as(key).isPositive();
        }
        assertThat(charts.last("r2", "exact fit")).isCloseTo(0.995479, org.assertj.core.api.Assertions.offset(1e-6));
        assertThat(charts.chart("spectrum").points()).isEqualTo(7);
        for (String key : List.of("r2_gap", "weight_gap", "weight_norm", "loss", "gradient_norm", "update_ratio", "lr", "gap_split")) {
            assertThat(charts.chart(key).drawn()).as(key).isFalse();
            assertThat(charts.chart(key).note()).as(key).contains("No learners");
        }
    }

    /**
     * The shifted ramp: R² looks like 1 while the excess MSE sits on a plateau of about 13.5, some
     * 26 decades above the exact fit's; the advice is to standardize.
     */
    @Test
    void shouldShowTheRampsPlateauFarAboveTheExactFitWhileItsR2LooksLikeOne() throws IOException {
        final Shown shown = report("ramp", SeedDesigns.shiftedRamp(), List.of("gd"), List.of("breaks"), // never full rank: no recursive residuals
                "--learner", "gd:optimizer=sgd,lr=2.4e-12,batch=1500,init=normal,seed=1", "--epochs", "100");
        final ChartsOnPage c = shown.charts();
        assertThat(c.last("r2", "gd")).isGreaterThan(0.999);
        assertThat(c.last("mse", "gd")).isBetween(10.0, 20.0);
        assertThat(c.last("mse", "gd")).isGreaterThan(1e20 * c.last("mse", "exact fit MSE (floor)"));
        assertThat(c.last("r2_gap", "gd")).isPositive();
        assertThat(c.chart("r2").points()).isEqualTo(200); // 100 passes × 1,500 records, a point every 750
        assertThat(shown.text()).contains("features_unscaled", "standardize=true", "s01 = s00 + 1");
    }

    /**
     * The 600×600 kernel in PyTorch's loss: the learner above the stability bound (drawn solid
     * above its own dashed bound) blows up, the one below does not, and the exact fit interpolates.
     */
    @Test
    void shouldShowTheKernelsRateAboveItsBoundAndTheInterpolation() throws IOException {
        // 600 records for 600 coefficients: no recursive residual, so no break test, and the chart says so
        final Shown shown = report("kernel600", SeedDesigns.kernel600(), List.of("below", "above"), List.of("breaks"),
                "--learner", "below:preset=torch,optimizer=sgd,batch=600,lr=5e-9,seed=1",
                "--learner", "above:preset=torch,optimizer=sgd,batch=600,lr=1e-8,seed=1", "--epochs", "50");
        final ChartsOnPage c = shown.charts();
        assertThat(c.last("lr", "above η")).isGreaterThan(c.last("lr", "above stability bound"));
        assertThat(c.last("lr", "below η")).isLessThan(c.last("lr", "below stability bound"));
        assertThat(c.last("weight_norm", "above")).isGreaterThan(1e6 * c.last("weight_norm", "below"));
        assertThat(c.last("r2", "exact fit")).isGreaterThan(1 - 1e-9);
        assertThat(c.chart("spectrum").points()).isEqualTo(600);
        assertThat(c.chart("weights").points()).isEqualTo(600);
        assertThat(shown.text()).contains("lr_above_stability_bound", "interpolation", "600 records for 600 coefficients");
    }

    /**
     * 121 collinear features: SGD from a He start keeps a weight gap of about 1.4 with R² below 0,
     * where the same SGD from zeros gets within 0.1 and near the exact fit's R² of 0.5.
     */
    @Test
    void shouldShowTheHeStartsWeightGapBesideAZeroStart() throws IOException {
        final Shown shown = report("collinear121", SeedDesigns.collinear121(), List.of("he", "zeros"),
                "--learner", "he:optimizer=sgd,lr=0.001,init=he,seed=7", "--learner", "zeros:optimizer=sgd,lr=0.001",
                "--epochs", "3");
        final ChartsOnPage c = shown.charts();
        assertThat(c.last("weight_gap", "he total")).isGreaterThan(10 * c.last("weight_gap", "zeros total"));
        assertThat(c.last("r2", "he")).isNegative();
        assertThat(c.last("r2", "zeros")).isGreaterThan(0.4);
        assertThat(c.last("r2", "exact fit")).isBetween(0.47, 0.53);
        assertThat(shown.text()).contains("start_far", "init=zeros", "whiten=true", "f013 ≈");
        // the README's picture is this page: a seed user's own case, redrawn by every run of this test
        Files.createDirectories(README_SCREENSHOT.getParent());
        Files.copy(SCREENSHOTS.resolve("collinear121.png"), README_SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Features on scales 1, 100 and 10⁴ and a target in the thousands, as the demo's unscaled
     * model: plain SGD at 0.01 diverges and its predictions land far beyond the prediction chart's
     * frame. The chart says so, and its axis stays on what it draws — the targets, the exact fit and
     * Adam — instead of stretching to the frame's edge, a thousand target ranges out, where
     * everything drawn would be one flat line.
     */
    @Test
    void shouldKeepADivergedLearnersPredictionsFromFlatteningThePredictionChart() throws IOException {
        final java.util.Random random = new java.util.Random(3);
        final StringBuilder rows = new StringBuilder("x1,x2,x3,y\n");
        for (int i = 0; i < 400; i++) {
            final double x1 = random.nextGaussian();
            final double x2 = 100 * random.nextGaussian();
            final double x3 = 10_000 * random.nextGaussian();
            rows.append(x1).append(',').append(x2).append(',').append(x3).append(',')
                    .append(2000 + 500 * x1 + 3 * x2 - 0.04 * x3 + 50 * random.nextGaussian()).append('\n');
        }
        final Path csv = dir.resolve("unscaled.csv");
        Files.writeString(csv, rows);
        final ChartsOnPage charts = open("unscaled", List.of("replay", "--csv", csv.toString(), "--target", "y",
                "--learner", "sgd:optimizer=sgd,lr=0.01", "--learner", "adam:optimizer=adam,lr=0.001"));
        charts.assertEveryChartHasData();
        assertThat((String) browser.script("return document.body.innerText"))
                .contains("sgd (diverged): 128 of 128 beyond the frame");
        @SuppressWarnings("unchecked")
        final List<Number> scales = (List<Number>) browser.script("const p = GapwatchCharts.views[0].charts()"
                + ".find(c => c.key === 'predictions').plot; return [p.scales.x.min, p.scales.x.max, p.scales.y.min, p.scales.y.max]");
        final double xSpan = scales.get(1).doubleValue() - scales.get(0).doubleValue();
        final double ySpan = scales.get(3).doubleValue() - scales.get(2).doubleValue();
        assertThat(ySpan).as("the prediction axis beside the targets' (%s)", scales).isLessThan(5 * xSpan);
        final ChartsOnPage.Series exact = charts.chart("predictions").series("exact fit");
        assertThat(exact.finite()).isEqualTo(128);
    }

    /**
     * x2 = x1 + 1: Adam has converged, and its whole weight gap lies along the undetermined
     * direction: in the split per coefficient the determined part is nil and the null part is not.
     */
    @Test
    void shouldShowKerasAdamDifferingOnlyAlongTheNullDirection() throws IOException {
        final Shown shown = report("keras", SeedDesigns.keras(), List.of("adam"), List.of("breaks"), // x2 = x1 + 1: never full rank
                "--learner", "adam:preset=keras,optimizer=adam,lr=0.1,init=normal,seed=1", "--epochs", "1000");
        final ChartsOnPage c = shown.charts();
        assertThat(c.last("weight_gap", "adam along null directions") / c.last("weight_gap", "adam total")).isGreaterThan(0.999);
        assertThat(c.chart("gap_split").series("adam determined").maxAbs()).isLessThan(1e-6);
        assertThat(c.chart("gap_split").series("adam along null directions").maxAbs()).isGreaterThan(0.1);
        assertThat(c.chart("weights").points()).isEqualTo(3);
        assertThat(shown.text()).contains("converged", "x2 = x1 + 1", "no failure of the optimizer");
    }
}
