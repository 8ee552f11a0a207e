package io.gapwatch.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gapwatch.engine.exact.Conditioning;
import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.exact.StreamingLeastSquares;

import java.util.List;

/**
 * The JSON form of a model's diagnosis: what {@code replay --json} writes (and, later, what the
 * HTTP API serves). Field names are snake_case and stable: they are the product's contract.
 *
 * <p>Numbers are written at full double precision (the shortest decimal that reads back to the
 * same double); NaN and ±Infinity, which JSON has no literal for, are written as the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}.
 */
public final class ReportJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);

    private ReportJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code records}, {@code features}, {@code target}, {@code options} and {@code exact}. */
    public static ObjectNode summary(long records, String target, List<String> featureNames,
                                     StreamingLeastSquares exact, Conditioning conditioning) {
        final ObjectNode root = NODES.objectNode();
        root.put("records", records);
        final ArrayNode features = root.putArray("features");
        featureNames.forEach(features::add);
        root.put("target", target);
        final LeastSquaresOptions options = exact.options();
        final ObjectNode opts = root.putObject("options");
        opts.put("intercept", options.intercept());
        opts.put("forgetting", options.forgetting());
        opts.put("ridge", options.ridge());
        root.set("exact", exact(exact, conditioning));
        return root;
    }

    /** The exact fit: coefficients, in-sample quality, conditioning, rank and null directions. */
    public static ObjectNode exact(StreamingLeastSquares exact, Conditioning conditioning) {
        final ObjectNode node = NODES.objectNode();
        node.put("intercept", exact.intercept());
        final ArrayNode weights = node.putArray("weights");
        for (int j = 0; j < exact.features(); j++) {
            weights.add(exact.weight(j));
        }
        node.put("r2", exact.r2());
        node.put("mse", exact.mse());
        node.put("sse", exact.sse());
        node.put("n_eff", exact.effectiveCount());
        node.put("solve_method", exact.solveMethod().name().toLowerCase(java.util.Locale.ROOT));
        node.put("rank", conditioning.rank());
        node.put("parameters", conditioning.parameters());
        node.put("rank_tolerance", conditioning.rankTolerance());
        node.put("condition_number", conditioning.conditionNumber());
        node.put("condition_number_scaled", conditioning.scaledConditionNumber());
        final ObjectNode hessian = node.putObject("hessian_eigenvalues");
        hessian.put("max", conditioning.hessianMax());
        hessian.put("min", conditioning.hessianMin());
        hessian.put("min_identifiable", conditioning.hessianMinIdentifiable());
        node.set("singular_values", doubles(conditioning.singularValues()));
        node.set("singular_values_scaled", doubles(conditioning.scaledSingularValues()));
        node.put("null_space_dimension", conditioning.nullSpaceDimension());
        final ArrayNode directions = node.putArray("null_directions");
        for (Conditioning.NullDirection direction : conditioning.nullDirections()) {
            final ObjectNode d = directions.addObject();
            final ArrayNode names = d.putArray("features");
            direction.features().forEach(names::add);
            d.set("loadings", doubles(direction.loadings()));
            d.set("scaled_loadings", doubles(direction.scaledLoadings()));
            d.put("singular_value_scaled", direction.scaledSingularValue());
        }
        return node;
    }

    static ArrayNode doubles(double[] values) {
        final ArrayNode array = NODES.arrayNode(values.length);
        for (double v : values) {
            array.add(v);
        }
        return array;
    }
}
