package io.gapwatch.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gapwatch.avro.DeadLetter;
import io.gapwatch.avro.ModelDiagnosis;
import io.gapwatch.avro.Prediction;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.report.AvroJson;
import io.gapwatch.report.DiagnosisRecords;
import io.gapwatch.report.ReportJson;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The output records, as Avro (single-object encoding) or JSON. */
final class Outputs {

    private Outputs() {
    }

    static Prediction prediction(Observation o, int partition, long offset, long recordsBefore, double[] predictions,
                                 List<String> learnerNames) {
        final Map<String, Double> learners = new LinkedHashMap<>();
        for (int i = 0; i < learnerNames.size(); i++) {
            learners.put(learnerNames.get(i), predictions[1 + i]);
        }
        return Prediction.newBuilder().setModel(o.model()).setRecordId(o.recordId())
                .setEventTime(o.eventTime() == null ? null : java.time.Instant.ofEpochMilli(o.eventTime()))
                .setSourcePartition(partition).setSourceOffset(offset)
                .setTarget(o.hasTarget() ? o.target() : null).setRecords(recordsBefore)
                .setExact(Double.isNaN(predictions[0]) ? null : predictions[0]).setLearners(learners).build();
    }

    static byte[] encode(Prediction p, boolean json) {
        return json ? compact(AvroJson.render(p)) : Codecs.encode(p);
    }

    /** A report as its contract: Avro, or the same record rendered as JSON. */
    static byte[] encodeReport(String model, ModelReport report, int window, boolean json) {
        final ModelDiagnosis diagnosis = DiagnosisRecords.diagnosis(model, null, window, report);
        return json ? compact(AvroJson.render(diagnosis)) : Codecs.encode(diagnosis);
    }

    static byte[] encode(DeadLetter d, boolean json) {
        return json ? compact(AvroJson.render(d)) : Codecs.encode(d);
    }

    private static byte[] compact(ObjectNode node) {
        try {
            return ReportJson.compact().writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ByteBuffer buffer(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }
}
