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

    /** The diagnosis as JSON: its contract, {@link DiagnosisRecords#diagnosis}, rendered field for field. */
    public static ObjectNode summary(String model, String target, int window, ModelReport report) {
        return AvroJson.render(DiagnosisRecords.diagnosis(model, target, window, report));
    }

    /** External weights judged against a model's exact fit: its contract, {@link DiagnosisRecords#judgement}, rendered field for field. */
    public static ObjectNode judgement(String model, io.gapwatch.engine.diagnostics.Diagnostics.Judgement judgement) {
        return AvroJson.render(DiagnosisRecords.judgement(model, judgement));
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

    static ArrayNode doubles(double[] values) {
        final ArrayNode array = NODES.arrayNode(values.length);
        for (double v : values) {
            array.add(v);
        }
        return array;
    }
}
