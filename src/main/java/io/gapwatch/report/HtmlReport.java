package io.gapwatch.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gapwatch.avro.HistoryPoint;
import io.gapwatch.avro.ModelDiagnosis;

import java.util.List;
import java.util.Locale;

/**
 * The offline report ({@code replay --html}): one self-contained HTML file with the same charts
 * as the live model page. uPlot, its stylesheet and gapwatch's chart script are inlined from the
 * classpath ({@link WebAssets}), the diagnosis and its history are embedded as JSON, and a content
 * security policy forbids the page any request: it renders the same on a machine with no network.
 */
public final class HtmlReport {

    private HtmlReport() {
    }

    /**
     * @param diagnosis the model's last report
     * @param history   its history points, oldest first (may be empty)
     */
    public static String render(ModelDiagnosis diagnosis, List<HistoryPoint> history) {
        final ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.set("diagnosis", AvroJson.render(diagnosis));
        final ArrayNode points = data.putArray("history");
        history.forEach(p -> points.add(AvroJson.render(p)));
        final String json;
        try {
            json = ReportJson.compact().writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<link rel=\"icon\" href=\"data:,\">\n"
                // inline scripts and styles only: the page cannot fetch anything, so it cannot depend on the network
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
                + "style-src 'unsafe-inline'; img-src data:\">\n"
                + "<title>gapwatch · " + escape(diagnosis.getModel()) + "</title>\n"
                + "<style>\n" + inline("uplot.min.css", "style") + "\n</style>\n"
                + "<style>\n" + inline("charts.css", "style") + "\n</style>\n"
                + "</head>\n<body>\n<div id=\"gapwatch\"></div>\n"
                + "<script type=\"application/json\" id=\"gapwatch-data\">" + scriptSafe(json) + "</script>\n"
                + "<script>\n/* uPlot " + WebAssets.uplotVersion() + ", https://github.com/leeoniya/uPlot\n"
                + inline("uplot.LICENSE", "script") + "\n*/\n" + inline("uplot.min.js", "script") + "\n</script>\n"
                + "<script>\n" + inline("charts.js", "script") + "\n</script>\n"
                + "<script>\n" + inline("offline.js", "script") + "\n</script>\n"
                + "</body>\n</html>\n";
    }

    // An asset goes in verbatim; text that would end its element early would break the page, so refuse it.
    private static String inline(String name, String element) {
        final String text = WebAssets.require(name).text();
        final String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("</" + element) || lower.contains("<!--") || text.contains("*/") && name.endsWith("LICENSE")) {
            throw new IllegalStateException("web asset " + name + " cannot be inlined in a <" + element + "> element");
        }
        return text;
    }

    // JSON inside <script>: '<' only occurs in strings, where \u003c reads back the same and cannot close the element
    static String scriptSafe(String json) {
        return json.replace("<", "\\u003c");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
