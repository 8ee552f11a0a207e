package io.gapwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gapwatch.avro.HistoryPoint;
import io.gapwatch.avro.LearnerGap;
import io.gapwatch.avro.ModelDiagnosis;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ExternalWeights;
import io.gapwatch.engine.diagnostics.LearnerReport;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.report.AvroJson;
import io.gapwatch.report.DiagnosisRecords;
import io.gapwatch.report.HistoryPoints;
import io.gapwatch.report.ReportJson;
import io.gapwatch.stream.Codecs;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a read_committed reader of the reports topic saw of each model, held against the two
 * things that must agree with it after any crash: the engine — each committed report is what a
 * fresh model that learned the same records in order reports at that count, with the external
 * weights the report names — and the model's history at {@code /models/ID/history}, which must
 * hold one point per committed report count, no more, no fewer, each the last report made there.
 */
final class CommittedReports {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CommittedReports() {
    }

    /** Every committed report, by model, in offset order (one model's reports share a partition). */
    static Map<String, List<ModelDiagnosis>> read(Cluster cluster) {
        final Map<String, List<ConsumerRecord<byte[], byte[]>>> byModel = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : cluster.readAll(cluster.reports, 1, Duration.ofSeconds(60))) {
            byModel.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(r);
        }
        final Map<String, List<ModelDiagnosis>> reports = new LinkedHashMap<>();
        byModel.forEach((model, records) -> {
            assertThat(records.stream().map(ConsumerRecord::partition).distinct()).as("partitions of %s's reports", model).hasSize(1);
            records.sort(java.util.Comparator.comparingLong(ConsumerRecord::offset));
            reports.put(model, records.stream().map(r -> Codecs.decode(r.value(), ModelDiagnosis.class)).toList());
        });
        return reports;
    }

    /**
     * Replays {@code rows} (features, then the target, in the model's input order) through
     * {@code fresh} and requires each committed report to equal, byte for byte in its Avro
     * encoding, the engine's report at its record count with the external weights it names.
     * Reports never go back in records: a report from before a crash made again after it would.
     *
     * @return by record count, the engine's report of the last committed report at that count
     */
    static NavigableMap<Long, ModelReport> assertEachIsTheEngines(String id, List<ModelDiagnosis> reports, Model fresh, List<double[]> rows) {
        assertThat(reports).as("committed reports of %s", id).isNotEmpty();
        final NavigableMap<Long, ModelReport> lastAt = new TreeMap<>();
        final int d = fresh.featureNames().size();
        long previous = -1;
        int next = 0;
        for (int i = 0; i < reports.size(); i++) {
            final ModelDiagnosis committed = reports.get(i);
            final long records = committed.getRecords();
            assertThat(records).as("%s's report #%d at %d records follows one at %d", id, i, records, previous).isGreaterThanOrEqualTo(previous);
            assertThat(records).as("%s's report #%d", id, i).isLessThanOrEqualTo(rows.size());
            previous = records;
            while (next < records) {
                final double[] row = rows.get(next++);
                fresh.observe(Arrays.copyOf(row, d), row[d]);
            }
            final ModelReport engine = Diagnostics.report(fresh, externals(committed));
            final ModelDiagnosis expected = DiagnosisRecords.diagnosis(id, null, ModelOptions.DEFAULT_WINDOW, engine);
            if (!Arrays.equals(Codecs.encode(expected), Codecs.encode(committed))) {
                throw new AssertionError(id + "'s committed report #" + i + " at " + records + " records is not the engine's: "
                        + StreamProcessorIT.firstDifference("$", AvroJson.render(committed), AvroJson.render(expected)));
            }
            lastAt.put(records, engine);
        }
        return lastAt;
    }

    /** The external learners a report names, as the engine takes them: name, intercept and weights from the report. */
    static List<ExternalWeights> externals(ModelDiagnosis report) {
        final List<ExternalWeights> external = new ArrayList<>();
        for (Map.Entry<String, LearnerGap> e : report.getLearners().entrySet()) {
            if (LearnerReport.EXTERNAL.equals(e.getValue().getOptimizer())) {
                external.add(new ExternalWeights(e.getKey(), e.getValue().getIntercept(),
                        e.getValue().getWeights().stream().mapToDouble(Double::doubleValue).toArray()));
            }
        }
        return external;
    }

    /**
     * The history at {@code /models/ID/history} is the committed reports: its points' record counts
     * strictly increase (none twice), they are exactly the counts the committed reports were made
     * at (none missing, none from an aborted transaction), and each point is the one the last
     * report at its count makes ({@link HistoryPoints#of}), all but its wall-clock time.
     *
     * @param limit {@code history.points}: the committed reports must stay below it, or thinning would drop points
     */
    static void assertHistoryIsTheReports(String id, JsonNode points, NavigableMap<Long, ModelReport> lastAt, int limit) throws Exception {
        assertThat(lastAt.size()).as("%s's report counts stay below history.points, so nothing is thinned", id).isLessThan(limit);
        final List<Long> counts = new ArrayList<>();
        points.forEach(p -> counts.add(p.get("records").asLong()));
        for (int i = 1; i < counts.size(); i++) {
            assertThat(counts.get(i)).as("%s's history point #%d after %d: no count twice, oldest first", id, i, counts.get(i - 1))
                    .isGreaterThan(counts.get(i - 1));
        }
        final TreeSet<Long> missing = new TreeSet<>(lastAt.keySet());
        missing.removeAll(counts);
        final TreeSet<Long> extra = new TreeSet<>(counts);
        extra.removeAll(lastAt.keySet());
        assertThat(missing).as("%s: counts of committed reports without a history point", id).isEmpty();
        assertThat(extra).as("%s: history points without a committed report", id).isEmpty();
        for (JsonNode point : points) {
            final long records = point.get("records").asLong();
            final HistoryPoint expected = HistoryPoints.of(lastAt.get(records), null, records, null);
            // through JSON text as the HTTP answer went: NaN as "NaN", counts as the parser reads them
            final ObjectNode want = (ObjectNode) JSON.readTree(ReportJson.compact().writeValueAsString(AvroJson.render(expected)));
            final ObjectNode have = ((ObjectNode) point).deepCopy();
            want.remove("time");
            have.remove("time");
            assertThat(StreamProcessorIT.firstDifference("$", have, want)).as("%s's history point at %d records", id, records).isNull();
        }
    }
}
