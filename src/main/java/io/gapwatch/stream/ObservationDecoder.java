package io.gapwatch.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.avro.RejectReason;
import io.gapwatch.engine.exact.StreamingLeastSquares;

import java.nio.charset.StandardCharsets;

/**
 * Turns an input record's bytes into an {@link Observation} or a {@link Rejection}: decode (Avro
 * single-object encoding, or JSON {@code {"features": [...], "target": ...}}), then validate.
 * Never throws on bad data.
 */
final class ObservationDecoder {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS, false);

    private final int maxKeyBytes;
    private final int maxFeatures;
    private final RecordCodec codec = new RecordCodec();

    ObservationDecoder(int maxKeyBytes, int maxFeatures) {
        this.maxKeyBytes = maxKeyBytes;
        this.maxFeatures = maxFeatures;
    }

    /** The decoded observation, or why not. Exactly one is non-null. */
    record Result(Observation observation, Rejection rejection) {
        static Result rejected(RejectReason reason, String message) {
            return new Result(null, new Rejection(reason, message));
        }
    }

    Result decode(byte[] key, byte[] value) {
        final Rejection badKey = keyProblem(key, maxKeyBytes);
        if (badKey != null) {
            return new Result(null, badKey);
        }
        final String model = new String(key, StandardCharsets.UTF_8);
        final Result result = decodeValue(model, key, value);
        return result.rejection() == null ? result : new Result(null, result.rejection().about(model));
    }

    /** The value of a record whose key names {@code model}. */
    private Result decodeValue(String model, byte[] key, byte[] value) {
        if (value == null || value.length == 0) {
            return Result.rejected(RejectReason.UNDECODABLE, "the record has no value");
        }
        final double[] features;
        final double target;
        final Long eventTime;
        final String recordId;
        if (Codecs.isSingleObject(value)) {
            final RecordCodec.ObservationFields avro;
            try {
                avro = codec.readObservation(value);
            } catch (IllegalArgumentException e) {
                return Result.rejected(RejectReason.UNDECODABLE, e.getMessage());
            }
            if (avro.targetIsNaN()) {
                return Result.rejected(RejectReason.NON_FINITE, "the target is NaN"); // NaN would read as "no target"
            }
            features = avro.features();
            target = avro.target();
            eventTime = avro.eventTime();
            recordId = avro.recordId();
        } else {
            final JsonNode node;
            try {
                node = JSON.readTree(value);
            } catch (JsonProcessingException e) {
                return Result.rejected(RejectReason.UNDECODABLE, "neither Avro nor JSON: " + e.getOriginalMessage());
            } catch (java.io.IOException e) {
                return Result.rejected(RejectReason.UNDECODABLE, "neither Avro nor JSON: " + e.getMessage());
            }
            if (node == null || !node.isObject()) {
                return Result.rejected(RejectReason.UNDECODABLE, "the JSON value is not an object");
            }
            final JsonNode array = node.get("features");
            if (array == null || array.isNull()) {
                return Result.rejected(RejectReason.MISSING_FEATURES, "the JSON object has no \"features\"");
            }
            if (!array.isArray()) {
                return Result.rejected(RejectReason.UNDECODABLE, "\"features\" is not an array");
            }
            features = new double[array.size()];
            for (int j = 0; j < features.length; j++) {
                final JsonNode v = array.get(j);
                if (!v.isNumber()) {
                    return Result.rejected(RejectReason.UNDECODABLE, "features[" + j + "] is not a number: " + v);
                }
                features[j] = v.doubleValue();
            }
            final JsonNode t = node.get("target");
            if (t == null || t.isNull()) {
                target = Double.NaN;
            } else if (!t.isNumber()) {
                return Result.rejected(RejectReason.UNDECODABLE, "\"target\" is not a number: " + t);
            } else {
                target = t.doubleValue();
            }
            final JsonNode time = node.get("event_time");
            eventTime = time != null && time.canConvertToLong() ? time.longValue() : null;
            final JsonNode id = node.get("record_id");
            recordId = id != null && id.isTextual() ? id.asText() : null;
        }
        if (features.length == 0) {
            return Result.rejected(RejectReason.MISSING_FEATURES, "the record has no features");
        }
        if (features.length > maxFeatures) {
            return Result.rejected(RejectReason.TOO_MANY_FEATURES, "the record has " + features.length
                    + " features; at most " + maxFeatures + " are accepted (features.max)");
        }
        for (int j = 0; j < features.length; j++) {
            if (!acceptable(features[j])) { // the name is built only for a rejection: this loop runs d times a record
                return new Result(null, unacceptable(features[j], "features[" + j + "]"));
            }
        }
        if (!Double.isNaN(target) && !acceptable(target)) {
            return new Result(null, unacceptable(target, "the target"));
        }
        return new Result(new Observation(model, features, target, eventTime, recordId, key, value), null);
    }

    /** Why a record's key cannot name a model (observations and weights alike), or null when it can. */
    static Rejection keyProblem(byte[] key, int maxKeyBytes) {
        if (key == null || key.length == 0) {
            return new Rejection(RejectReason.EMPTY_KEY, "the record has no key: the key names the model");
        }
        if (key.length > maxKeyBytes) {
            return new Rejection(RejectReason.OVERSIZED_KEY, "the key has " + key.length + " bytes; model ids have at most " + maxKeyBytes);
        }
        final String model = new String(key, StandardCharsets.UTF_8);
        for (int i = 0; i < model.length(); i++) {
            if (Character.isISOControl(model.charAt(i))) {
                return new Rejection(RejectReason.UNDECODABLE, "the key contains a control character at position " + i);
            }
        }
        return null;
    }

    /** Finite and within ±1e100: a value the exact fit accepts. */
    static boolean acceptable(double v) {
        return Double.isFinite(v) && Math.abs(v) <= StreamingLeastSquares.MAX_MAGNITUDE;
    }

    /** Why {@code v}, which is not {@link #acceptable}, is refused; {@code what} names it. */
    static Rejection unacceptable(double v, String what) {
        return Double.isFinite(v) ? new Rejection(RejectReason.OUT_OF_RANGE, what + " is " + v + ", beyond ±1e100")
                : new Rejection(RejectReason.NON_FINITE, what + " is " + v);
    }
}
