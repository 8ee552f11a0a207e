package io.gapwatch.app;

import io.gapwatch.engine.sgd.LearnerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GapwatchConfigTest {

    @TempDir
    Path dir;

    @Test
    void shouldStartFromDefaultsThatNeedNoCluster() {
        final GapwatchConfig config = GapwatchConfig.of(Map.of());
        assertThat(config.embedded()).isTrue();
        assertThat(config.getString(GapwatchConfig.PROCESSING_GUARANTEE)).isEqualTo("exactly_once_v2");
        assertThat(config.learners()).containsOnlyKeys("sgd", "adam");
        assertThat(config.learners().get("adam")).isEqualTo(LearnerConfig.defaultSet().get("adam"));
        assertThat(config.streamSettings().observationsTopic()).isEqualTo("gapwatch-observations");
    }

    @Test
    void shouldReadAFileWithTheEnvironmentOverIt() throws Exception {
        final Path file = dir.resolve("gapwatch.properties");
        Files.writeString(file, """
                bootstrap.servers = kafka1:9092,kafka2:9092
                learners = plain,fast
                learner.plain.lr = 0.001
                learner.fast.optimizer = adam
                model.ridge = 2.5
                security.protocol = SASL_SSL
                producer.linger.ms = 7
                """);
        final GapwatchConfig config = GapwatchConfig.load(file, Map.of(
                "GAPWATCH_LEARNER_FAST_SCALE___TARGET", "true",
                "GAPWATCH_MODEL_RIDGE", "3",
                "PATH", "/usr/bin"));
        assertThat(config.embedded()).isFalse();
        assertThat(config.learners().get("plain").lr()).isEqualTo(0.001);
        assertThat(config.learners().get("fast").scaleTarget()).isTrue();
        assertThat(config.modelOptions().exact().ridge()).isEqualTo(3.0);
        assertThat(config.clientSettings()).containsEntry("security.protocol", "SASL_SSL").containsEntry("producer.linger.ms", "7")
                .doesNotContainKey("learner.plain.lr");
    }

    @Test
    void shouldBatchTheProducerLargerUnlessTheUserSaysOtherwise() {
        final String prefixed = "producer.batch.size";
        assertThat(GapwatchService.streamsProperties(GapwatchConfig.of(Map.of()), "b:9092", "h:1"))
                .containsEntry(prefixed, GapwatchService.PRODUCER_BATCH_BYTES);
        assertThat(GapwatchService.streamsProperties(GapwatchConfig.of(Map.of(prefixed, "16384")), "b:9092", "h:1"))
                .containsEntry(prefixed, "16384");
        assertThat(GapwatchService.streamsProperties(GapwatchConfig.of(Map.of("batch.size", "32768")), "b:9092", "h:1"))
                .containsEntry("batch.size", "32768").doesNotContainKey(prefixed);
    }

    @Test
    void shouldLetADeadInstancesPartitionsGoAfterTenSecondsUnlessTheUserSaysOtherwise() {
        final String main = "main.consumer.session.timeout.ms";
        assertThat(GapwatchService.streamsProperties(GapwatchConfig.of(Map.of()), "b:9092", "h:1"))
                .containsEntry(main, GapwatchService.SESSION_TIMEOUT_MS).containsEntry("main.consumer.heartbeat.interval.ms", 2500);
        assertThat(GapwatchService.streamsProperties(GapwatchConfig.of(Map.of("consumer.session.timeout.ms", "45000")), "b:9092", "h:1"))
                .containsEntry("consumer.session.timeout.ms", "45000").doesNotContainKey(main);
    }

    @Test
    void shouldGiveOneModelItsOwnLearnersAndFeatures() {
        final GapwatchConfig config = GapwatchConfig.of(Map.of(
                "learner.sgd.lr", "0.05",
                "model.sensor.a.learners", "sgd,slow",
                "model.sensor.a.learner.slow.lr", "1e-5",
                "model.sensor.a.learner.sgd.average", "true",
                "model.sensor.a.features", "temperature, pressure"));
        assertThat(config.learnersFor("sensor.a")).containsOnlyKeys("sgd", "slow");
        assertThat(config.learnersFor("sensor.a").get("sgd").lr()).isEqualTo(0.05);
        assertThat(config.learnersFor("sensor.a").get("sgd").average()).isTrue();
        assertThat(config.learnersFor("sensor.a").get("slow").lr()).isEqualTo(1e-5);
        assertThat(config.learnersFor("other")).containsOnlyKeys("sgd", "adam");
        assertThat(config.featuresFor("sensor.a")).containsExactly("temperature", "pressure");
        assertThat(config.featuresFor("other")).isNull();
    }

    /**
     * Every model's settings are checked when the configuration loads, never at its first record:
     * a bad value in a model's learner, a learner that conflicts with its model, settings for a
     * learner no model runs, init-weights without a known dimension.
     */
    @Test
    void shouldRefuseEveryBadModelSettingAtStartUpNamingTheKey() {
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("model.m2.learners", "fast", "model.m2.learner.fast.optimizer", "adam",
                "model.m2.learner.fast.lr", "abc")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("model.m2.learner.fast.lr").hasMessageContaining("abc");
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("model.intercept", "false", "learners", "sgd",
                "learner.sgd.standardize", "true")))
                .hasMessageContaining("learner.sgd").hasMessageContaining("no intercept");
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("model.m3.learner.typo.lr", "0.1")))
                .hasMessageContaining("model.m3.learner.typo.lr").hasMessageContaining("runs no learner 'typo'");
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("learner.orphan.lr", "0.1")))
                .hasMessageContaining("learner.orphan.lr").hasMessageContaining("no model runs a learner 'orphan'");
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("learners", "g", "learner.g.init", "given", "learner.g.init-weights", "1;2")))
                .hasMessageContaining("learner.g").hasMessageContaining("model.ID.features");
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("model.m4.features", "a,b", "model.m4.learners", "g",
                "model.m4.learner.g.init", "given", "model.m4.learner.g.init-weights", "1;2;3;4")))
                .hasMessageContaining("model.m4.learner.g").hasMessageContaining("init-weights has 4 values");
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("model.m5.features", "a,a")))
                .hasMessageContaining("feature names repeat");
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("learners", "sgd,none")))
                .hasMessageContaining("'none' is not a learner name");
        // and a good per-model learner with a known dimension is accepted
        assertThat(GapwatchConfig.of(Map.of("model.m4.features", "a,b", "model.m4.learners", "g",
                "model.m4.learner.g.init", "given", "model.m4.learner.g.init-weights", "1;2")).specFor("m4").learners()).containsOnlyKeys("g");
    }

    @Test
    void shouldNameTheKeyOfEveryMistakeInOneLine() {
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("reprot.interval.ms", "5")))
                .isInstanceOf(ConfigException.class).hasMessage("unknown configuration key 'reprot.interval.ms'");
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("model.forgetting", "1.5")))
                .hasMessageContaining("model.forgetting").hasMessageContaining("1.5");
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("http.port", "http")))
                .hasMessageContaining("http.port");
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("learner.sgd.lrate", "1")))
                .hasMessageContaining("learner.sgd.lrate").hasMessageContaining("unknown learner setting 'lrate'");
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("learner.adam.beta1", "7")))
                .hasMessageContaining("learner.adam.beta1").hasMessageContaining("must be a number in [0, 1]");
        assertThatThrownBy(() -> GapwatchConfig.of(Map.of("output.format", "xml")))
                .hasMessageContaining("output.format");
        for (String key : new String[] {"reprot.interval.ms", "model.forgetting", "learner.sgd.lrate"}) {
            try {
                GapwatchConfig.of(Map.of(key, key.equals("model.forgetting") ? "1.5" : "1"));
            } catch (ConfigException e) {
                assertThat(e.getMessage().lines()).as(key).hasSize(1);
            }
        }
        assertThatThrownBy(() -> GapwatchConfig.load(dir.resolve("missing.properties"), Map.of()))
                .hasMessageContaining("missing.properties does not exist");
    }

    @Test
    void shouldMapEnvironmentNamesAsKafkasImagesDo() {
        assertThat(GapwatchConfig.keyOfEnvironment("REPORT_INTERVAL_MS")).isEqualTo("report.interval.ms");
        assertThat(GapwatchConfig.keyOfEnvironment("LEARNER_MY__SGD_ON___DIVERGE")).isEqualTo("learner.my_sgd.on-diverge");
    }
}
