package io.gapwatch.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.gapwatch.avro.ModelDiagnosis;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.stream.Codecs;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One report, one contract: the Avro schema ModelDiagnosis. The JSON that replay --json and the
 * HTTP API serve must have exactly its fields — every JSON field an Avro counterpart and back — and
 * carry the same values as the Avro bytes on the reports topic. A field added to one side only
 * (a node.put() after rendering, a schema field the mapping never sets) fails here.
 */
class ReportContractTest {

    /** x2 = x1 + 1 exactly and x3 = x1 nearly: null and weak directions, dependencies and findings all filled. */
    private static ModelReport report() {
        final Model model = new Model(java.util.List.of("x1", "x2", "x3"), ModelOptions.DEFAULTS, Map.of(
                "adam", LearnerConfig.parse(Map.of("optimizer", "adam", "lr", "0.1"))));
        final java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 60; i++) {
            final double x1 = random.nextGaussian();
            final double x3 = x1 + 1e-5 * random.nextGaussian();
            model.observe(new double[] {x1, x1 + 1, x3}, 2 * x1 + 0.5 * x3 + 0.1 * random.nextGaussian());
        }
        // and weights trained elsewhere: their null fields must be fields on both sides too
        final ModelReport report = Diagnostics.report(model, java.util.List.of(
                new io.gapwatch.engine.diagnostics.ExternalWeights("torch", null, new double[] {1, 1, 0.5})));
        assertThat(report.learners().get(1).external()).isTrue();
        assertThat(report.exact().conditioning().nullDirections()).isNotEmpty();
        assertThat(report.exact().conditioning().weakDirections()).isNotEmpty();
        return report;
    }

    @Test
    void shouldGiveEveryJsonFieldAnAvroCounterpartAndBack() {
        final JsonNode json = ReportJson.summary("keras", "y", 1000, report());
        final Set<String> jsonPaths = new TreeSet<>();
        paths(json, "", jsonPaths);
        final Set<String> avroPaths = new TreeSet<>();
        paths(ModelDiagnosis.getClassSchema(), "", avroPaths);
        assertThat(jsonPaths).isEqualTo(avroPaths);
    }

    @Test
    void shouldGiveEveryFieldOfAJudgementOfExternalWeightsItsAvroCounterpartAndBack() {
        final Model model = new Model(java.util.List.of("x1", "x2"), ModelOptions.DEFAULTS, Map.of());
        for (int i = 0; i < 20; i++) {
            model.observe(new double[] {i, i + 1}, 2 * i + 1);
        }
        final Diagnostics.Judgement judgement = Diagnostics.judge(model,
                new io.gapwatch.engine.diagnostics.ExternalWeights("adam", 0.15, new double[] {1.15, 0.85}));
        final io.gapwatch.avro.WeightsJudgement record = DiagnosisRecords.judgement("keras", judgement);
        final JsonNode json = ReportJson.judgement("keras", judgement);
        final Set<String> jsonPaths = new TreeSet<>();
        paths(json, "", jsonPaths);
        final Set<String> avroPaths = new TreeSet<>();
        paths(io.gapwatch.avro.WeightsJudgement.getClassSchema(), "", avroPaths);
        assertThat(jsonPaths).isEqualTo(avroPaths);
        assertThat(json.get("findings")).isNotEmpty();
        // the gap is encoded exactly as a learner's entry in the model's report
        final JsonNode inReport = ReportJson.summary("keras", "y", 1000, Diagnostics.report(model, java.util.List.of(
                new io.gapwatch.engine.diagnostics.ExternalWeights("adam", 0.15, new double[] {1.15, 0.85})))).get("learners").get("adam");
        assertThat(json.get("gap")).isEqualTo(inReport);
        final io.gapwatch.avro.WeightsJudgement decoded = Codecs.decode(Codecs.encode(record), io.gapwatch.avro.WeightsJudgement.class);
        assertThat(AvroJson.render(decoded)).isEqualTo(json);
    }

    @Test
    void shouldCarryTheSameNumbersInAvroAsInJson() {
        final ModelDiagnosis diagnosis = DiagnosisRecords.diagnosis("keras", "y", 1000, report());
        final ModelDiagnosis decoded = Codecs.decode(Codecs.encode(diagnosis), ModelDiagnosis.class);
        // learners is an Avro map: its readers need not keep the order, so compare by key
        assertThat(AvroJson.render(decoded).get("learners").get("adam"))
                .isEqualTo(AvroJson.render(diagnosis).get("learners").get("adam"));
        decoded.setLearners(diagnosis.getLearners());
        assertThat(AvroJson.render(decoded)).isEqualTo(AvroJson.render(diagnosis));
    }

    @Test
    void shouldEncodeEveryReportRecordExactlyAsAvrosGenericWriterDoes() throws java.io.IOException {
        // Codecs uses the generated classes' own coders; the generic writer is Avro's reference for the same schema
        final org.apache.avro.specific.SpecificData generic = new org.apache.avro.specific.SpecificData();
        generic.setCustomCoders(false);
        generic.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
        final ModelReport report = report();
        final java.util.List<org.apache.avro.specific.SpecificRecordBase> records = java.util.List.of(
                DiagnosisRecords.diagnosis("keras", "y", 1000, report),
                HistoryPoints.of(report, 3, 60, 1_700_000_000_000L),
                HistoryPoints.of(report, null, 60, null));
        for (org.apache.avro.specific.SpecificRecordBase record : records) {
            final java.nio.ByteBuffer expected = new org.apache.avro.message.BinaryMessageEncoder<>(generic, record.getSchema()).encode(record);
            final byte[] bytes = new byte[expected.remaining()];
            expected.get(bytes);
            assertThat(Codecs.encode(record)).as(record.getSchema().getName()).isEqualTo(bytes);
            // read back and written again, the same bytes (a map's readers need not keep its order, nor its keys' class)
            assertThat(Codecs.encode(Codecs.decode(bytes, record.getClass()))).as(record.getSchema().getName()).isEqualTo(bytes);
        }
    }

    // JSON: every object key, arrays of objects through their first element, the learners' map under NAME
    private static void paths(JsonNode node, String prefix, Set<String> out) {
        if (node.isObject()) {
            final Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                final Map.Entry<String, JsonNode> field = fields.next();
                final String path = prefix + field.getKey();
                out.add(path);
                if (prefix.isEmpty() && field.getKey().equals("learners")) {
                    field.getValue().fields().forEachRemaining(learner -> paths(learner.getValue(), path + ".NAME.", out));
                } else {
                    paths(field.getValue(), path + ".", out);
                }
            }
        } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
            paths(node.get(0), prefix, out);
        }
    }

    // Avro: every field, records and arrays of records descended into, maps' values under NAME
    private static void paths(Schema record, String prefix, Set<String> out) {
        for (Schema.Field field : record.getFields()) {
            final String path = prefix + field.name();
            out.add(path);
            Schema type = field.schema();
            if (type.getType() == Schema.Type.UNION) {
                type = type.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
            }
            switch (type.getType()) {
                case RECORD -> paths(type, path + ".", out);
                case ARRAY -> {
                    if (type.getElementType().getType() == Schema.Type.RECORD) {
                        paths(type.getElementType(), path + ".", out);
                    }
                }
                case MAP -> {
                    if (type.getValueType().getType() == Schema.Type.RECORD) {
                        paths(type.getValueType(), path + ".NAME.", out);
                    }
                }
                default -> {
                }
            }
        }
    }
}
