package io.gapwatch.stream;

/**
 * An input record that decoded and passed validation, on its way to its model. Carries the raw
 * bytes so that a later stage can still dead-letter it unchanged.
 *
 * @param target NaN when the record has no target (score only)
 */
record Observation(String model, double[] features, double target, Long eventTime, String recordId,
                   byte[] rawKey, byte[] rawValue) {

    boolean hasTarget() {
        return !Double.isNaN(target);
    }
}
