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
        assertThat(LearnerConfig.SETTINGS).hasSize(29);
    }

    @Test
    void shouldNameTheKeyOfEveryMistake() {
        assertThatThrownBy(() -> LearnerConfig.parse(Map.of("lrate", "1")))
                .hasMessageStartingWith("unknown learner setting 'lrate' (settings: preset, loss, optimizer, lr,");
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

    /**
     * Keras 3's documented defaults (keras.io/api/optimizers and layers/core_layers/dense;
     * keras/src/optimizers/*.py): Adam lr 1e-3, epsilon 1e-7 added after the bias correction is
     * folded into the step; RMSprop lr 1e-3, rho 0.9, epsilon inside the root; Adagrad lr 1e-3,
     * initial_accumulator_value 0.1, epsilon inside the root; SGD lr 0.01; Dense's kernel
     * glorot_uniform and zero bias; the mse loss (ŷ − y)². The PyTorch preset is held to torch's
     * own trajectories in PresetTrajectoryTest.
     */
    @Test
    void shouldTakeKerassDocumentedDefaultsWithThePreset() {
        final LearnerConfig adam = LearnerConfig.parse(Map.of("preset", "keras", "optimizer", "adam"));
        assertThat(adam.loss()).isEqualTo(LearnerConfig.LossKind.MSE);
        assertThat(adam.init()).isEqualTo(LearnerConfig.InitKind.GLOROT);
        assertThat(adam.lr()).isEqualTo(1e-3);
        assertThat(adam.beta1()).isEqualTo(0.9);
        assertThat(adam.beta2()).isEqualTo(0.999);
        assertThat(adam.eps()).isEqualTo(1e-7);
        assertThat(adam.epsForm()).isEqualTo(LearnerConfig.EpsForm.KERAS);
        final LearnerConfig rmsprop = LearnerConfig.parse(Map.of("preset", "keras", "optimizer", "rmsprop"));
        assertThat(rmsprop.lr()).isEqualTo(1e-3);
        assertThat(rmsprop.beta2()).as("rho").isEqualTo(0.9);
        assertThat(rmsprop.eps()).isEqualTo(1e-7);
        final LearnerConfig adagrad = LearnerConfig.parse(Map.of("preset", "keras", "optimizer", "adagrad"));
        assertThat(adagrad.accumulatorInit()).isEqualTo(0.1);
        assertThat(adagrad.lr()).isEqualTo(1e-3);
        assertThat(LearnerConfig.parse(Map.of("preset", "keras", "optimizer", "sgd")).lr()).isEqualTo(0.01);
    }

    @Test
    void shouldTakeTorchsDefaultsPerOptimizerAndLetExplicitSettingsWin() {
        final LearnerConfig adagrad = LearnerConfig.parse(Map.of("preset", "torch", "optimizer", "adagrad"));
        assertThat(adagrad.eps()).isEqualTo(1e-10);
        assertThat(adagrad.accumulatorInit()).isZero();
        assertThat(adagrad.lr()).isEqualTo(0.01);
        assertThat(adagrad.loss()).isEqualTo(LearnerConfig.LossKind.MSE);
        assertThat(adagrad.init()).isEqualTo(LearnerConfig.InitKind.UNIFORM);
        assertThat(LearnerConfig.parse(Map.of("preset", "torch", "optimizer", "rmsprop")).beta2()).as("alpha").isEqualTo(0.99);
        final LearnerConfig mine = LearnerConfig.parse(Map.of("preset", "torch", "optimizer", "adam", "lr", "0.1", "init", "zeros",
                "loss", "half-squared"));
        assertThat(mine.lr()).isEqualTo(0.1);
        assertThat(mine.init()).isEqualTo(LearnerConfig.InitKind.ZEROS);
        assertThat(mine.loss()).isEqualTo(LearnerConfig.LossKind.HALF_SQUARED);
        assertThat(mine.eps()).isEqualTo(1e-8);
        // reports show the preset and what differs from it, and the text reads back to the same learner
        assertThat(mine.describe()).isEqualTo("preset=torch,loss=half-squared,optimizer=adam,lr=0.1,init=zeros");
        assertThat(LearnerConfig.parse(LearnerConfig.splitPairs(mine.describe()))).isEqualTo(mine);
        final LearnerConfig sklearn = LearnerConfig.parse(Map.of("preset", "sklearn", "optimizer", "adam"));
        assertThat(sklearn.loss()).isEqualTo(LearnerConfig.LossKind.HALF_SQUARED);
        assertThat(sklearn.epsForm()).as("MLPRegressor's Adam adds ε after the correction").isEqualTo(LearnerConfig.EpsForm.KERAS);
    }

    @Test
    void shouldDescribeOnlyWhatDiffersFromTheDefaults() {
        assertThat(LearnerConfig.parse(Map.of("optimizer", "adam", "lr", "0.001", "amsgrad", "true")).describe())
                .isEqualTo("optimizer=adam,lr=0.001,amsgrad=true");
        assertThat(LearnerConfig.defaultSet()).containsOnlyKeys("sgd", "adam");
        assertThat(LearnerConfig.defaultSet().get("adam").lr()).isEqualTo(0.001);
    }
}
