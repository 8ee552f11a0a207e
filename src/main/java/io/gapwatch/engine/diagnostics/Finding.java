package io.gapwatch.engine.diagnostics;

import java.util.List;

/**
 * One verdict: a code, the learner it is about ({@code null} for the data), one plain sentence,
 * and the learners it concerns — the ones whose settings its advice is for. A finding about the
 * data with nothing to advise concerns none; one about a learner concerns that learner.
 */
public record Finding(FindingCode code, String learner, String message, List<String> learners) {

    public Finding {
        learners = List.copyOf(learners);
    }

    /** A finding about one learner. */
    static Finding about(FindingCode code, String learner, String message) {
        return new Finding(code, learner, message, List.of(learner));
    }

    /** A finding about the data, with advice for {@code learners} (possibly none). */
    static Finding data(FindingCode code, String message, List<String> learners) {
        return new Finding(code, null, message, learners);
    }
}
