package io.gapwatch.stream;

import io.gapwatch.avro.DeadLetter;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * First stage: bytes in, a valid {@link Observation} out to the model stage, or a dead letter
 * with its reason. Stateless; never throws on bad data.
 */
final class DecodeProcessor implements Processor<byte[], byte[], Object, Object> {

    private final StreamSettings settings;
    private final ObservationDecoder decoder;
    private final StreamListener listener;
    private ProcessorContext<Object, Object> context;

    DecodeProcessor(StreamSettings settings, StreamListener listener) {
        this.settings = settings;
        this.decoder = new ObservationDecoder(settings.keyMaxBytes(), settings.featuresMax());
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        final ObservationDecoder.Result result = decoder.decode(record.key(), record.value());
        if (result.observation() != null) {
            context.forward(new Record<Object, Object>(result.observation().model(), result.observation(), record.timestamp()),
                    TopologyFactory.MODEL);
        } else {
            deadLetter(context, settings, listener, record.key(), record.value(), record.timestamp(), result.rejection());
        }
    }

    /** Sends a rejected record, unchanged, with its reason to the dead-letter topic, and counts it. */
    static void deadLetter(ProcessorContext<Object, Object> context, StreamSettings settings, StreamListener listener,
                           byte[] key, byte[] value, long timestamp, Rejection rejection) {
        final RecordMetadata metadata = context.recordMetadata().orElse(null);
        final DeadLetter letter = DeadLetter.newBuilder()
                .setSourceTopic(metadata == null ? settings.observationsTopic() : metadata.topic())
                .setSourcePartition(metadata == null ? -1 : metadata.partition())
                .setSourceOffset(metadata == null ? -1 : metadata.offset())
                .setSourceTimestamp(timestamp).setReason(rejection.reason()).setMessage(rejection.message())
                .setKey(Outputs.buffer(key)).setValue(Outputs.buffer(value)).build();
        listener.rejected(rejection.model(), rejection.reason());
        context.forward(new Record<Object, Object>(key, Outputs.encode(letter, settings.json()), timestamp), TopologyFactory.DEAD_LETTERS);
    }
}
