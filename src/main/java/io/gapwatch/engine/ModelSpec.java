package io.gapwatch.engine;

import io.gapwatch.engine.sgd.LearnerConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model is built from before its first record: its feature names (null when its first
 * record fixes the dimension), what the exact fit minimizes, and its learners. {@link #check}
 * holds every rule that ties a learner to its model, so the configuration can refuse a bad
 * specification at start-up and no record ever meets one.
 *
 * @param features names, or null: the first record's length decides
 * @param learners by name, in order
 */
public record ModelSpec(List<String> features, ModelOptions options, Map<String, LearnerConfig> learners) {

    public ModelSpec {
        features = features == null ? null : List.copyOf(features);
        learners = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(learners));
    }

    /**
     * @throws IllegalArgumentException naming the learner and the rule it breaks, e.g.
     *         "learner 'fast': the exact fit has no intercept, so the learner cannot have one either …"
     */
    public void check() {
        if (features != null) {
            if (features.isEmpty() && !options.exact().intercept()) {
                throw new IllegalArgumentException("a model without intercept needs at least one feature");
            }
            if (new java.util.HashSet<>(features).size() != features.size()) {
                throw new IllegalArgumentException("feature names repeat: " + features);
            }
        }
        for (Map.Entry<String, LearnerConfig> entry : learners.entrySet()) {
            try {
                checkLearner(options, entry.getValue(), features == null ? -1 : features.size());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("learner '" + entry.getKey() + "': " + e.getMessage(), e);
            }
        }
    }

    /**
     * The rules between one learner and its model.
     *
     * @param features the model's feature count, or −1 while unknown
     */
    static void checkLearner(ModelOptions options, LearnerConfig c, int features) {
        final boolean exactIntercept = options.exact().intercept();
        if (!exactIntercept && (c.intercept() || c.standardize() || c.scaleTarget())) {
            throw new IllegalArgumentException("the exact fit has no intercept, so the learner cannot have one either"
                    + " (set intercept=false; standardize and scale-target center, which adds one)");
        }
        if (c.whiten() && c.intercept() != exactIntercept) {
            throw new IllegalArgumentException("whiten uses the exact fit's factor, so intercept must match the exact fit's ("
                    + exactIntercept + ")");
        }
        if (c.init() == LearnerConfig.InitKind.GIVEN) {
            if (features < 0) {
                throw new IllegalArgumentException("init=given needs the model's dimension: name its features (model.ID.features)");
            }
            c.checkFor(features);
        }
    }
}
