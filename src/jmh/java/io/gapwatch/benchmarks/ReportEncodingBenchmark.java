package io.gapwatch.benchmarks;

import io.gapwatch.avro.ModelDiagnosis;
import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.diagnostics.Diagnostics;
import io.gapwatch.engine.sgd.LearnerConfig;
import io.gapwatch.report.DiagnosisRecords;
import io.gapwatch.stream.Codecs;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
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
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Encoding one report for the reports topic: {@link Codecs} (the generated classes' own coders)
 * against Avro's generic datum writer on the same record, which is what Codecs used before.
 *
 * <pre>
 *   mvn -Pjmh test-compile exec:exec -Djmh.args="ReportEncodingBenchmark"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReportEncodingBenchmark {

    @Param({"16", "128"})
    public int features;

    private ModelDiagnosis diagnosis;
    private BinaryMessageEncoder<ModelDiagnosis> generic;

    @Setup(Level.Trial)
    public void setUp() {
        final Random random = new Random(7);
        final List<String> names = new ArrayList<>();
        for (int j = 0; j < features; j++) {
            names.add("x" + j);
        }
        final Model model = new Model(names, ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        final double[] x = new double[features];
        for (int i = 0; i < 4 * features + 200; i++) {
            double y = 0.0;
            for (int j = 0; j < features; j++) {
                x[j] = random.nextGaussian();
                y += x[j] / (j + 1);
            }
            model.observe(x, y + random.nextGaussian());
        }
        diagnosis = DiagnosisRecords.diagnosis("m", "y", 1000, Diagnostics.report(model));
        final SpecificData data = new SpecificData();
        data.setCustomCoders(false);
        data.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        generic = new BinaryMessageEncoder<>(data, ModelDiagnosis.getClassSchema());
    }

    @Benchmark
    public byte[] generatedCoders() {
        return Codecs.encode(diagnosis);
    }

    @Benchmark
    public byte[] genericWriter() throws IOException {
        final ByteBuffer buffer = generic.encode(diagnosis);
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
