package io.gapwatch.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.avro.RejectReason;
import io.gapwatch.avro.WeightsUpdate;
import io.gapwatch.engine.diagnostics.ExternalWeights;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * First stage of the weights topic: bytes in, a valid {@link WeightsUpdate} out to the model stage
 * (as {@link Weights}), or a dead letter with its reason. What needs the model — its dimension, its
 * learners' names, its intercept — is checked there. Stateless; never throws on bad data.
 */
final class WeightsDecodeProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final ObjectMapper JSON = new ObjectMapper().configure(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS, false);

    /** A decoded weights record on its way to its model, with its bytes for a dead letter. */
    record Weights(String model, WeightsUpdate update, byte[] rawKey, byte[] rawValue) {
    }

    private final StreamSettings settings;
    private final StreamListener listener;
    private ProcessorContext<Object, Object> context;

    WeightsDecodeProcessor(StreamSettings settings, StreamListener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        final Rejection badKey = ObservationDecoder.keyProblem(record.key(), settings.keyMaxBytes());
        if (badKey != null) {
            DecodeProcessor.deadLetter(context, settings, listener, record.key(), record.value(), record.timestamp(), badKey);
            return;
        }
        final String model = new String(record.key(), StandardCharsets.UTF_8);
        final Object decoded = decode(record.value(), settings.featuresMax());
        if (decoded instanceof Rejection rejection) {
            DecodeProcessor.deadLetter(context, settings, listener, record.key(), record.value(), record.timestamp(),
                    rejection.about(model));
            return;
        }
        context.forward(new Record<Object, Object>(model, new Weights(model, (WeightsUpdate) decoded, record.key(), record.value()),
                record.timestamp()), TopologyFactory.MODEL);
    }

    /** The update (Avro single-object encoding, or JSON with the same fields), or the {@link Rejection} saying why not. */
    static Object decode(byte[] value, int maxFeatures) {
        if (value == null || value.length == 0) {
            return new Rejection(RejectReason.UNDECODABLE, "the weights record has no value");
        }
        final WeightsUpdate update;
        if (Codecs.isSingleObject(value)) {
            try {
                update = Codecs.decode(value, WeightsUpdate.class);
            } catch (RuntimeException e) {
                return new Rejection(RejectReason.UNDECODABLE, "not a WeightsUpdate in Avro: " + e.getMessage());
            }
        } else {
            final JsonNode node;
            try {
                node = JSON.readTree(value);
            } catch (java.io.IOException e) {
                return new Rejection(RejectReason.UNDECODABLE, "neither Avro nor JSON: " + e.getMessage());
            }
            if (node == null || !node.isObject()) {
                return new Rejection(RejectReason.UNDECODABLE, "the JSON value is not an object");
            }
            final JsonNode learner = node.get("learner");
            if (learner == null || !learner.isTextual()) {
                return new Rejection(RejectReason.UNDECODABLE, "the JSON object has no \"learner\" name");
            }
            final JsonNode array = node.get("weights");
            if (array == null || !array.isArray()) {
                return new Rejection(RejectReason.MISSING_FEATURES, "the JSON object has no \"weights\" array");
            }
            final List<Double> weights = new ArrayList<>(array.size());
            for (int j = 0; j < array.size(); j++) {
                if (!array.get(j).isNumber()) {
                    return new Rejection(RejectReason.UNDECODABLE, "weights[" + j + "] is not a number: " + array.get(j));
                }
                weights.add(array.get(j).doubleValue());
            }
            final JsonNode intercept = node.get("intercept");
            if (intercept != null && !intercept.isNull() && !intercept.isNumber()) {
                return new Rejection(RejectReason.UNDECODABLE, "\"intercept\" is not a number: " + intercept);
            }
            final JsonNode step = node.get("step");
            if (step != null && !step.isNull() && !step.canConvertToLong()) {
                return new Rejection(RejectReason.UNDECODABLE, "\"step\" is not an integer: " + step);
            }
            update = WeightsUpdate.newBuilder().setLearner(learner.asText())
                    .setStep(step == null || step.isNull() ? null : step.longValue())
                    .setIntercept(intercept == null || intercept.isNull() ? null : intercept.doubleValue())
                    .setWeights(weights).build();
        }
        if (!ExternalWeights.NAME.matcher(update.getLearner()).matches()) {
            return new Rejection(RejectReason.UNDECODABLE, "the learner name must be 1–64 letters, digits, '_', '.' or '-', got '"
                    + update.getLearner() + "'");
        }
        if (update.getWeights().isEmpty()) {
            return new Rejection(RejectReason.MISSING_FEATURES, "the weights record has no weights");
        }
        if (update.getWeights().size() > maxFeatures) {
            return new Rejection(RejectReason.TOO_MANY_FEATURES, "the record has " + update.getWeights().size()
                    + " weights; at most " + maxFeatures + " are accepted (features.max)");
        }
        for (int j = 0; j < update.getWeights().size(); j++) {
            final double w = update.getWeights().get(j);
            if (!ObservationDecoder.acceptable(w)) {
                return ObservationDecoder.unacceptable(w, "weights[" + j + "]");
            }
        }
        if (update.getIntercept() != null && !ObservationDecoder.acceptable(update.getIntercept())) {
            return ObservationDecoder.unacceptable(update.getIntercept(), "the intercept");
        }
        return update;
    }

    /** The engine's view of an update. */
    static ExternalWeights external(WeightsUpdate update) {
        final double[] w = new double[update.getWeights().size()];
        for (int j = 0; j < w.length; j++) {
            w[j] = update.getWeights().get(j);
        }
        return new ExternalWeights(update.getLearner(), update.getIntercept(), w);
    }
}
