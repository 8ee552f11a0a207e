package io.gapwatch.engine.diagnostics;

import java.util.List;

/** Everything gapwatch knows about one model at one moment: the exact fit, each learner's gap, and the findings. */
public record ModelReport(
        long records,
        List<String> featureNames,
        ExactReport exact,
        List<LearnerReport> learners,
        List<Finding> findings) {
}
