package io.gapwatch.benchmarks;

import io.gapwatch.avro.RejectReason;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.diagnostics.ModelReport;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.http.HttpApi;
import io.gapwatch.metrics.Metrics;
import io.gapwatch.stream.StreamListener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The metrics adapter: what one record costs it (run with {@code -prof gc}: no allocation), and a
 * whole scrape of {@code models} models each with two learners and open findings — as Prometheus
 * gets it over HTTP, and the registry's formatting alone.
 *
 * <pre>
 *   mvn -Pjmh test-compile exec:exec -Djmh.args="MetricsBenchmark -prof gc"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MetricsBenchmark {

    @Param({"1000"})
    public int models;

    private Metrics metrics;
    private StreamListener listener;
    private String[] ids;
    private HttpApi http;
    private HttpClient client;
    private HttpRequest scrape;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        metrics = new Metrics(models);
        listener = metrics.listener();
        // reports of three kinds spread over the models: unscaled (SGD diverges), collinear, and healthy twice
        final ModelReport[] reports = new ModelReport[4];
        final Random random = new Random(2);
        for (int k = 0; k < reports.length; k++) {
            final Model model = new Model(List.of("x1", "x2", "x3"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
            for (int i = 0; i < 2000; i++) {
                final double x1 = random.nextGaussian();
                final double x2 = k == 1 ? x1 + 1 : random.nextGaussian() * (k == 0 ? 1000 : 1);
                final double x3 = random.nextGaussian();
                model.observe(new double[] {x1, x2, x3}, 1 + x1 - 2 * x2 + 0.5 * x3 + 0.1 * random.nextGaussian());
            }
            reports[k] = Diagnostics.report(model);
        }
        ids = new String[models];
        for (int m = 0; m < models; m++) {
            ids[m] = "model-" + m;
            listener.processed(ids[m], true);
            listener.rejected(ids[m], RejectReason.NON_FINITE);
            listener.reported(ids[m], reports[m % reports.length]);
        }
        http = HttpApi.bind("127.0.0.1", 0);
        http.register("/metrics", accept -> {
            final Metrics.Scrape s = metrics.scrape(accept);
            return new HttpApi.Response(200, s.contentType(), s.body());
        });
        http.start(null, 1000, null);
        client = HttpClient.newHttpClient();
        scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/metrics"))
                .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5").GET().build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        http.close();
        metrics.close();
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void recordProcessed() {
        listener.processed(ids[next++ % ids.length], true);
        if (next == Integer.MAX_VALUE) {
            next = 0;
        }
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int scrapeFormatting() {
        return metrics.scrape(null).body().length;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int scrapeOverHttp() throws IOException, InterruptedException {
        return client.send(scrape, HttpResponse.BodyHandlers.ofByteArray()).body().length;
    }
}
