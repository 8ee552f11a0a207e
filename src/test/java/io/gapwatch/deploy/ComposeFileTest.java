package io.gapwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gapwatch.app.GapwatchConfig;
import io.gapwatch.it.KafkaBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot run here (no Docker engine), so it is read instead: every service,
 * port, path and name it uses must agree with the Prometheus configuration, the Grafana
 * provisioning, the Dockerfile and gapwatch's own configuration defaults.
 */
class ComposeFileTest {

    static JsonNode compose;
    static JsonNode services;

    @BeforeAll
    static void read() throws IOException {
        compose = DashboardsTest.yaml(Expressions.ROOT.resolve("docker-compose.yml"));
        services = compose.path("services");
    }

    static Map<String, String> environment(String service) {
        final Map<String, String> env = new HashMap<>();
        services.path(service).path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    /** "host:container" port mappings of a service, container port → host port. */
    static Map<Integer, Integer> ports(String service) {
        final Map<Integer, Integer> ports = new HashMap<>();
        for (JsonNode mapping : services.path(service).path("ports")) {
            final String[] parts = mapping.asText().split(":");
            ports.put(Integer.parseInt(parts[1]), Integer.parseInt(parts[0]));
        }
        return ports;
    }

    /** "./host:/container[:ro]" volumes of a service, container path → host path (relative to the repository). */
    static Map<String, String> volumes(String service) {
        final Map<String, String> volumes = new HashMap<>();
        for (JsonNode volume : services.path(service).path("volumes")) {
            final String[] parts = volume.asText().split(":");
            volumes.put(parts[1], parts[0]);
        }
        return volumes;
    }

    @Test
    void shouldRunKafkaTopicsGapwatchPrometheusGrafanaAndAnOptionalDemo() {
        final List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("kafka", "kafka-init", "gapwatch", "prometheus", "grafana", "demo");
        assertThat(services.path("demo").path("profiles").get(0).asText()).isEqualTo("demo");
        // the same broker image the container-backed integration tests run
        assertThat(services.path("kafka").path("image").asText()).isEqualTo(KafkaBackend.IMAGE);
        assertThat(services.path("kafka-init").path("image").asText()).isEqualTo(KafkaBackend.IMAGE);
    }

    @Test
    void gapwatchShouldBeRestartedWhenItExitsOnAFailure() {
        // run exits 1 when Kafka Streams fails or the cluster stays unreachable: only a restart policy brings it back
        assertThat(services.path("gapwatch").path("restart").asText()).isIn("on-failure", "always", "unless-stopped");
    }

    @Test
    void gapwatchShouldReachKafkaOnItsInternalListenerAndBeBuiltFromTheDockerfile() throws IOException {
        final Map<String, String> kafka = environment("kafka");
        assertThat(kafka.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller"); // KRaft, no ZooKeeper
        final String advertised = kafka.get("KAFKA_ADVERTISED_LISTENERS");
        final GapwatchConfig config = GapwatchConfig.load(null, environment("gapwatch")); // every GAPWATCH_ variable a real key
        final String bootstrap = String.join(",", config.getList(GapwatchConfig.BOOTSTRAP_SERVERS));
        assertThat(advertised).contains("://" + bootstrap);
        // host clients (gapwatch produce) use the default localhost:9092
        assertThat(advertised).contains("://localhost:9092");
        assertThat(ports("kafka")).containsEntry(9092, 9092);
        // the demo and the topic job use the same internal listener
        assertThat(services.path("demo").path("command").toString()).contains(bootstrap);
        assertThat(services.path("kafka-init").path("command").toString()).contains("--bootstrap-server " + bootstrap);

        assertThat(services.path("gapwatch").path("build").asText()).isEqualTo(".");
        assertThat(Files.readString(Expressions.ROOT.resolve("Dockerfile"))).contains("target/gapwatch.jar").contains("GAPWATCH_HTTP_HOST=0.0.0.0")
                .doesNotContain("alpine");
        assertThat(services.path("demo").path("image").asText()).isEqualTo(services.path("gapwatch").path("image").asText());
    }

    @Test
    void theTopicJobShouldCreateTheTopicsGapwatchUses() throws IOException {
        final GapwatchConfig config = GapwatchConfig.load(null, environment("gapwatch"));
        final String command = services.path("kafka-init").path("command").toString();
        for (String key : List.of(GapwatchConfig.OBSERVATIONS_TOPIC, GapwatchConfig.PREDICTIONS_TOPIC, GapwatchConfig.REPORTS_TOPIC,
                GapwatchConfig.DEAD_LETTER_TOPIC)) {
            assertThat(command).as(key).contains(config.getString(key));
        }
        assertThat(command).contains("--partitions " + config.getInt(GapwatchConfig.TOPICS_PARTITIONS));
    }

    @Test
    void prometheusShouldScrapeGapwatchWhereItListens() throws IOException {
        final GapwatchConfig config = GapwatchConfig.load(null, environment("gapwatch"));
        final int httpPort = config.getInt(GapwatchConfig.HTTP_PORT);
        assertThat(config.getString(GapwatchConfig.HTTP_HOST)).isEqualTo("0.0.0.0");
        assertThat(ports("gapwatch")).containsEntry(httpPort, httpPort);

        final Map<String, String> mounts = volumes("prometheus");
        final Path configDir = Expressions.ROOT.resolve(mounts.get("/etc/prometheus"));
        final String configFlag = services.path("prometheus").path("command").toString();
        assertThat(configFlag).contains("--config.file=/etc/prometheus/prometheus.yml");
        final JsonNode prometheus = DashboardsTest.yaml(configDir.resolve("prometheus.yml"));
        final JsonNode job = prometheus.path("scrape_configs").get(0);
        assertThat(job.path("job_name").asText()).isEqualTo("gapwatch"); // the alert rules' up{job="gapwatch"}
        assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
        assertThat(job.path("static_configs").get(0).path("targets").get(0).asText()).isEqualTo("gapwatch:" + httpPort);
        for (JsonNode rules : prometheus.path("rule_files")) {
            assertThat(configDir.resolve(rules.asText())).exists();
        }
        assertThat(Files.readString(Expressions.RULES)).contains("up{job=\"gapwatch\"}");
        assertThat(ports("prometheus")).containsEntry(9090, 9090);
    }

    @Test
    void grafanaShouldFindItsDatasourceAndDashboardsWhereComposeMountsThem() throws IOException {
        final Map<String, String> mounts = volumes("grafana");
        final Path provisioning = Expressions.ROOT.resolve(mounts.get("/etc/grafana/provisioning"));
        assertThat(provisioning.resolve("datasources/prometheus.yml")).exists();
        final JsonNode datasource = DashboardsTest.yaml(provisioning.resolve("datasources/prometheus.yml")).path("datasources").get(0);
        assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:9090");

        final JsonNode provider = DashboardsTest.yaml(provisioning.resolve("dashboards/gapwatch.yml")).path("providers").get(0);
        assertThat(provider.path("type").asText()).isEqualTo("file");
        final String dashboardsPath = provider.path("options").path("path").asText();
        assertThat(mounts).containsKey(dashboardsPath);
        assertThat(Expressions.ROOT.resolve(mounts.get(dashboardsPath)).normalize()).isEqualTo(Expressions.DASHBOARDS);
        final String home = environment("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(home).startsWith(dashboardsPath + "/");
        assertThat(Expressions.DASHBOARDS.resolve(home.substring(dashboardsPath.length() + 1))).exists();
        assertThat(ports("grafana")).containsEntry(3000, 3000);
    }

    @Test
    void everyMountedPathShouldExistInTheRepository() {
        services.fields().forEachRemaining(service -> volumes(service.getKey()).values().stream()
                .filter(host -> host.startsWith("./"))
                .forEach(host -> assertThat(Expressions.ROOT.resolve(host)).as(service.getKey() + " mounts " + host).exists()));
    }
}
