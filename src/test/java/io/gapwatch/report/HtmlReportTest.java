package io.gapwatch.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.avro.ModelDiagnosis;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline report is one file that needs nothing else: every script and stylesheet inline,
 * no address to fetch, and data that cannot break out of its script element whatever the model
 * or feature names hold. (That it renders is checked in a real browser, OfflineReportBrowserTest.)
 */
class HtmlReportTest {

    private static final String HOSTILE = "</script><script>alert(1)</script><!--";

    private static String page() {
        final Model model = new Model(List.of("x1", HOSTILE), ModelOptions.DEFAULTS, Map.of());
        for (int i = 0; i < 20; i++) {
            model.observe(new double[] {i, i * i}, 2.0 * i + 1);
        }
        final ModelDiagnosis diagnosis = DiagnosisRecords.diagnosis(HOSTILE, "y", 1000, Diagnostics.report(model));
        return HtmlReport.render(diagnosis, List.of(HistoryPoints.of(Diagnostics.report(model), 1, 20, null)));
    }

    @Test
    void shouldInlineUplotAndTheChartsAndReferToNothingOutside() {
        final String page = page();
        assertThat(page).contains(WebAssets.require("uplot.min.js").text(), WebAssets.require("uplot.min.css").text(),
                WebAssets.require("charts.js").text(), WebAssets.require("charts.css").text(), "Copyright (c) 2022 Leon Sorokin");
        assertThat(page).doesNotContainPattern("(?i)<script[^>]*\\bsrc=").doesNotContainPattern("(?i)<link\\b[^>]*href=\"(?!data:)");
        assertThat(page).contains("Content-Security-Policy", "default-src 'none'");
    }

    @Test
    void shouldKeepHostileNamesInsideTheirDataAndTitle() throws Exception {
        final String page = page();
        // exactly the four script elements the report writes (data, uPlot, charts, start): the hostile names opened none
        final Matcher scripts = Pattern.compile("<script").matcher(page);
        int count = 0;
        while (scripts.find()) {
            count++;
        }
        assertThat(count).isEqualTo(4);
        assertThat(page).contains("<title>gapwatch · &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--</title>");
        final Matcher data = Pattern.compile("<script type=\"application/json\" id=\"gapwatch-data\">(.*?)</script>", Pattern.DOTALL).matcher(page);
        assertThat(data.find()).isTrue();
        final JsonNode root = new ObjectMapper().readTree(data.group(1));
        assertThat(root.get("diagnosis").get("model").asText()).isEqualTo(HOSTILE);
        assertThat(root.get("diagnosis").get("features").get(1).asText()).isEqualTo(HOSTILE);
        assertThat(root.get("history")).hasSize(1);
    }

    @Test
    void shouldServeOnlyTheNamedAssets() {
        assertThat(WebAssets.get("charts.js")).get().extracting(WebAssets.Asset::contentType).isEqualTo("text/javascript; charset=utf-8");
        assertThat(WebAssets.get("uplot.min.css").orElseThrow().text()).contains(".uplot");
        assertThat(WebAssets.uplotVersion()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(WebAssets.get("../ReportJson.class")).isEmpty();
        assertThat(WebAssets.get("logback.xml")).isEmpty();
        // the live pages load everything from /web/ on the same server, nothing from elsewhere
        assertThat(WebAssets.require("model.html").text()).contains("/web/uplot.min.js", "/web/charts.js", "/web/live.js")
                .doesNotContain("http:", "https:");
        assertThat(WebAssets.require("index.html").text()).contains("/web/list.js").doesNotContain("http:", "https:");
    }
}
