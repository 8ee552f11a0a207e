package io.gapwatch.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gapwatch.engine.diagnostics.ModelReport;

/**
 * The JSON form of a model's diagnosis: what {@code replay --json} writes and, later, what the
 * HTTP API serves. Field names are snake_case and stable: they are the product's contract.
 *
 * <p>Numbers are written at full double precision (the shortest decimal that reads back to the
 * same double); NaN and ±Infinity, which JSON has no literal for, are written as the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}.
 */
public final class ReportJson {

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

    /** One point of the model's history as JSON: its contract, {@link HistoryPoints#of}, rendered field for field. */
    public static ObjectNode historyPoint(ModelReport report, Integer epoch, long presented, Long timeMillis) {
        return AvroJson.render(HistoryPoints.of(report, epoch, presented, timeMillis));
    }

    /** External weights judged against a model's exact fit: its contract, {@link DiagnosisRecords#judgement}, rendered field for field. */
    public static ObjectNode judgement(String model, io.gapwatch.engine.diagnostics.Diagnostics.Judgement judgement) {
        return AvroJson.render(DiagnosisRecords.judgement(model, judgement));
    }
}
