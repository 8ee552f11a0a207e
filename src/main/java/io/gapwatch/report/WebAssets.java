package io.gapwatch.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files of gapwatch's pages, read from the classpath: its own under {@code io/gapwatch/web/}
 * and uPlot's from its WebJar, so nothing is ever fetched from the network. The HTTP API serves
 * each as {@code /web/NAME}; {@link HtmlReport} inlines them into one offline file.
 *
 * <p>Only the names below exist: a request for any other path finds nothing, never a file
 * elsewhere on the classpath.
 */
public final class WebAssets {

    private static final String OWN = "io/gapwatch/web/";
    private static final String UPLOT_PROPERTIES = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

    /** Name under /web/ → where the file lives: "own:" ours, "uplot:" inside the uPlot WebJar's version directory. */
    private static final Map<String, String> SOURCES = Map.ofEntries(
            Map.entry("charts.js", "own:charts.js"),
            Map.entry("charts.css", "own:charts.css"),
            Map.entry("offline.js", "own:offline.js"),
            Map.entry("live.js", "own:live.js"),
            Map.entry("list.js", "own:list.js"),
            Map.entry("model.html", "own:model.html"),
            Map.entry("index.html", "own:index.html"),
            Map.entry("uplot.min.js", "uplot:dist/uPlot.iife.min.js"),
            Map.entry("uplot.min.css", "uplot:dist/uPlot.min.css"),
            Map.entry("uplot.LICENSE", "uplot:LICENSE"));

    private static final Map<String, Asset> CACHE = new ConcurrentHashMap<>();

    private WebAssets() {
    }

    /** One file: its name under /web/, its Content-Type and its bytes. */
    public record Asset(String name, String contentType, byte[] bytes) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The asset served as {@code /web/NAME}, or empty when there is none by that name. */
    public static Optional<Asset> get(String name) {
        if (!SOURCES.containsKey(name)) {
            return Optional.empty();
        }
        return Optional.of(CACHE.computeIfAbsent(name, WebAssets::load));
    }

    /** An asset the code itself names: missing means a broken build, not a bad request. */
    public static Asset require(String name) {
        return get(name).orElseThrow(() -> new IllegalArgumentException("no web asset '" + name + "'"));
    }

    /** The uPlot version the WebJar on the classpath carries, e.g. 1.6.30. */
    public static String uplotVersion() {
        try (InputStream in = resource(UPLOT_PROPERTIES)) {
            final Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Asset load(String name) {
        final String source = SOURCES.get(name);
        final String path = source.startsWith("own:") ? OWN + source.substring(4)
                : "META-INF/resources/webjars/uplot/" + uplotVersion() + "/" + source.substring(6);
        try (InputStream in = resource(path)) {
            return new Asset(name, contentType(name), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String path) {
        final InputStream in = WebAssets.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("the jar lacks " + path + " (a packaging error)");
        }
        return in;
    }

    private static String contentType(String name) {
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return "text/plain; charset=utf-8";
    }
}
