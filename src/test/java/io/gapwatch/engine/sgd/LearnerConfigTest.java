package io.gapwatch.engine.sgd;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LearnerConfigTest {

    @Test
    void shouldReadEverySettingByItsName() {
        final LearnerConfig c = LearnerConfig.parse(LearnerConfig.splitPairs(
                "optimizer=adamw,lr=0.003,schedule=step,power=0.5,decay=0.5,step=100,batch=32,l2=1e-4,clip=1,"
                        + "average=true,momentum=0.8,beta1=0.8,beta2=0.99,eps=1e-6,amsgrad=yes,weight-decay=0.01,"
                        + "standardize=true,scale-target=true,intercept=false,intercept-lr=0.1,init=given,"
                        + "init-weights=1;2;3,seed=42,on-diverge=reset"));
        assertThat(c.optimizer()).isEqualTo(LearnerConfig.OptimizerKind.ADAMW);
        assertThat(c.lr()).isEqualTo(0.003);
        assertThat(c.schedule()).isEqualTo(LearnerConfig.ScheduleKind.STEP);
        assertThat(c.batch()).isEqualTo(32);
        assertThat(c.amsgrad()).isTrue();
        assertThat(c.weightDecay()).isEqualTo(0.01);
        assertThat(c.initWeights()).containsExactly(1, 2, 3);
        assertThat(c.onDiverge()).isEqualTo(LearnerConfig.OnDiverge.RESET);
        assertThat(c.interceptLr()).isEqualTo(0.1);
        assertThat(LearnerConfig.SETTINGS).hasSize(25);
    }

    @Test
    void shouldNameTheKeyOfEveryMistake() {
        assertThatThrownBy(() -> LearnerConfig.parse(Map.of("lrate", "1")))
                .hasMessageStartingWith("unknown learner setting 'lrate' (settings: optimizer, lr,");
        assertThatThrownBy(() -> LearnerConfig.parse(Map.of("lr", "-1"))).hasMessage("lr: must be a number > 0, got -1");
        assertThatThrownBy(() -> LearnerConfig.parse(Map.of("lr", "fast"))).hasMessage("lr: must be a number > 0, got 'fast'");
        assertThatThrownBy(() -> LearnerConfig.parse(Map.of("optimizer", "lbfgs")))
                .hasMessage("optimizer: must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, got 'lbfgs'");
        assertThatThrownBy(() -> LearnerConfig.parse(Map.of("beta1", "1.5"))).hasMessage("beta1: must be a number in [0, 1], got 1.5");
        assertThatThrownBy(() -> LearnerConfig.parse(Map.of("batch", "0"))).hasMessage("batch: must be an integer ≥ 1, got 0");
        assertThatThrownBy(() -> LearnerConfig.parse(Map.of("average", "maybe"))).hasMessage("average: must be true or false, got 'maybe'");
        assertThatThrownBy(() -> LearnerConfig.parse(Map.of("init", "given"))).hasMessage("init=given needs init-weights");
        assertThatThrownBy(() -> LearnerConfig.parse(Map.of("whiten", "true", "standardize", "true")))
                .hasMessageContaining("drop standardize");
        assertThatThrownBy(() -> LearnerConfig.splitPairs("lr=1,lr=2")).hasMessage("setting 'lr' given twice");
        assertThatThrownBy(() -> LearnerConfig.splitPairs("lr")).hasMessage("expected key=value, got 'lr'");
        assertThatThrownBy(() -> LearnerConfig.parse(Map.of("init", "given", "init-weights", "1;2")).checkFor(5))
                .hasMessageContaining("init-weights has 2 values; the model has 5 features");
    }

    @Test
    void shouldDescribeOnlyWhatDiffersFromTheDefaults() {
        assertThat(LearnerConfig.parse(Map.of("optimizer", "adam", "lr", "0.001", "amsgrad", "true")).describe())
                .isEqualTo("optimizer=adam,lr=0.001,amsgrad=true");
        assertThat(LearnerConfig.defaultSet()).containsOnlyKeys("sgd", "adam");
        assertThat(LearnerConfig.defaultSet().get("adam").lr()).isEqualTo(0.001);
    }
}
