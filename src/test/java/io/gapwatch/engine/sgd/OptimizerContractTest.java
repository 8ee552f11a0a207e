package io.gapwatch.engine.sgd;

import org.junit.jupiter.api.Nested;

import java.util.Map;

/** Every optimizer, and the options that change how steps are taken, through the same contract. */
class OptimizerContractTest {

    @Nested
    class Sgd extends LearnerContract {
        @Override
        Map<String, String> settings() {
            return Map.of("optimizer", "sgd", "lr", "0.01");
        }
    }

    @Nested
    class SgdWithInvscalingAndAveraging extends LearnerContract {
        @Override
        Map<String, String> settings() {
            return Map.of("optimizer", "sgd", "lr", "0.05", "schedule", "invscaling", "power", "0.25", "average", "true");
        }
    }

    @Nested
    class MiniBatchWithPenaltyAndClipping extends LearnerContract {
        @Override
        Map<String, String> settings() {
            return Map.of("optimizer", "sgd", "lr", "0.05", "batch", "8", "l2", "1e-5", "clip", "10");
        }

        @Override
        int epochs() {
            return 60;
        }
    }

    @Nested
    class Momentum extends LearnerContract {
        @Override
        Map<String, String> settings() {
            return Map.of("optimizer", "momentum", "lr", "0.002", "momentum", "0.9");
        }
    }

    @Nested
    class Nesterov extends LearnerContract {
        @Override
        Map<String, String> settings() {
            return Map.of("optimizer", "nesterov", "lr", "0.002", "momentum", "0.9");
        }
    }

    @Nested
    class Adagrad extends LearnerContract {
        @Override
        Map<String, String> settings() {
            return Map.of("optimizer", "adagrad", "lr", "0.5");
        }
    }

    @Nested
    class RmsProp extends LearnerContract {
        @Override
        Map<String, String> settings() {
            return Map.of("optimizer", "rmsprop", "lr", "0.001", "beta2", "0.99", "schedule", "step", "step", "10000", "decay", "0.3");
        }
    }

    @Nested
    class Adam extends LearnerContract {
        @Override
        Map<String, String> settings() {
            return Map.of("optimizer", "adam", "lr", "0.01", "schedule", "exponential", "decay", "0.9999");
        }
    }

    @Nested
    class AmsGrad extends LearnerContract {
        @Override
        Map<String, String> settings() {
            return Map.of("optimizer", "adam", "lr", "0.01", "amsgrad", "true", "schedule", "exponential", "decay", "0.9999");
        }
    }

    @Nested
    class AdamW extends LearnerContract {
        @Override
        Map<String, String> settings() {
            return Map.of("optimizer", "adamw", "lr", "0.01", "weight-decay", "1e-4", "schedule", "exponential", "decay", "0.9999");
        }
    }

    @Nested
    class StandardizedWithScaledTarget extends LearnerContract {
        @Override
        Map<String, String> settings() {
            return Map.of("optimizer", "sgd", "lr", "0.01", "standardize", "true", "scale-target", "true");
        }
    }

    @Nested
    class Whitened extends LearnerContract {
        @Override
        Map<String, String> settings() {
            return Map.of("optimizer", "sgd", "lr", "0.01", "whiten", "true", "intercept-lr", "0.02");
        }
    }
}
