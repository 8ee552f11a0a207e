package io.gapwatch.stream;

/**
 * A seam through which tests make processing fail at the moments that matter to exactly-once:
 * after a model learned a record in memory and before anything is written; after a snapshot is
 * written and before the transaction holding it commits; in the middle of a restore's re-read of
 * the input. A test may throw (a fault the processor must contain) or halt the JVM (a crash at that
 * exact point). Production runs {@link #NONE}.
 */
@FunctionalInterface
public interface FaultInjection {

    /**
     * Called after {@code model} learned a record, before its state is written; throwing is a fault.
     *
     * @param recordId the record's {@code record_id}, or null
     */
    void afterLearning(String model, String recordId);

    /** Called after a snapshot of {@code model} went into its store, before the transaction commits. */
    default void afterSnapshot(String model) {
    }

    /** Called for each input record a restore applies again to {@code model}, after applying it. */
    default void duringReread(String model, long offset) {
    }

    FaultInjection NONE = (model, recordId) -> { };
}
