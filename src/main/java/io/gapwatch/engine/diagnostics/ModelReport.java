package io.gapwatch.engine.diagnostics;

import java.util.List;

/**
 * Everything gapwatch knows about one model at one moment: the exact fit, each learner's gap, and the findings.
 *
 * @param records distinct records the exact fit has learned, each once
 * @param passes  passes over those records the learners have trained on (epochs; 1 for a stream)
 * @param recentTargets     the targets of the last records learned (up to {@link io.gapwatch.engine.RecentPredictions#CAPACITY}), oldest first
 * @param recentPredictions [predictor][record]: predictor 0 the exact fit, then each learner, each prediction made
 *                          before the record was learned (NaN where the exact fit could not predict)
 */
public record ModelReport(
        long records,
        int passes,
        List<String> featureNames,
        ExactReport exact,
        List<LearnerReport> learners,
        List<Finding> findings,
        double[] recentTargets,
        double[][] recentPredictions) {
}
