package io.gapwatch.app;

import io.gapwatch.engine.diagnostics.FindingCode;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.engine.sgd.LearnerSetting;

import java.util.Locale;

/**
 * The README's reference tables, rendered from the definitions in the code. ReadmeTest checks that
 * the README contains them verbatim; {@code gapwatch docs} prints them for pasting.
 */
public final class ReferenceTables {

    private ReferenceTables() {
    }

    /** Every table, in README order. */
    public static java.util.List<String> all() {
        return java.util.List.of(configuration(), metrics(), findings(), learnerSettings(), reportFields());
    }

    /** Records with more fields than this get a row per field; smaller ones are described by their parent's doc. */
    static final int EXPANDED = 6;

    /**
     * One row per field of the report, from the docs of its one definition, the Avro schema
     * {@code ModelDiagnosis}: what the reports topic carries and replay --json and the HTTP API
     * render as JSON.
     */
    public static String reportFields() {
        final StringBuilder s = new StringBuilder("| field | meaning |\n|---|---|\n");
        fields(io.gapwatch.avro.ModelDiagnosis.getClassSchema(), "", s);
        return s.toString();
    }

    private static void fields(org.apache.avro.Schema record, String prefix, StringBuilder s) {
        for (org.apache.avro.Schema.Field field : record.getFields()) {
            final String path = prefix + field.name();
            s.append("| `").append(path).append("` | ").append(field.doc().replace("|", "\\|")).append(" |\n");
            final org.apache.avro.Schema type = field.schema();
            if (type.getType() == org.apache.avro.Schema.Type.RECORD && type.getFields().size() > EXPANDED) {
                fields(type, path + ".", s);
            } else if (type.getType() == org.apache.avro.Schema.Type.MAP && type.getValueType().getType() == org.apache.avro.Schema.Type.RECORD) {
                fields(type.getValueType(), path + ".NAME.", s);
            }
        }
    }

    /** One row per learner setting: name, accepted values, default, meaning. */
    public static String learnerSettings() {
        final StringBuilder s = new StringBuilder("| setting | values | default | meaning |\n|---|---|---|---|\n");
        for (LearnerSetting<?> setting : LearnerConfig.SETTINGS) {
            s.append("| `").append(setting.name()).append("` | ").append(setting.type()).append(" | ")
                    .append(setting.defaultText().isEmpty() ? "—" : "`" + setting.defaultText() + "`").append(" | ")
                    .append(setting.doc()).append(" |\n");
        }
        return s.toString();
    }

    /** One row per configuration key of the stream processor: key, type, default, accepted values, meaning. */
    public static String configuration() {
        final StringBuilder s = new StringBuilder("| key | type | default | valid | meaning |\n|---|---|---|---|---|\n");
        for (org.apache.kafka.common.config.ConfigDef.ConfigKey key : GapwatchConfig.DEFINITION.configKeys().values()) {
            final Object value = key.defaultValue;
            final String text = value instanceof java.util.List<?> list ? String.join(",", list.stream().map(Object::toString).toList())
                    : String.valueOf(value);
            s.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(text.isEmpty() ? "—" : "`" + text + "`").append(" | ")
                    .append(key.validator == null ? "" : key.validator.toString().replace("|", "\\|")).append(" | ")
                    .append(key.documentation).append(" |\n");
        }
        return s.toString();
    }

    /** One row per finding code: code, about, threshold, when it fires. */
    public static String findings() {
        final StringBuilder s = new StringBuilder("| code | about | threshold | fires when |\n|---|---|---|---|\n");
        for (FindingCode code : FindingCode.values()) {
            s.append("| `").append(code.code()).append("` | ").append(code.scope().name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(threshold(code.threshold())).append(" | ").append(code.doc()).append(" |\n");
        }
        return s.toString();
    }

    /** One row per metric of gapwatch's own: the Prometheus name, type, labels, meaning. */
    public static String metrics() {
        final StringBuilder s = new StringBuilder("| metric | type | labels | meaning |\n|---|---|---|---|\n");
        for (io.gapwatch.metrics.GapwatchMetrics.Definition metric : io.gapwatch.metrics.GapwatchMetrics.definitions()) {
            s.append("| `").append(metric.prometheusName()).append("` | ").append(metric.type()).append(" | ")
                    .append(metric.tags().isEmpty() ? "—" : metric.tags()).append(" | ")
                    .append(metric.description().replace("|", "\\|")).append(" |\n");
        }
        return s.toString();
    }

    static String threshold(double v) {
        if (v >= 1e3 || v < 1e-2) {
            return String.format(Locale.ROOT, "%.0e", v).replace("e+0", "e").replace("e-0", "e-").replace("e+", "e");
        }
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
