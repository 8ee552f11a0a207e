package io.gapwatch.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.engine.diagnostics.ExternalWeights;

import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the weights a user's own training produced, the body of {@code POST /models/ID/evaluate}
 * and the file of {@code replay --weights}:
 * <pre>
 *   {"name": "torch", "intercept": 0.12, "weights": [1.5, -0.3]}
 * </pre>
 * <ul>
 *   <li>{@code name}: optional (the caller's default: the file's name, or "weights");</li>
 *   <li>{@code intercept}: a number, absent or null for none; a one-element array is taken too
 *       (PyTorch's {@code bias.tolist()}, Keras' bias vector);</li>
 *   <li>{@code weights}: the d weights in the model's feature order, as a flat array, or as one row
 *       or one column of a matrix — PyTorch's {@code weight.tolist()} is 1×d, a Keras kernel d×1.</li>
 * </ul>
 * Any other field is refused, so that a misspelt {@code "bias"} is not silently judged as no
 * intercept. NaN and ±Infinity, which Python's {@code json} writes for diverged weights, are read
 * and then refused as non-finite, by name, rather than reported as bad JSON.
 */
public final class WeightsJson {

    /** The largest HTTP body taken: 1 MiB, about 40,000 weights at full precision. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private static final Set<String> FIELDS = Set.of("name", "intercept", "weights");
    private static final ObjectMapper READER = new ObjectMapper(JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private WeightsJson() {
    }

    /** Why a weights document was refused; {@link #malformed()} separates bad JSON from values that cannot be judged. */
    public static final class Invalid extends Exception {

        private static final long serialVersionUID = 1L;
        private final boolean malformed;

        Invalid(String message, boolean malformed) {
            super(message);
            this.malformed = malformed;
        }

        /** True when the document is not JSON or not of the shape above (HTTP 400); false for values that are (422). */
        public boolean malformed() {
            return malformed;
        }
    }

    /**
     * @param json        the document
     * @param defaultName the name when the document has none
     * @throws Invalid with one sentence saying what is wrong
     */
    public static ExternalWeights parse(byte[] json, String defaultName) throws Invalid {
        final JsonNode root;
        try {
            root = READER.readTree(json);
        } catch (JsonProcessingException e) {
            // Jackson names the source as "[Source: REDACTED (…); line: 1, column: 13]": keep the place, drop the rest
            final String message = e.getOriginalMessage().replaceAll("\\[Source: [^;\\]]*; ", "[");
            throw new Invalid("not JSON: " + message + location(e), true);
        } catch (IOException e) {
            throw new Invalid("not JSON: " + e.getMessage(), true);
        }
        if (root == null || root.isMissingNode()) {
            throw new Invalid("empty: expected {\"name\": …, \"intercept\": b, \"weights\": [w1, …, wd]}", true);
        }
        if (!root.isObject()) {
            throw new Invalid("expected an object {\"name\": …, \"intercept\": b, \"weights\": [w1, …, wd]}, got " + kind(root), true);
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            final String field = names.next();
            if (!FIELDS.contains(field)) {
                throw new Invalid("unknown field '" + field + "' (the fields are name, intercept and weights)", true);
            }
        }
        final JsonNode nameNode = root.get("name");
        final String name;
        if (nameNode == null || nameNode.isNull()) {
            name = defaultName;
        } else if (nameNode.isTextual()) {
            name = nameNode.asText();
        } else {
            throw new Invalid("name must be a string, got " + kind(nameNode), true);
        }
        final Double intercept = intercept(root.get("intercept"));
        final JsonNode weightsNode = root.get("weights");
        if (weightsNode == null || weightsNode.isNull()) {
            throw new Invalid("no weights: expected \"weights\": [w1, …, wd]", true);
        }
        final double[] weights = weights(weightsNode);
        try {
            return new ExternalWeights(name, intercept, weights);
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage(), false);
        }
    }

    private static Double intercept(JsonNode node) throws Invalid {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isArray()) {
            if (node.size() != 1) {
                throw new Invalid("intercept must be a number (or a one-element array), got an array of " + node.size(), true);
            }
            return number(node.get(0), "intercept");
        }
        return number(node, "intercept");
    }

    // a flat array, one row [[w1, …, wd]] or one column [[w1], …, [wd]]
    private static double[] weights(JsonNode node) throws Invalid {
        if (!node.isArray()) {
            throw new Invalid("weights must be an array of numbers, got " + kind(node), true);
        }
        if (node.size() == 1 && node.get(0).isArray()) {
            return flat(node.get(0), "weights[0]");
        }
        if (node.size() > 0 && node.get(0).isArray()) {
            final double[] column = new double[node.size()];
            for (int j = 0; j < column.length; j++) {
                final JsonNode row = node.get(j);
                if (!row.isArray() || row.size() != 1) {
                    throw new Invalid("weights must be one row or one column: weights[" + j + "] is "
                            + (row.isArray() ? "an array of " + row.size() : kind(row)), true);
                }
                column[j] = number(row.get(0), "weights[" + j + "][0]");
            }
            return column;
        }
        return flat(node, "weights");
    }

    private static double[] flat(JsonNode array, String path) throws Invalid {
        final double[] values = new double[array.size()];
        for (int j = 0; j < values.length; j++) {
            values[j] = number(array.get(j), path + "[" + j + "]");
        }
        return values;
    }

    private static double number(JsonNode node, String path) throws Invalid {
        if (!node.isNumber()) {
            throw new Invalid(path + " must be a number, got " + kind(node), true);
        }
        return node.doubleValue();
    }

    private static String kind(JsonNode node) {
        if (node.isTextual()) {
            final String text = node.asText();
            return "the string \"" + (text.length() > 20 ? text.substring(0, 20) + "…" : text) + "\"";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case BOOLEAN -> node.asText();
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : String.format(Locale.ROOT, " (line %d, column %d)",
                e.getLocation().getLineNr(), e.getLocation().getColumnNr());
    }
}
