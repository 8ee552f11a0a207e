package io.gapwatch.engine;

import io.gapwatch.engine.diagnostics.ModelReport;

/**
 * Where a model's reports go besides the output topics: the engine owns this interface, and the
 * metrics adapter implements it. Called on the thread that made the report, with the report it
 * made; implementations must not keep the caller waiting.
 */
@FunctionalInterface
public interface ModelListener {

    void reported(String model, ModelReport report);
}
