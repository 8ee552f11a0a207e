package io.gapwatch.stream;

/**
 * A seam through which tests make processing a record fail in the middle: after its model has
 * learned it in memory, before anything is written. Production runs {@link #NONE}. What a fault
 * must never do — leave a half-applied update behind, or stop any other model — is what the
 * fault-isolation tests check through it.
 */
@FunctionalInterface
public interface FaultInjection {

    /**
     * Called after {@code model} learned a record, before its state is written; throwing is a fault.
     *
     * @param recordId the record's {@code record_id}, or null
     */
    void afterLearning(String model, String recordId);

    FaultInjection NONE = (model, recordId) -> { };
}
