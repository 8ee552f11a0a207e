package io.gapwatch.report;

import io.gapwatch.avro.Dependency;
import io.gapwatch.avro.Direction;
import io.gapwatch.avro.ExactFit;
import io.gapwatch.avro.FindingRecord;
import io.gapwatch.avro.FitOptions;
import io.gapwatch.avro.HessianEigenvalues;
import io.gapwatch.avro.LearnerGap;
import io.gapwatch.avro.ModelDiagnosis;
import io.gapwatch.avro.WeightsJudgement;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ExactReport;
import io.gapwatch.engine.diagnostics.Finding;
import io.gapwatch.engine.diagnostics.LearnerReport;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.exact.Conditioning;
import io.gapwatch.engine.exact.Dependencies;
import io.gapwatch.engine.exact.StructuralBreaks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one mapping from the engine's report to its contract, {@link ModelDiagnosis}
 * (schemas/ModelDiagnosis.avsc). The reports topic encodes this record in Avro; replay --json and
 * the HTTP API render the same record as JSON ({@link AvroJson}); the README's field table is
 * generated from the schema. A field exists in every encoding or in none.
 */
public final class DiagnosisRecords {

    private DiagnosisRecords() {
    }

    /**
     * @param model  the model id (replay: the file's name)
     * @param target the target column, or null when unknown (a stream)
     * @param window the diagnostics window the model ran with
     */
    public static ModelDiagnosis diagnosis(String model, String target, int window, ModelReport report) {
        final ExactReport e = report.exact();
        final Conditioning c = e.conditioning();
        final StructuralBreaks.Summary b = e.structuralBreaks();
        final ExactFit exact = ExactFit.newBuilder()
                .setIntercept(e.intercept()).setWeights(list(e.weights())).setR2(e.r2()).setMse(e.mse()).setSse(e.sse())
                .setNEff(e.nEff()).setSolveMethod(e.solveMethod().name().toLowerCase(Locale.ROOT))
                .setPrequentialR2(e.prequentialR2()).setPrequentialMse(e.prequentialMse()).setPrequentialRecords(e.prequentialRecords())
                .setDrift(e.driftAbsolute()).setDriftRelative(e.driftRelative())
                .setTargetMean(e.targetMean()).setTargetStd(e.targetStd())
                .setRank(c.rank()).setParameters(c.parameters()).setRankTolerance(c.rankTolerance())
                .setConditionNumber(c.conditionNumber()).setConditionNumberScaled(c.scaledConditionNumber())
                .setConditionNumberStandardized(e.conditionNumberStandardized())
                .setHessianEigenvalues(HessianEigenvalues.newBuilder().setMax(c.hessianMax()).setMin(c.hessianMin())
                        .setMinIdentifiable(c.hessianMinIdentifiable()).build())
                .setSingularValues(list(c.singularValues())).setSingularValuesScaled(list(c.scaledSingularValues()))
                .setSpectrumRecords(e.spectrumRecords())
                .setNullSpaceDimension(c.nullSpaceDimension())
                .setNullDirections(directions(c.nullDirections())).setWeakDirections(directions(c.weakDirections()))
                .setDependencies(dependencies(c.dependencies()))
                .setZeroExcessMse(e.zeroExcessMse())
                .setStructuralBreakTest(b.status().code()).setRecursiveResiduals(b.residuals())
                .setCusum(b.cusum()).setCusumBound(b.cusumBound()).setCusumRejects(b.cusumRejects())
                .setCusumFirstReject(record(b.cusumFirstReject()))
                .setCusumSquaresDeviation(b.cusumSquaresDeviation()).setCusumSquaresBound(b.cusumSquaresBound())
                .setCusumSquaresRejects(b.cusumSquaresRejects()).setCusumSquaresFirstReject(record(b.cusumSquaresFirstReject()))
                .setBreakRecord(record(b.breakRecord()))
                .setRecentPredictions(list(report.recentPredictions()[0]))
                .build();
        final Map<String, LearnerGap> learners = new LinkedHashMap<>();
        for (int i = 0; i < report.learners().size(); i++) {
            final LearnerReport r = report.learners().get(i);
            final LearnerGap gap = learner(r);
            // external weights follow the learners and predicted no record: their list stays empty
            if (!r.external()) {
                gap.setRecentPredictions(list(report.recentPredictions()[1 + i]));
            }
            learners.put(r.name(), gap);
        }
        final List<FindingRecord> findings = findings(report.findings());
        return ModelDiagnosis.newBuilder()
                .setModel(model).setRecords(report.records()).setPasses(report.passes()).setFeatures(report.featureNames())
                .setTarget(target).setRecentTargets(list(report.recentTargets()))
                .setOptions(FitOptions.newBuilder().setIntercept(e.options().intercept()).setForgetting(e.options().forgetting())
                        .setRidge(e.options().ridge()).setWindow(window).build())
                .setExact(exact).setLearners(learners).setFindings(findings).build();
    }

    /** External weights judged against a model's exact fit (schemas/WeightsJudgement.avsc): the answer of POST /models/ID/evaluate. */
    public static WeightsJudgement judgement(String model, Diagnostics.Judgement judgement) {
        return WeightsJudgement.newBuilder().setModel(model).setRecords(judgement.records())
                .setName(judgement.report().name()).setGap(learner(judgement.report()))
                .setFindings(findings(judgement.findings())).build();
    }

    private static List<FindingRecord> findings(List<Finding> findings) {
        final List<FindingRecord> records = new ArrayList<>();
        for (Finding f : findings) {
            records.add(FindingRecord.newBuilder().setCode(f.code().code()).setLearner(f.learner()).setMessage(f.message())
                    .setLearners(f.learners()).build());
        }
        return records;
    }

    /**
     * One learner against the exact fit. For external weights ({@link LearnerReport#external()})
     * every field only a running learner has is null: they have no prequential score, optimizer,
     * rate, steps, drift or start.
     */
    public static LearnerGap learner(LearnerReport r) {
        final LearnerGap gap = LearnerGap.newBuilder()
                .setSettings(r.settings()).setOptimizer(r.optimizer()).setIntercept(r.intercept()).setWeights(list(r.weights()))
                .setR2(r.r2()).setR2Gap(r.r2Gap()).setMse(r.mse()).setExcessMse(r.excessMse())
                .setWeightGap(r.weightGap()).setWeightGapRelative(r.weightGapRelative())
                .setWeightGapIdentifiable(r.weightGapIdentifiable()).setWeightGapNull(r.weightGapNull())
                .setInSampleGradientNorm(r.inSampleGradientNorm())
                .setGapAlongNull(list(r.gapAlongNull())).setRecentPredictions(List.of())
                .build();
        if (r.external()) {
            return gap; // the running learner's fields keep their default, null
        }
        gap.setPrequentialR2(r.prequentialR2());
        gap.setPrequentialMse(r.prequentialMse());
        gap.setGradientNorm(r.gradientNorm());
        gap.setLastGradientNorm(r.lastGradientNorm());
        gap.setWeightNorm(r.weightNorm());
        gap.setUpdateRatio(r.updateRatio());
        gap.setRateRatio(r.rateRatio());
        gap.setLoss(r.loss());
        gap.setLr(r.lr());
        gap.setLrStabilityBound(r.lrStabilityBound());
        gap.setLrRecordBound(r.lrRecordBound());
        gap.setHessianMax(r.hessianMax());
        gap.setHessianMinIdentifiable(r.hessianMinIdentifiable());
        gap.setStepsToConverge(r.stepsToConverge());
        gap.setNoiseFloorMse(r.noiseFloorMse());
        gap.setSteps(r.steps());
        gap.setDiverged(r.diverged());
        gap.setDivergences(r.divergences());
        gap.setDrift(r.driftAbsolute());
        gap.setDriftRelative(r.driftRelative());
        gap.setStartWeightGap(r.startWeightGap());
        gap.setStartExcessMse(r.startExcessMse());
        return gap;
    }

    private static List<Direction> directions(List<Conditioning.NullDirection> directions) {
        final List<Direction> list = new ArrayList<>();
        for (Conditioning.NullDirection d : directions) {
            list.add(Direction.newBuilder().setFeatures(d.features()).setLoadings(list(d.loadings()))
                    .setScaledLoadings(list(d.scaledLoadings())).setSingularValueScaled(d.scaledSingularValue()).build());
        }
        return list;
    }

    private static List<Dependency> dependencies(List<Dependencies.Relation> relations) {
        final List<Dependency> list = new ArrayList<>();
        for (Dependencies.Relation r : relations) {
            list.add(Dependency.newBuilder().setColumn(r.column()).setBasis(r.basis()).setCoefficients(list(r.coefficients()))
                    .setConstant(r.constant()).setResidual(r.residual()).setExact(r.exact()).build());
        }
        return list;
    }

    /** A record count, or null for none (records are counted from 1). */
    private static Long record(long record) {
        return record > 0 ? record : null;
    }

    static List<Double> list(double[] values) {
        final List<Double> list = new ArrayList<>(values.length);
        for (double v : values) {
            list.add(v);
        }
        return list;
    }
}
