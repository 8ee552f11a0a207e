package io.gapwatch.engine.sgd;

/** η_t of a learner's schedule, t = 1 for the first step. */
final class LearningRate {

    private LearningRate() {
    }

    static double at(LearnerConfig c, double initial, long t) {
        return switch (c.schedule()) {
            case CONSTANT -> initial;
            // scikit-learn: eta = eta0 / pow(t, power_t), t starting at 1
            case INVSCALING -> initial / Math.pow(t, c.power());
            case EXPONENTIAL -> initial * Math.pow(c.decay(), t - 1);
            case STEP -> initial * Math.pow(c.decay(), (double) ((t - 1) / c.step()));
        };
    }
}
