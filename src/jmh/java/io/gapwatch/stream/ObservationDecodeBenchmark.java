package io.gapwatch.stream;

import io.gapwatch.avro.Observation;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One input record decoded, as the processor decodes every record: {@link RecordCodec}'s reader
 * (the features read straight from the bytes) against its two peers on the same bytes — Avro's
 * BinaryDecoder reading the array one {@code readDouble} at a time, and the generated class.
 * In the stream package because the codec is the processor's own.
 *
 * <pre>
 *   mvn -Pjmh test-compile exec:exec -Djmh.args="ObservationDecodeBenchmark"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ObservationDecodeBenchmark {

    @Param({"16", "128"})
    int d;

    private byte[] bytes;
    private final RecordCodec codec = new RecordCodec();
    private BinaryDecoder decoder;

    @Setup
    public void setUp() {
        final Random random = new Random(7);
        final List<Double> features = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            features.add(random.nextGaussian());
        }
        bytes = Codecs.encode(Observation.newBuilder().setFeatures(features).setTarget(random.nextGaussian())
                .setRecordId("r-1").build());
    }

    @Benchmark
    public double[] codec() {
        return codec.readObservation(bytes).features();
    }

    /** The array through BinaryDecoder, item by item: how the codec read it before. */
    @Benchmark
    public double[] avroDecoderPerItem() throws IOException {
        decoder = DecoderFactory.get().binaryDecoder(bytes, 10, bytes.length - 10, decoder);
        double[] features = new double[0];
        int n = 0;
        for (long block = decoder.readArrayStart(); block != 0; block = decoder.arrayNext()) {
            features = java.util.Arrays.copyOf(features, (int) (n + block));
            for (long i = 0; i < block; i++) {
                features[n++] = decoder.readDouble();
            }
        }
        if (decoder.readIndex() == 1) {
            decoder.readDouble();
        }
        if (decoder.readIndex() == 1) {
            decoder.readLong();
        }
        if (decoder.readIndex() == 1) {
            decoder.readString();
        }
        return features;
    }

    @Benchmark
    public Observation generatedClass() {
        return Codecs.decode(bytes, Observation.class);
    }
}
