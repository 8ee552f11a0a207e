package io.gapwatch.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.gapwatch.avro.HistoryPoint;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.LearnerReport;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.stream.Codecs;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A history point is a few numbers of one report, mapped once: each must be the report's own
 * number for the same thing (a swapped setter would pass a shape check), the findings must read
 * "code" or "code:learner", and the point must survive Avro as the stream will store it.
 */
class HistoryPointsTest {

    /** x2 = x1 + 1 (a null direction, findings about the data and a learner), a diverging SGD beside Adam. */
    private static ModelReport report() {
        final Map<String, LearnerConfig> learners = new LinkedHashMap<>();
        learners.put("adam", LearnerConfig.parse(Map.of("optimizer", "adam", "lr", "0.1")));
        learners.put("fast", LearnerConfig.parse(Map.of("optimizer", "sgd", "lr", "5")));
        final Model model = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, learners);
        final java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 200; i++) {
            final double x1 = 10 * random.nextGaussian();
            model.observe(new double[] {x1, x1 + 1}, 3 * x1 + 0.1 * random.nextGaussian());
        }
        return Diagnostics.report(model);
    }

    @Test
    void shouldCarryEachNumberOfTheReportUnderItsOwnName() {
        final ModelReport report = report();
        final HistoryPoint point = HistoryPoints.of(report, 2, 400, null);

        assertThat(point.getRecords()).isEqualTo(200);
        assertThat(point.getPresented()).isEqualTo(400);
        assertThat(point.getEpoch()).isEqualTo(2);
        assertThat(point.getTime()).isNull();
        // lists compare with Double.equals, under which NaN (the exact fit never predicts here) equals NaN
        assertThat(List.of(point.getExact().getR2(), point.getExact().getMse(), point.getExact().getPrequentialR2(),
                point.getExact().getConditionNumber(), point.getExact().getConditionNumberStandardized(), point.getExact().getDrift()))
                .containsExactly(report.exact().r2(), report.exact().mse(), report.exact().prequentialR2(),
                        report.exact().conditioning().conditionNumber(), report.exact().conditionNumberStandardized(),
                        report.exact().driftAbsolute());
        assertThat(point.getExact().getConditionNumber()).as("rank-deficient: σ_min at rounding").isGreaterThan(1e12);
        assertThat(point.getExact().getRank()).isEqualTo(2);

        assertThat(point.getLearners().keySet()).containsExactly("adam", "fast");
        for (LearnerReport r : report.learners()) {
            final io.gapwatch.avro.LearnerPoint l = point.getLearners().get(r.name());
            assertThat(List.of(l.getR2(), l.getR2Gap(), l.getMse(), l.getExcessMse(), l.getWeightGap(), l.getWeightGapNull(),
                    l.getWeightNorm(), l.getLoss(), l.getGradientNorm(), l.getUpdateRatio(), l.getRateRatio(), l.getLr(),
                    l.getLrStabilityBound(), l.getPrequentialR2()))
                    .as(r.name())
                    .containsExactly(r.r2(), r.r2Gap(), r.mse(), r.excessMse(), r.weightGap(), r.weightGapNull(),
                            r.weightNorm(), r.loss(), r.gradientNorm(), r.updateRatio(), r.rateRatio(), r.lr(),
                            r.lrStabilityBound(), r.prequentialR2());
            assertThat(l.getDiverged()).isEqualTo(r.diverged());
        }
        assertThat(point.getLearners().get("fast").getDiverged()).as("sgd at 5 blows up on this data").isTrue();
        assertThat(point.getFindings()).contains("not_identifiable", "diverged:fast")
                .hasSize(report.findings().size());
    }

    @Test
    void shouldWriteAStreamPointWithItsTimeAndNoEpochAndKeepItThroughAvro() {
        final HistoryPoint point = HistoryPoints.of(report(), null, 200, 1_700_000_000_123L);
        final JsonNode json = AvroJson.render(point);
        assertThat(json.get("epoch").isNull()).isTrue();
        assertThat(json.get("time").asLong()).isEqualTo(1_700_000_000_123L);
        // NaN, which JSON lacks, as a string, like the report's: the exact fit never could predict a record here
        assertThat(json.get("exact").get("prequential_r2").asText()).isEqualTo("NaN");

        final HistoryPoint decoded = Codecs.decode(Codecs.encode(point), HistoryPoint.class);
        assertThat(AvroJson.render(decoded)).isEqualTo(json);
    }
}
