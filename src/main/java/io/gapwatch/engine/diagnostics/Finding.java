package io.gapwatch.engine.diagnostics;

/**
 * One verdict: a code, the learner it is about ({@code null} for the data), and one plain sentence.
 */
public record Finding(FindingCode code, String learner, String message) {
}
