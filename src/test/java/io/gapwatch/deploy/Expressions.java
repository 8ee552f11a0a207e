package io.gapwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every PromQL expression the repository ships: each dashboard panel's queries and each template
 * variable's, and each alert rule's. The tests hold them to the metrics gapwatch exports, and
 * PrometheusIT evaluates them against a real Prometheus scraping a real gapwatch.
 */
public final class Expressions {

    public static final Path ROOT = Path.of(System.getProperty("user.dir"));
    public static final Path DASHBOARDS = ROOT.resolve("grafana/dashboards");
    public static final Path RULES = ROOT.resolve("prometheus/alerts.yml");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.*),\\s*\\w+\\)$");

    private Expressions() {
    }

    /** One expression and where it comes from, for messages. */
    public record Expression(String source, String promql) {

        /**
         * The expression as Grafana would send it, with the dashboard's variables filled in: every
         * model, every learner, a one-minute rate window.
         */
        public String substituted() {
            final Matcher labelValues = LABEL_VALUES.matcher(promql);
            final String query = labelValues.matches() ? labelValues.group(1) : promql; // a variable's query: its series
            return query.replace("$__rate_interval", "1m").replace("$__interval", "15s").replace("$__range", "5m")
                    .replace("${model}", ".+").replace("$model", ".+").replace("${learner}", ".+").replace("$learner", ".+");
        }
    }

    public static List<Path> dashboards() {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(Path dashboard) {
        try {
            return JSON.readTree(dashboard.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel of a dashboard, those inside rows included. */
    public static List<JsonNode> panels(JsonNode dashboard) {
        final List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** The queries of every panel and template variable of every dashboard. */
    public static List<Expression> fromDashboards() {
        final List<Expression> all = new ArrayList<>();
        for (Path file : dashboards()) {
            final JsonNode dashboard = read(file);
            for (JsonNode panel : panels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    all.add(new Expression(file.getFileName() + " / " + panel.path("title").asText() + " / " + target.path("refId").asText(),
                            target.path("expr").asText()));
                }
            }
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                all.add(new Expression(file.getFileName() + " / variable " + variable.path("name").asText(),
                        variable.path("query").path("query").asText()));
            }
        }
        return all;
    }

    /** Every alert rule: name → expression. */
    public static List<Expression> fromRules() {
        final List<Expression> all = new ArrayList<>();
        try {
            for (JsonNode group : new YAMLMapper().readTree(RULES.toFile()).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    all.add(new Expression(rule.path("alert").asText(rule.path("record").asText()), rule.path("expr").asText().strip()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** The gapwatch metrics an expression reads. */
    public static List<String> gapwatchMetrics(String promql) {
        final List<String> names = new ArrayList<>();
        final Matcher m = Pattern.compile("\\bgapwatch_[a-z0-9_]+").matcher(promql);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
