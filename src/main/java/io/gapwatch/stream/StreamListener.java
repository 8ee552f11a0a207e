package io.gapwatch.stream;

import io.gapwatch.avro.RejectReason;
import io.gapwatch.engine.ModelListener;
import io.gapwatch.engine.diagnostics.ModelReport;

/**
 * What the processor tells the world as it works: each model's reports, each record it processed
 * (with and without a target), each record it rejected. Called on the stream thread, per record:
 * implementations must not allocate or block.
 */
public interface StreamListener extends ModelListener {

    /** A record reached its model: learned from ({@code learned}) or only scored. */
    void processed(String model, boolean learned);

    /** A record went to the dead-letter topic. */
    void rejected(RejectReason reason);

    StreamListener NONE = new StreamListener() {
        @Override
        public void reported(String model, ModelReport report) {
        }

        @Override
        public void processed(String model, boolean learned) {
        }

        @Override
        public void rejected(RejectReason reason) {
        }
    };
}
