package io.gapwatch.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gapwatch.engine.diagnostics.ExactReport;
import io.gapwatch.engine.diagnostics.Finding;
import io.gapwatch.engine.diagnostics.LearnerReport;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.exact.Conditioning;
import io.gapwatch.engine.exact.LeastSquaresOptions;

import java.util.List;
import java.util.Locale;

/**
 * The JSON form of a model's diagnosis: what {@code replay --json} writes and, later, what the
 * HTTP API serves. Field names are snake_case and stable: they are the product's contract.
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
    private static final ObjectMapper COMPACT = new ObjectMapper();

    private ReportJson() {
    }

    /** Indented, for files a person reads. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** One line, for JSON Lines. */
    public static ObjectMapper compact() {
        return COMPACT;
    }

    /** {@code records}, {@code features}, {@code target}, {@code options}, {@code exact}, {@code learners}, {@code findings}. */
    public static ObjectNode summary(ModelReport report, String target, int window) {
        final ObjectNode root = NODES.objectNode();
        root.put("records", report.records());
        root.put("passes", report.passes());
        final ArrayNode features = root.putArray("features");
        report.featureNames().forEach(features::add);
        root.put("target", target);
        final LeastSquaresOptions options = report.exact().options();
        final ObjectNode opts = root.putObject("options");
        opts.put("intercept", options.intercept());
        opts.put("forgetting", options.forgetting());
        opts.put("ridge", options.ridge());
        opts.put("window", window);
        root.set("exact", exact(report.exact()));
        final ObjectNode learners = root.putObject("learners");
        for (LearnerReport learner : report.learners()) {
            learners.set(learner.name(), learner(learner));
        }
        root.set("findings", findings(report.findings()));
        return root;
    }

    /** The exact fit: coefficients, in-sample and prequential quality, conditioning, rank, null and weak directions. */
    public static ObjectNode exact(ExactReport exact) {
        final Conditioning conditioning = exact.conditioning();
        final ObjectNode node = NODES.objectNode();
        node.put("intercept", exact.intercept());
        node.set("weights", doubles(exact.weights()));
        node.put("r2", exact.r2());
        node.put("mse", exact.mse());
        node.put("sse", exact.sse());
        node.put("n_eff", exact.nEff());
        node.put("solve_method", exact.solveMethod().name().toLowerCase(Locale.ROOT));
        node.put("prequential_r2", exact.prequentialR2());
        node.put("prequential_mse", exact.prequentialMse());
        node.put("prequential_records", exact.prequentialRecords());
        node.put("drift", exact.driftAbsolute());
        node.put("drift_relative", exact.driftRelative());
        node.put("target_mean", exact.targetMean());
        node.put("target_std", exact.targetStd());
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
        node.set("null_directions", directions(conditioning.nullDirections()));
        node.set("weak_directions", directions(conditioning.weakDirections()));
        return node;
    }

    /** One learner against the exact fit. */
    public static ObjectNode learner(LearnerReport r) {
        final ObjectNode node = NODES.objectNode();
        node.put("settings", r.settings());
        node.put("optimizer", r.optimizer());
        node.put("intercept", r.intercept());
        node.set("weights", doubles(r.weights()));
        node.put("r2", r.r2());
        node.put("r2_gap", r.r2Gap());
        node.put("mse", r.mse());
        node.put("excess_mse", r.excessMse());
        node.put("weight_gap", r.weightGap());
        node.put("weight_gap_relative", r.weightGapRelative());
        node.put("weight_gap_identifiable", r.weightGapIdentifiable());
        node.put("weight_gap_null", r.weightGapNull());
        node.put("prequential_r2", r.prequentialR2());
        node.put("prequential_mse", r.prequentialMse());
        node.put("gradient_norm", r.gradientNorm());
        node.put("last_gradient_norm", r.lastGradientNorm());
        node.put("in_sample_gradient_norm", r.inSampleGradientNorm());
        node.put("weight_norm", r.weightNorm());
        node.put("update_ratio", r.updateRatio());
        node.put("rate_ratio", r.rateRatio());
        node.put("loss", r.loss());
        node.put("lr", r.lr());
        node.put("lr_stability_bound", r.lrStabilityBound());
        node.put("lr_record_bound", r.lrRecordBound());
        node.put("hessian_max", r.hessianMax());
        node.put("hessian_min_identifiable", r.hessianMinIdentifiable());
        node.put("steps_to_converge", r.stepsToConverge());
        node.put("noise_floor_mse", r.noiseFloorMse());
        node.put("steps", r.steps());
        node.put("diverged", r.diverged());
        node.put("divergences", r.divergences());
        node.put("drift", r.driftAbsolute());
        node.put("drift_relative", r.driftRelative());
        return node;
    }

    public static ArrayNode findings(List<Finding> findings) {
        final ArrayNode array = NODES.arrayNode();
        for (Finding f : findings) {
            final ObjectNode node = array.addObject();
            node.put("code", f.code().code());
            if (f.learner() == null) {
                node.putNull("learner");
            } else {
                node.put("learner", f.learner());
            }
            node.put("message", f.message());
        }
        return array;
    }

    /**
     * One line of a trajectory: the numbers the seed users plotted per epoch, every N records.
     */
    public static ObjectNode trajectoryPoint(ModelReport report, int epoch, long presented) {
        final ObjectNode root = NODES.objectNode();
        root.put("records", report.records());
        root.put("presented", presented);
        root.put("epoch", epoch);
        final ExactReport e = report.exact();
        final ObjectNode exact = root.putObject("exact");
        exact.put("r2", e.r2());
        exact.put("mse", e.mse());
        exact.put("prequential_r2", e.prequentialR2());
        exact.put("condition_number", e.conditioning().conditionNumber());
        exact.put("rank", e.conditioning().rank());
        exact.put("drift", e.driftAbsolute());
        final ObjectNode learners = root.putObject("learners");
        for (LearnerReport r : report.learners()) {
            final ObjectNode node = learners.putObject(r.name());
            node.put("r2", r.r2());
            node.put("r2_gap", r.r2Gap());
            node.put("mse", r.mse());
            node.put("excess_mse", r.excessMse());
            node.put("weight_gap", r.weightGap());
            node.put("weight_norm", r.weightNorm());
            node.put("gradient_norm", r.gradientNorm());
            node.put("update_ratio", r.updateRatio());
            node.put("rate_ratio", r.rateRatio());
            node.put("loss", r.loss());
            node.put("lr", r.lr());
            node.put("lr_stability_bound", r.lrStabilityBound());
            node.put("prequential_r2", r.prequentialR2());
            node.put("diverged", r.diverged());
        }
        final ArrayNode codes = root.putArray("findings");
        report.findings().forEach(f -> codes.add(f.learner() == null ? f.code().code() : f.code().code() + ":" + f.learner()));
        return root;
    }

    private static ArrayNode directions(List<Conditioning.NullDirection> list) {
        final ArrayNode directions = NODES.arrayNode();
        for (Conditioning.NullDirection direction : list) {
            final ObjectNode d = directions.addObject();
            final ArrayNode names = d.putArray("features");
            direction.features().forEach(names::add);
            d.set("loadings", doubles(direction.loadings()));
            d.set("scaled_loadings", doubles(direction.scaledLoadings()));
            d.put("singular_value_scaled", direction.scaledSingularValue());
        }
        return directions;
    }

    static ArrayNode doubles(double[] values) {
        final ArrayNode array = NODES.arrayNode(values.length);
        for (double v : values) {
            array.add(v);
        }
        return array;
    }
}
