package io.gapwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.gapwatch.metrics.GapwatchMetrics;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboards and rules as files: stable uids, the provisioned datasource on every panel, a
 * unit and a description on every panel, the template variables, and only metrics gapwatch
 * exports. Whether each query finds series is PrometheusIT's job.
 */
class DashboardsTest {

    static JsonNode yaml(Path file) throws IOException {
        return new YAMLMapper().readTree(file.toFile());
    }

    static String datasourceUid() throws IOException {
        return yaml(Expressions.ROOT.resolve("grafana/provisioning/datasources/prometheus.yml"))
                .path("datasources").get(0).path("uid").asText();
    }

    @Test
    void shouldShipTheOverviewAndTheModelDetailWithStableUidsAndVariables() {
        final Set<String> uids = new HashSet<>();
        for (Path file : Expressions.dashboards()) {
            final JsonNode dashboard = Expressions.read(file);
            assertThat(dashboard.path("uid").asText()).as(file + " uid").matches("gapwatch-[a-z-]+");
            assertThat(uids.add(dashboard.path("uid").asText())).as("unique uid " + file).isTrue();
            assertThat(dashboard.path("id").isMissingNode() || dashboard.path("id").isNull()).as(file + ": no instance id").isTrue();
        }
        assertThat(uids).contains("gapwatch-overview", "gapwatch-model");
        assertThat(variables("gapwatch-overview.json")).contains("model");
        assertThat(variables("gapwatch-model.json")).contains("model", "learner");
    }

    private static List<String> variables(String dashboard) {
        return Expressions.read(Expressions.DASHBOARDS.resolve(dashboard)).path("templating").path("list")
                .findValuesAsText("name");
    }

    @Test
    void shouldGiveEveryPanelTheDatasourceAUnitADescriptionAndQueries() throws IOException {
        final String uid = datasourceUid();
        for (Path file : Expressions.dashboards()) {
            for (JsonNode panel : Expressions.panels(Expressions.read(file))) {
                if (panel.path("type").asText().equals("row")) {
                    continue;
                }
                final String name = file.getFileName() + " / " + panel.path("title").asText();
                assertThat(panel.path("description").asText()).as(name + " description").isNotBlank();
                assertThat(panel.path("fieldConfig").path("defaults").path("unit").asText()).as(name + " unit").isNotBlank();
                assertThat(panel.path("datasource").path("uid").asText()).as(name + " datasource").isEqualTo(uid);
                assertThat(panel.path("targets")).as(name + " queries").isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("datasource").path("uid").asText()).as(name + " query datasource").isEqualTo(uid);
                }
            }
            for (JsonNode variable : Expressions.read(file).path("templating").path("list")) {
                assertThat(variable.path("datasource").path("uid").asText()).isEqualTo(uid);
            }
        }
    }

    @Test
    void shouldQueryOnlyMetricsGapwatchExports() {
        final Set<String> exported = new HashSet<>();
        GapwatchMetrics.definitions().forEach(d -> exported.add(d.prometheusName()));
        final List<Expressions.Expression> all = new java.util.ArrayList<>(Expressions.fromDashboards());
        all.addAll(Expressions.fromRules());
        assertThat(all).hasSizeGreaterThan(30);
        for (Expressions.Expression e : all) {
            assertThat(e.promql()).as(e.source()).isNotBlank();
            for (String metric : Expressions.gapwatchMetrics(e.promql())) {
                assertThat(exported).as(e.source() + " reads " + metric).contains(metric);
            }
        }
    }

    @Test
    void shouldHaveTheAlertsTheUsersNeed() {
        assertThat(Expressions.fromRules()).extracting(Expressions.Expression::source).contains(
                "GapwatchLearnerDiverged", "GapwatchR2GapHigh", "GapwatchLearningRateAboveStabilityBound",
                "GapwatchNoRecordsProcessed", "GapwatchRejectsRising");
    }
}
