package io.gapwatch.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gapwatch.avro.DeadLetter;
import io.gapwatch.avro.Direction;
import io.gapwatch.avro.ExactFit;
import io.gapwatch.avro.FindingRecord;
import io.gapwatch.avro.LearnerGap;
import io.gapwatch.avro.ModelDiagnosis;
import io.gapwatch.avro.Prediction;
import io.gapwatch.engine.diagnostics.ExactReport;
import io.gapwatch.engine.diagnostics.Finding;
import io.gapwatch.engine.diagnostics.LearnerReport;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.exact.Conditioning;
import io.gapwatch.report.ReportJson;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
        if (!json) {
            return Codecs.encode(p);
        }
        final ObjectNode node = ReportJson.mapper().createObjectNode();
        node.put("model", p.getModel());
        node.put("record_id", p.getRecordId());
        if (p.getEventTime() != null) {
            node.put("event_time", p.getEventTime().toEpochMilli());
        }
        node.put("source_partition", p.getSourcePartition());
        node.put("source_offset", p.getSourceOffset());
        if (p.getTarget() == null) {
            node.putNull("target");
        } else {
            node.put("target", p.getTarget());
        }
        node.put("records", p.getRecords());
        if (p.getExact() == null) {
            node.putNull("exact");
        } else {
            node.put("exact", p.getExact());
        }
        final ObjectNode learners = node.putObject("learners");
        p.getLearners().forEach(learners::put);
        return compact(node);
    }

    static ModelDiagnosis diagnosis(String model, ModelReport report) {
        final ExactReport e = report.exact();
        final Conditioning c = e.conditioning();
        final ExactFit exact = ExactFit.newBuilder()
                .setIntercept(e.intercept()).setWeights(list(e.weights())).setR2(e.r2()).setMse(e.mse()).setSse(e.sse())
                .setNEff(e.nEff()).setSolveMethod(e.solveMethod().name().toLowerCase(Locale.ROOT))
                .setPrequentialR2(e.prequentialR2()).setPrequentialMse(e.prequentialMse()).setPrequentialRecords(e.prequentialRecords())
                .setDrift(e.driftAbsolute()).setDriftRelative(e.driftRelative()).setTargetMean(e.targetMean()).setTargetStd(e.targetStd())
                .setRank(c.rank()).setParameters(c.parameters()).setConditionNumber(c.conditionNumber())
                .setConditionNumberScaled(c.scaledConditionNumber()).setHessianMax(c.hessianMax()).setHessianMin(c.hessianMin())
                .setHessianMinIdentifiable(c.hessianMinIdentifiable()).setNullSpaceDimension(c.nullSpaceDimension())
                .setNullDirections(directions(c.nullDirections())).setWeakDirections(directions(c.weakDirections())).build();
        final List<LearnerGap> learners = new ArrayList<>();
        for (LearnerReport r : report.learners()) {
            learners.add(LearnerGap.newBuilder().setName(r.name()).setSettings(r.settings()).setOptimizer(r.optimizer())
                    .setIntercept(r.intercept()).setWeights(list(r.weights())).setR2(r.r2()).setR2Gap(r.r2Gap()).setMse(r.mse())
                    .setExcessMse(r.excessMse()).setWeightGap(r.weightGap()).setWeightGapRelative(r.weightGapRelative())
                    .setWeightGapIdentifiable(r.weightGapIdentifiable()).setWeightGapNull(r.weightGapNull())
                    .setPrequentialR2(r.prequentialR2()).setPrequentialMse(r.prequentialMse()).setGradientNorm(r.gradientNorm())
                    .setInSampleGradientNorm(r.inSampleGradientNorm()).setWeightNorm(r.weightNorm()).setUpdateRatio(r.updateRatio())
                    .setRateRatio(r.rateRatio()).setLoss(r.loss()).setLr(r.lr()).setLrStabilityBound(r.lrStabilityBound())
                    .setLrRecordBound(r.lrRecordBound()).setStepsToConverge(r.stepsToConverge()).setNoiseFloorMse(r.noiseFloorMse())
                    .setSteps(r.steps()).setDiverged(r.diverged()).setDivergences(r.divergences()).setDrift(r.driftAbsolute()).build());
        }
        final List<FindingRecord> findings = new ArrayList<>();
        for (Finding f : report.findings()) {
            findings.add(FindingRecord.newBuilder().setCode(f.code().code()).setLearner(f.learner()).setMessage(f.message()).build());
        }
        return ModelDiagnosis.newBuilder().setModel(model).setRecords(report.records()).setPasses(report.passes()).setFeatures(report.featureNames())
                .setIntercept(e.options().intercept()).setForgetting(e.options().forgetting()).setRidge(e.options().ridge())
                .setExact(exact).setLearners(learners).setFindings(findings).build();
    }

    static byte[] encodeReport(String model, ModelReport report, int window, boolean json) {
        if (!json) {
            return Codecs.encode(diagnosis(model, report));
        }
        final ObjectNode node = ReportJson.summary(report, "target", window);
        node.put("model", model);
        return compact(node);
    }

    static byte[] encode(DeadLetter d, boolean json) {
        if (!json) {
            return Codecs.encode(d);
        }
        final ObjectNode node = ReportJson.mapper().createObjectNode();
        node.put("source_topic", d.getSourceTopic());
        node.put("source_partition", d.getSourcePartition());
        node.put("source_offset", d.getSourceOffset());
        node.put("source_timestamp", d.getSourceTimestamp());
        node.put("reason", d.getReason().name());
        node.put("message", d.getMessage());
        node.put("key", d.getKey() == null ? null : Base64.getEncoder().encodeToString(ModelStore.bytesOf(d.getKey())));
        node.put("value", d.getValue() == null ? null : Base64.getEncoder().encodeToString(ModelStore.bytesOf(d.getValue())));
        return compact(node);
    }

    private static byte[] compact(ObjectNode node) {
        try {
            return ReportJson.compact().writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Double> list(double[] values) {
        final List<Double> list = new ArrayList<>(values.length);
        for (double v : values) {
            list.add(v);
        }
        return list;
    }

    private static List<Direction> directions(List<Conditioning.NullDirection> directions) {
        final List<Direction> list = new ArrayList<>();
        for (Conditioning.NullDirection d : directions) {
            list.add(Direction.newBuilder().setFeatures(d.features()).setLoadings(list(d.loadings()))
                    .setScaledLoadings(list(d.scaledLoadings())).setSingularValueScaled(d.scaledSingularValue()).build());
        }
        return list;
    }

    static ByteBuffer buffer(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }
}
