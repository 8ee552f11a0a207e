package io.gapwatch.engine;

import io.gapwatch.engine.exact.LeastSquaresOptions;

/**
 * @param exact  what the exact fit minimizes
 * @param window records over which health statistics are averaged and drift is measured
 */
public record ModelOptions(LeastSquaresOptions exact, int window) {

    public static final int DEFAULT_WINDOW = 1000;

    public static final ModelOptions DEFAULTS = new ModelOptions(LeastSquaresOptions.ORDINARY, DEFAULT_WINDOW);

    public ModelOptions {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1 record, got " + window);
        }
    }
}
