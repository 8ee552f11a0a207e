package io.gapwatch.metrics;

import io.gapwatch.avro.RejectReason;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.LearnerReport;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.stream.StreamListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The Micrometer adapter, read back through a real Prometheus scrape of its registry. */
class GapwatchMetricsTest {

    private Metrics metrics;

    @AfterEach
    void close() {
        if (metrics != null) {
            metrics.close();
        }
    }

    /** Series → value of a scrape in Prometheus' text format (comments skipped). */
    static Map<String, Double> scrape(Metrics metrics) {
        final Map<String, Double> series = new HashMap<>();
        final String text = new String(metrics.scrape(null).body(), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            final int space = line.lastIndexOf(' ');
            series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return series;
    }

    /** y = 1 + 2·x1 − x2 + noise, with x2 a thousand times x1's scale: sgd at 0.01 diverges. */
    static Model model(int n, long seed) {
        final Model model = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        final Random random = new Random(seed);
        for (int i = 0; i < n; i++) {
            final double x1 = random.nextGaussian();
            final double x2 = 1000 * random.nextGaussian();
            model.observe(new double[] {x1, x2}, 1 + 2 * x1 - x2 + 0.1 * random.nextGaussian());
        }
        return model;
    }

    @Test
    void shouldExportEveryGaugeOfAReportWithItsValue() {
        metrics = new Metrics(10);
        final StreamListener listener = metrics.listener();
        final ModelReport report = Diagnostics.report(model(300, 1));
        for (int i = 0; i < 300; i++) {
            listener.processed("m1", true);
        }
        listener.processed("m1", false);
        listener.rejected("m1", RejectReason.NON_FINITE);
        listener.rejected("m1", RejectReason.NON_FINITE);
        listener.rejected(null, RejectReason.EMPTY_KEY);
        listener.reported("m1", report);

        final Map<String, Double> series = scrape(metrics);
        assertThat(series).containsEntry("gapwatch_records_processed_total{kind=\"learned\",model=\"m1\"}", 300.0)
                .containsEntry("gapwatch_records_processed_total{kind=\"scored\",model=\"m1\"}", 1.0)
                .containsEntry("gapwatch_records_rejected_total{model=\"m1\",reason=\"non_finite\"}", 2.0)
                .containsEntry("gapwatch_records_rejected_total{model=\"\",reason=\"empty_key\"}", 1.0)
                .containsEntry("gapwatch_exact_r2{model=\"m1\"}", report.exact().r2())
                .containsEntry("gapwatch_model_rank{model=\"m1\"}", 3.0)
                .containsEntry("gapwatch_model_parameters{model=\"m1\"}", 3.0)
                .containsEntry("gapwatch_model_records{model=\"m1\"}", 300.0)
                .containsEntry("gapwatch_model_condition_number{model=\"m1\"}", report.exact().conditioning().conditionNumber());
        for (LearnerReport learner : report.learners()) {
            final String tags = "{learner=\"" + learner.name() + "\",model=\"m1\",optimizer=\"" + learner.optimizer() + "\"}";
            for (LearnerGauge gauge : LearnerGauge.values()) {
                final String name = gauge.meterName.replace('.', '_') + tags;
                final double expected = gauge.value.applyAsDouble(learner);
                assertThat(series).as(name).containsKey(name);
                if (Double.isNaN(expected)) {
                    assertThat(series.get(name)).as(name).isNaN();
                } else {
                    assertThat(series.get(name)).as(name).isEqualTo(expected);
                }
            }
        }
        assertThat(series).containsEntry("gapwatch_learner_diverged{learner=\"sgd\",model=\"m1\",optimizer=\"sgd\"}", 1.0)
                .containsEntry("gapwatch_learner_diverged{learner=\"adam\",model=\"m1\",optimizer=\"adam\"}", 0.0)
                .containsEntry("gapwatch_learner_findings{code=\"diverged\",learner=\"sgd\",model=\"m1\"}", 1.0)
                .containsEntry("gapwatch_model_findings{code=\"target_unscaled\",model=\"m1\"}", 1.0);
        // every metric the README documents is in the scrape
        for (GapwatchMetrics.Definition metric : GapwatchMetrics.definitions()) {
            assertThat(series.keySet()).as(metric.prometheusName())
                    .anyMatch(k -> k.equals(metric.prometheusName()) || k.startsWith(metric.prometheusName() + "{"));
        }
        // no processed counters for records that name no model
        assertThat(series.keySet()).noneMatch(k -> k.startsWith("gapwatch_records_processed_total") && k.contains("model=\"\""));
    }

    @Test
    void shouldKeepAClosedFindingAtZero() {
        metrics = new Metrics(10);
        final ModelReport diverged = Diagnostics.report(model(300, 2));
        metrics.listener().reported("m", diverged);
        assertThat(scrape(metrics)).containsEntry("gapwatch_learner_findings{code=\"diverged\",learner=\"sgd\",model=\"m\"}", 1.0);
        // the same model id, now with a healthy report: the finding is closed, its series stays at 0
        final Model healthy = new Model(List.of("x1", "x2"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        final Random random = new Random(3);
        for (int i = 0; i < 50; i++) {
            final double x1 = random.nextGaussian();
            final double x2 = random.nextGaussian();
            healthy.observe(new double[] {x1, x2}, x1 - x2);
        }
        metrics.listener().reported("m", Diagnostics.report(healthy));
        assertThat(scrape(metrics)).containsEntry("gapwatch_learner_findings{code=\"diverged\",learner=\"sgd\",model=\"m\"}", 0.0);
    }

    @Test
    void shouldExportAtMostTheCapAndCountTheRest() {
        metrics = new Metrics(2);
        final StreamListener listener = metrics.listener();
        for (String model : List.of("a", "b", "c", "c", "d")) {
            listener.processed(model, true);
        }
        Map<String, Double> series = scrape(metrics);
        assertThat(series).containsKey("gapwatch_records_processed_total{kind=\"learned\",model=\"a\"}")
                .containsKey("gapwatch_records_processed_total{kind=\"learned\",model=\"b\"}")
                .containsEntry("gapwatch_metrics_models_unexported_total", 2.0)
                .containsEntry("gapwatch_metrics_models_exported", 2.0);
        assertThat(series.keySet()).noneMatch(k -> k.contains("model=\"c\"") || k.contains("model=\"d\""));

        // a released model's series go, and its place is free for the next new model
        listener.released("a");
        listener.released("c");
        listener.processed("e", true);
        series = scrape(metrics);
        assertThat(series.keySet()).noneMatch(k -> k.contains("model=\"a\""));
        assertThat(series).containsEntry("gapwatch_records_processed_total{kind=\"learned\",model=\"e\"}", 1.0)
                .containsEntry("gapwatch_metrics_models_exported", 2.0);
    }

    @Test
    void shouldNotAllocatePerRecord() {
        metrics = new Metrics(100);
        final StreamListener listener = metrics.listener();
        final String[] models = new String[50];
        for (int i = 0; i < models.length; i++) {
            models[i] = "model-" + i;
            listener.processed(models[i], true); // registers: the once-per-model allocation
            listener.rejected(models[i], RejectReason.NON_FINITE);
        }
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        for (int round = 0; round < 3; round++) { // warm up, so the JIT's own allocations are done
            records(listener, models);
        }
        final long before = threads.getThreadAllocatedBytes(thread);
        records(listener, models);
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // 200,000 records; a few hundred bytes of slack for the measurement itself
        assertThat(allocated).isLessThan(1024);
    }

    private static void records(StreamListener listener, String[] models) {
        for (int i = 0; i < 200_000; i++) {
            final String model = models[i % models.length];
            if (i % 100 == 0) {
                listener.rejected(model, RejectReason.NON_FINITE);
            } else {
                listener.processed(model, (i & 1) == 0);
            }
        }
    }

    @Test
    void shouldAnswerOpenMetricsWhenAskedForIt() {
        metrics = new Metrics(10);
        metrics.listener().processed("m", true);
        final Metrics.Scrape open = metrics.scrape("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        assertThat(open.contentType()).startsWith("application/openmetrics-text");
        assertThat(new String(open.body(), StandardCharsets.UTF_8)).endsWith("# EOF\n")
                .contains("gapwatch_records_processed_total{kind=\"learned\",model=\"m\"} 1.0");
        assertThat(metrics.scrape("text/plain").contentType()).isEqualTo(Metrics.TEXT_FORMAT);
    }
}
