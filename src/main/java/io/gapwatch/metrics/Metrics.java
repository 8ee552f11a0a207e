package io.gapwatch.metrics;

import io.gapwatch.stream.StreamListener;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The process's metrics: a Prometheus registry holding gapwatch's own meters
 * ({@link GapwatchMetrics}), Kafka Streams' client metrics and the JVM's, and the scrape that
 * {@code GET /metrics} serves.
 */
public final class Metrics implements AutoCloseable {

    /** Prometheus' classic text format; what a scraper gets unless it asks for OpenMetrics. */
    public static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    public static final String OPENMETRICS_FORMAT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final GapwatchMetrics listener;
    private final List<AutoCloseable> binders = new ArrayList<>();

    /** A scrape's body and the content type it is written in. */
    public record Scrape(String contentType, byte[] body) {
    }

    /** @param maxModels how many models to export at most (the rest are counted, not shown) */
    public Metrics(int maxModels) {
        this.listener = new GapwatchMetrics(registry, maxModels);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        final JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
    }

    /** Adds the Kafka Streams client's own metrics (threads, tasks, consumer lag, producer). */
    public void bind(KafkaStreams streams) {
        final KafkaStreamsMetrics kafka = new KafkaStreamsMetrics(streams);
        kafka.bindTo(registry);
        binders.add(kafka);
    }

    public StreamListener listener() {
        return listener;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The registry in OpenMetrics when the scraper's Accept header asks for it, else in the classic text format. */
    public Scrape scrape(String accept) {
        final String contentType = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS_FORMAT : TEXT_FORMAT;
        final ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        try {
            registry.scrape(body, contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scrape(contentType, body.toByteArray());
    }

    @Override
    public void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                // closing is best effort: the process is going away
            }
        }
        registry.close();
    }
}
