package io.gapwatch.stream;

import io.gapwatch.avro.RejectReason;

/** Why an input record cannot be used, in one sentence. Bad records are data, not exceptions. */
record Rejection(RejectReason reason, String message) {
}
