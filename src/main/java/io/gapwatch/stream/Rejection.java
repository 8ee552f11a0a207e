package io.gapwatch.stream;

import io.gapwatch.avro.RejectReason;

/**
 * Why an input record cannot be used, in one sentence. Bad records are data, not exceptions.
 *
 * @param model the model the record's key names, or null when the key names none
 */
record Rejection(RejectReason reason, String message, String model) {

    Rejection(RejectReason reason, String message) {
        this(reason, message, null);
    }

    Rejection about(String modelId) {
        return new Rejection(reason, message, modelId);
    }
}
