package io.gapwatch.report;

import io.gapwatch.avro.ExactPoint;
import io.gapwatch.avro.HistoryPoint;
import io.gapwatch.avro.LearnerPoint;
import io.gapwatch.engine.diagnostics.ExactReport;
import io.gapwatch.engine.diagnostics.Finding;
import io.gapwatch.engine.diagnostics.LearnerReport;
import io.gapwatch.engine.diagnostics.ModelReport;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one mapping from the engine's report to a point of a model's history, {@link HistoryPoint}
 * (schemas/HistoryPoint.avsc): replay's trajectory lines, the points of the offline HTML report and
 * those a stream keeps per model are all this record, rendered as JSON by {@link AvroJson}.
 */
public final class HistoryPoints {

    private HistoryPoints() {
    }

    /**
     * @param epoch      the pass this point was taken in (replay), or null (a stream)
     * @param presented  records presented to the learners, counting every pass
     * @param timeMillis when the report was made, epoch milliseconds, or null (replay)
     */
    public static HistoryPoint of(ModelReport report, Integer epoch, long presented, Long timeMillis) {
        final ExactReport e = report.exact();
        final ExactPoint exact = ExactPoint.newBuilder()
                .setR2(e.r2()).setMse(e.mse()).setPrequentialR2(e.prequentialR2())
                .setConditionNumber(e.conditioning().conditionNumber())
                .setConditionNumberStandardized(e.conditionNumberStandardized())
                .setRank(e.conditioning().rank()).setDrift(e.driftAbsolute())
                .setCusumRatio(Math.abs(e.structuralBreaks().cusum()) / e.structuralBreaks().cusumBound())
                .setCusumSquaresRatio(e.structuralBreaks().cusumSquaresDeviation() / e.structuralBreaks().cusumSquaresBound())
                .setStructuralBreak(e.structuralBreaks().rejects())
                .build();
        final Map<String, LearnerPoint> learners = new LinkedHashMap<>();
        for (LearnerReport r : report.learners()) {
            learners.put(r.name(), LearnerPoint.newBuilder()
                    .setR2(r.r2()).setR2Gap(r.r2Gap()).setMse(r.mse()).setExcessMse(r.excessMse())
                    .setWeightGap(r.weightGap()).setWeightGapNull(r.weightGapNull()).setWeightNorm(r.weightNorm())
                    .setLoss(r.loss()).setGradientNorm(r.gradientNorm())
                    .setUpdateRatio(r.updateRatio()).setRateRatio(r.rateRatio())
                    .setLr(r.lr()).setLrStabilityBound(r.lrStabilityBound())
                    .setPrequentialR2(r.prequentialR2()).setDiverged(r.diverged())
                    .build());
        }
        final List<String> findings = new ArrayList<>(report.findings().size());
        for (Finding f : report.findings()) {
            findings.add(f.learner() == null ? f.code().code() : f.code().code() + ":" + f.learner());
        }
        return HistoryPoint.newBuilder()
                .setRecords(report.records()).setPresented(presented).setEpoch(epoch)
                .setTime(timeMillis == null ? null : Instant.ofEpochMilli(timeMillis))
                .setExact(exact).setLearners(learners).setFindings(findings)
                .build();
    }
}
