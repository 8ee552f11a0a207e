package io.gapwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.app.Gapwatch;
import io.gapwatch.app.GapwatchService;
import io.gapwatch.demo.DemoStream;
import io.gapwatch.web.Browser;
import io.gapwatch.web.ChartsOnPage;
import io.gapwatch.web.OfflineReportBrowserTest;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The processor's own pages in a real browser (Debian's chromium through Selenium), served by a
 * live processor on a real broker that is fed records while the page is open: the list at /, a
 * model's page at /models/ID, its charts gaining points without a reload, and its history
 * restored by an instance that starts from the changelog alone.
 */
class LivePagesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Needs encoding in a URL: a space, a slash and a letter outside ASCII. */
    private static final String MODEL = "sensor 1/α";
    private static final int REPORT_EVERY = 100;

    /**
     * y = 2·x1 + 0.03·x2 + noise, with x2 on a scale 100 times x1's: plain SGD at its default rate
     * is above its stability bound on these raw features, Adam is not. Records {@code from} to
     * {@code to} − 1 of one seeded stream.
     */
    private static List<ProducerRecord<String, byte[]>> records(Cluster cluster, int from, int to) {
        final Random random = new Random(5);
        final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < to; i++) {
            final double x1 = random.nextGaussian();
            final double x2 = 100 * random.nextGaussian();
            final double y = 2 * x1 + 0.03 * x2 + 0.1 * random.nextGaussian();
            if (i >= from) {
                records.add(cluster.record(MODEL, StreamProcessorIT.avro(y, x1, x2)));
            }
        }
        return records;
    }

    private static String page(GapwatchService service, String path) {
        return "http://" + service.http().host() + ":" + service.http().port() + path;
    }

    private static String modelPath() {
        return "/models/" + URLEncoder.encode(MODEL, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void awaitHistoryPoints(Browser browser, long points) {
        browser.await("the R² chart reaching " + points + " points",
                "const c = GapwatchCharts.inspect().find(c => c.key === 'r2'); return !!c && c.drawn && c.points === " + points);
    }

    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldListModelsAndDrawAModelsPageThatGrowsWithoutReloadingAndSurvivesARestart(KafkaBackend backend) throws Exception {
        Browser.assumeAvailable();
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-it-");
        final Map<String, String> settings = Map.of("report.every.records", Integer.toString(REPORT_EVERY));
        final JsonNode history;
        try (GapwatchService service = cluster.start(cluster.config(dir.resolve("a"), settings));
             Browser browser = Browser.start()) {
            cluster.produce(records(cluster, 0, 300));
            Cluster.await("the report at 300 records in the history", Duration.ofSeconds(120), () -> lastRecords(cluster, service) == 300);
            final int first = historyOf(cluster, service).size(); // every 100 records, and the first tick's

            // the list: one row, the numbers of the last report, a link that leads to the model's page
            browser.open(page(service, "/"));
            browser.await("the models table", "return document.querySelectorAll('#gapwatch-models tbody tr').length === 1");
            final List<String> cells = browser.driver().findElements(By.cssSelector("#gapwatch-models tbody td")).stream()
                    .map(WebElement::getText).toList();
            assertThat(cells.get(0)).isEqualTo(MODEL);
            assertThat(cells.get(1)).isEqualTo("300");
            assertThat(Double.parseDouble(cells.get(2))).as("exact R²").isGreaterThan(0.99);
            assertThat(Integer.parseInt(cells.get(4))).as("open findings").isPositive();
            assertThat(browser.consoleErrors()).as("console errors of the list").isEmpty();
            browser.driver().findElement(By.cssSelector("#gapwatch-models tbody a")).click();

            browser.await("the model page's charts", "return location.pathname === '" + modelPath()
                    + "' && !!window.GapwatchCharts && GapwatchCharts.views.length === 1");
            awaitHistoryPoints(browser, first);
            browser.script("window.sameDocument = 'still here'");

            cluster.produce(records(cluster, 300, 600));
            Cluster.await("the report at 600 records in the history", Duration.ofSeconds(120), () -> lastRecords(cluster, service) == 600);
            awaitHistoryPoints(browser, first + 3);
            assertThat(browser.script("return window.sameDocument")).as("no reload between updates").isEqualTo("still here");
            final ChartsOnPage charts = ChartsOnPage.read(browser);
            charts.assertEveryChartHasData();
            charts.assertOneColourPerPredictor(List.of("sgd", "adam"), OfflineReportBrowserTest.EXACT_COLOUR);
            assertThat(charts.chart("loss").points()).isEqualTo(first + 3);
            assertThat((String) browser.script("return document.getElementById('gapwatch-status').textContent"))
                    .startsWith("live · 600 records");
            assertThat(browser.consoleErrors()).as("console errors of the model page").isEmpty();
            browser.screenshot(OfflineReportBrowserTest.SCREENSHOTS.resolve("live-model.png"));

            // curl and programs keep the JSON
            final HttpResponse<String> json = cluster.get(service, modelPath());
            assertThat(json.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(JSON.readTree(json.body()).get("records").asLong()).isEqualTo(600);
            history = historyOf(cluster, service);
            assertThat(history).hasSize(first + 3);
        }

        // a new instance with an empty state directory: the history comes back from its changelog, exactly
        try (GapwatchService restored = cluster.start(cluster.config(dir.resolve("b"), settings))) {
            Cluster.await("the history restored", Duration.ofSeconds(120), () -> historyOf(cluster, restored).size() == history.size());
            assertThat(historyOf(cluster, restored)).isEqualTo(history);
        }
    }

    /**
     * The pages as someone trying gapwatch out sees them: the processor fed by {@code gapwatch demo}
     * itself (the command, at its own pace, bad records and all), the list at / showing the demo's
     * four models with their numbers, and the page of {@code unscaled} — the model whose plain SGD
     * runs far above its stability bound — with every chart drawn and gaining points while open.
     */
    @ParameterizedTest
    @EnumSource(KafkaBackend.class)
    void shouldShowTheDemoStreamLiveWithTheUnscaledModelsEveryChartDrawn(KafkaBackend backend) throws Exception {
        Browser.assumeAvailable();
        final Cluster cluster = new Cluster(backend);
        final Path dir = Cluster.tempDir("gapwatch-it-");
        // a report every 250 records of a model: about every 2.5 s for each at the demo's 400 records a second
        try (GapwatchService service = cluster.start(cluster.config(dir.resolve("state"), Map.of("report.every.records", "250")));
             Browser browser = Browser.start()) {
            cluster.awaitTopics(Duration.ofSeconds(60));
            final StringWriter demoErr = new StringWriter();
            final Thread demo = new Thread(() -> Gapwatch.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(demoErr))
                    .execute("demo", "--bootstrap", cluster.bootstrap, "--topic", cluster.observations, "--rate", "400", "--records", "40000"),
                    "gapwatch-demo");
            demo.start();
            try {
                // opened once the processor answers for the demo's models: before, /models is 503 while the
                // stores open, which the page rides out ("trying again") but the browser logs as an error
                Cluster.await("the demo's models at /models", Duration.ofSeconds(60), () -> {
                    try {
                        final HttpResponse<String> models = cluster.get(service, "/models");
                        return models.statusCode() == 200 && JSON.readTree(models.body()).size() == DemoStream.MODELS.size();
                    } catch (Exception e) {
                        return false;
                    }
                });
                // the list: the demo's models, each with the numbers of a report, linked to its page
                browser.open(page(service, "/"));
                browser.await("the demo's models listed with their records and exact R²", "const rows = [...document.querySelectorAll("
                        + "'#gapwatch-models tbody tr')]; return rows.length === " + DemoStream.MODELS.size()
                        + " && rows.every(r => r.cells[1].textContent !== '–' && r.cells[2].textContent !== '–')");
                final List<String> listed = browser.driver().findElements(By.cssSelector("#gapwatch-models tbody tr td:first-child"))
                        .stream().map(WebElement::getText).toList();
                assertThat(listed).containsExactlyInAnyOrderElementsOf(DemoStream.MODELS);
                assertThat(browser.consoleErrors()).as("console errors of the list").isEmpty();
                browser.driver().findElement(By.linkText("unscaled")).click();

                browser.await("the unscaled model's charts", "return location.pathname === '/models/unscaled'"
                        + " && !!window.GapwatchCharts && GapwatchCharts.views.length === 1");
                browser.await("a few reports in the R² chart", "return " + R2_POINTS + " >= 3");
                browser.script("window.sameDocument = 'still here'");
                final long before = ((Number) browser.script("return " + R2_POINTS)).longValue();
                browser.await("the R² chart gaining points while the page is open", "return " + R2_POINTS + " >= " + (before + 3));
                assertThat(browser.script("return window.sameDocument")).as("no reload between updates").isEqualTo("still here");

                final ChartsOnPage charts = ChartsOnPage.read(browser);
                charts.assertEveryChartHasData();
                charts.assertOneColourPerPredictor(List.of("sgd", "adam"), OfflineReportBrowserTest.EXACT_COLOUR);
                assertThat((String) browser.script("return document.getElementById('gapwatch-status').textContent")).startsWith("live · ");
                // what the demo's unscaled model is there to show, in the page's own words
                assertThat((String) browser.script("return document.body.innerText"))
                        .contains("sgd (diverged)", "lr_above_stability_bound", "features_unscaled", "target_unscaled");
                assertThat(browser.consoleErrors()).as("console errors of the model page").isEmpty();
                browser.screenshot(OfflineReportBrowserTest.SCREENSHOTS.resolve("live-demo.png"));
            } finally {
                demo.interrupt();
                demo.join(30_000);
            }
            assertThat(demoErr.toString()).as("the demo command's errors").contains("demo: streaming models");
        }
    }

    /** How many points the R² chart draws, 0 before it is drawn. */
    private static final String R2_POINTS = "(GapwatchCharts.inspect().find(c => c.key === 'r2' && c.drawn) || {points: 0}).points";

    private static long lastRecords(Cluster cluster, GapwatchService service) {
        final JsonNode points = historyOf(cluster, service);
        return points.isEmpty() ? 0 : points.get(points.size() - 1).get("records").asLong();
    }

    private static JsonNode historyOf(Cluster cluster, GapwatchService service) {
        try {
            final HttpResponse<String> response = cluster.get(service, modelPath() + "/history");
            return response.statusCode() == 200 ? JSON.readTree(response.body()).get("points") : JSON.createArrayNode();
        } catch (Exception e) {
            return JSON.createArrayNode();
        }
    }
}
