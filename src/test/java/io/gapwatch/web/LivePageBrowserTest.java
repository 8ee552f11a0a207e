package io.gapwatch.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.report.ReportJson;
import io.gapwatch.report.WebAssets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live pages (web/model.html with live.js, web/index.html with list.js) in a real browser,
 * against the API they will be served beside: a JDK HTTP server on loopback answers GET /,
 * /web/NAME (from {@link WebAssets}, as the processor will), /models, /models/ID (the page for a
 * browser, the report's JSON for a fetch) and /models/ID/history with reports and history points
 * the engine computed. That server is a fixture for the page; the numbers in it are gapwatch's.
 *
 * <p>The page must draw a model with no history yet, then gain points as the history grows,
 * without reloading, and never log an error.
 */
class LivePageBrowserTest {

    /** A model id that needs encoding in a URL: a space and letters outside ASCII. */
    static final String MODEL = "sensor 1 · α";

    private Browser browser;
    private HttpServer server;
    private final List<ObjectNode> reports = new ArrayList<>();
    private final List<List<ObjectNode>> histories = new ArrayList<>();
    private volatile int stage;

    @BeforeEach
    void start() throws IOException {
        Browser.assumeAvailable();
        stages();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
        browser = Browser.start();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    /**
     * Three moments of one model, as a stream reports it: x2 is x1's scale ×100, so plain SGD at
     * 0.001 is above its stability bound and blows up while Adam closes in. Stage 0 has a report
     * and no history yet, stage 1 ten points, stage 2 forty.
     */
    private void stages() {
        final Map<String, LearnerConfig> learners = new LinkedHashMap<>();
        learners.put("sgd", LearnerConfig.parse(Map.of("optimizer", "sgd", "lr", "0.001")));
        learners.put("adam", LearnerConfig.parse(Map.of("optimizer", "adam", "lr", "0.05")));
        final Model model = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, learners);
        final Random random = new Random(11);
        final List<ObjectNode> points = new ArrayList<>();
        for (int record = 1; record <= 400; record++) {
            final double x1 = random.nextGaussian();
            final double x2 = 100 * random.nextGaussian();
            model.observe(new double[] {x1, x2}, 2 * x1 + 0.03 * x2 + 0.1 * random.nextGaussian());
            if (record % 10 == 0) {
                final ModelReport report = Diagnostics.report(model);
                points.add(ReportJson.historyPoint(report, null, record, 1_700_000_000_000L + 1000L * record));
                if (record == 50 || record == 100 || record == 400) {
                    reports.add(ReportJson.summary(MODEL, null, 1000, report));
                    histories.add(List.copyOf(record == 50 ? List.of() : points));
                }
            }
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            final String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            final String accept = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Accept")).orElse("");
            final int now = stage;
            if (path.equals("/")) {
                asset(exchange, "index.html");
            } else if (path.startsWith("/web/")) {
                asset(exchange, path.substring("/web/".length()));
            } else if (path.equals("/models")) {
                final ArrayNode list = JsonNodeFactory.instance.arrayNode();
                final ObjectNode entry = list.addObject();
                entry.put("id", MODEL).put("instance", "127.0.0.1:8080").put("records", reports.get(now).get("records").asLong())
                        .put("exact_r2", reports.get(now).get("exact").get("r2").asDouble()).put("worst_r2_gap", 0.25).put("findings", 3);
                send(exchange, 200, "application/json", ReportJson.compact().writeValueAsBytes(list));
            } else if (path.equals("/models/" + MODEL + "/history")) {
                final ObjectNode body = JsonNodeFactory.instance.objectNode();
                body.putArray("points").addAll(histories.get(now));
                send(exchange, 200, "application/json", ReportJson.compact().writeValueAsBytes(body));
            } else if (path.equals("/models/" + MODEL) && accept.contains("text/html")) {
                asset(exchange, "model.html");
            } else if (path.equals("/models/" + MODEL)) {
                send(exchange, 200, "application/json", ReportJson.compact().writeValueAsBytes(reports.get(now)));
            } else {
                send(exchange, 404, "application/json", "{\"error\":\"no such resource\"}".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void asset(HttpExchange exchange, String name) throws IOException {
        final Optional<WebAssets.Asset> asset = WebAssets.get(name);
        if (asset.isEmpty()) {
            send(exchange, 404, "text/plain", ("no asset " + name).getBytes(StandardCharsets.UTF_8));
        } else {
            send(exchange, 200, asset.get().contentType(), asset.get().bytes());
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private String base() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    private static String modelPath() {
        return "/models/" + URLEncoder.encode(MODEL, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void awaitPoints(long points) {
        browser.await("the R² chart reaching " + points + " points",
                "const c = GapwatchCharts.inspect().find(c => c.key === 'r2'); return !!c && c.drawn && c.points === " + points);
    }

    @Test
    void shouldDrawAModelWithoutHistoryThenAddPointsAsItGrowsWithoutReloading() {
        browser.open(base() + modelPath());
        browser.await("the model page's charts", "return !!(window.GapwatchCharts && GapwatchCharts.views.length === 1)");
        awaitPoints(0);
        ChartsOnPage charts = ChartsOnPage.read(browser);
        // before any history the snapshot charts draw, the history charts say why they are empty
        assertThat(charts.chart("spectrum").points()).isEqualTo(3);
        assertThat(charts.chart("predictions").points()).isEqualTo(50);
        assertThat((String) browser.script("return document.querySelector('[data-chart=r2] .gw-empty').textContent")).contains("No history yet");
        browser.script("window.sameDocument = 'still here'");

        stage = 1;
        awaitPoints(10);
        stage = 2;
        awaitPoints(40);

        assertThat(browser.script("return window.sameDocument")).as("no reload between updates").isEqualTo("still here");
        assertThat((Boolean) browser.script("return document.querySelector('[data-chart=r2] .gw-empty').hidden")).isTrue();
        charts = ChartsOnPage.read(browser);
        charts.assertEveryChartHasData();
        charts.assertOneColourPerPredictor(List.of("sgd", "adam"), OfflineReportBrowserTest.EXACT_COLOUR);
        assertThat(charts.chart("loss").points()).isEqualTo(40);
        assertThat(charts.chart("predictions").points()).as("the latest report's recent records").isEqualTo(128);
        assertThat(charts.last("lr", "sgd η (diverged)")).isGreaterThan(charts.last("lr", "sgd stability bound"));
        assertThat((String) browser.script("return document.body.innerText")).contains("sgd (diverged)", "diverged");
        assertThat(browser.driver().getTitle()).isEqualTo("gapwatch · " + MODEL);
        assertThat((String) browser.script("return document.getElementById('gapwatch-status').textContent")).startsWith("live · 400 records");
        browser.screenshot(OfflineReportBrowserTest.SCREENSHOTS.resolve("live-model.png"));
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void shouldListTheModelsAndLinkToEachModelsPage() {
        stage = 2;
        browser.open(base() + "/");
        browser.await("the models table", "return document.querySelectorAll('#gapwatch-models tbody tr').length === 1");
        final List<String> cells = browser.driver().findElements(By.cssSelector("#gapwatch-models tbody td")).stream()
                .map(WebElement::getText).toList();
        assertThat(cells.get(0)).isEqualTo(MODEL);
        assertThat(cells.get(1)).isEqualTo("400");
        assertThat(cells.get(3)).isEqualTo("0.25");
        assertThat(cells.get(4)).isEqualTo("3");
        final WebElement link = browser.driver().findElement(By.cssSelector("#gapwatch-models tbody a"));
        assertThat(link.getAttribute("href")).isEqualTo(base() + modelPath());

        link.click();
        browser.await("the linked model page", "return location.pathname === '" + modelPath() + "' && !!window.GapwatchCharts"
                + " && GapwatchCharts.views.length === 1");
        awaitPoints(40);
        ChartsOnPage.read(browser).assertEveryChartHasData();
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
