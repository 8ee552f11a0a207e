package io.gapwatch.engine.exact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EstimatorCodecTest {

    @ParameterizedTest(name = "intercept={0}, λ={1}, α={2}")
    @CsvSource({"true, 1.0, 0.0", "false, 0.99, 0.0", "true, 0.9, 2.5", "true, 1.0, 0.0"})
    void shouldRestoreAnEstimatorThatContinuesBitForBit(boolean intercept, double lambda, double ridge) throws IOException {
        final LeastSquaresOptions options = new LeastSquaresOptions(intercept, lambda, ridge);
        final Random random = new Random(7);
        final StreamingLeastSquares original = new StreamingLeastSquares(6, options);
        for (int i = 0; i < 50; i++) {
            original.update(row(random, 6), random.nextGaussian());
        }
        final byte[] bytes = encode(original);
        assertThat((long) bytes.length).isEqualTo(EstimatorCodec.encodedSize(6, intercept));

        final StreamingLeastSquares restored = EstimatorCodec.read(new DataInputStream(new ByteArrayInputStream(bytes)));
        assertThat(encode(restored)).isEqualTo(bytes);
        assertThat(restored.options()).isEqualTo(options);
        assertThat(restored.count()).isEqualTo(50);

        // both continue on the same records: every number stays identical to the last bit
        for (int i = 0; i < 30; i++) {
            final double[] x = row(random, 6);
            final double y = random.nextGaussian();
            original.update(x, y);
            restored.update(x, y);
        }
        assertThat(bits(restored.coefficients())).isEqualTo(bits(original.coefficients()));
        assertThat(Double.doubleToRawLongBits(restored.sse())).isEqualTo(Double.doubleToRawLongBits(original.sse()));
        assertThat(Double.doubleToRawLongBits(restored.r2())).isEqualTo(Double.doubleToRawLongBits(original.r2()));
        assertThat(encode(restored)).isEqualTo(encode(original));
    }

    @Test
    void shouldRoundTripAnEmptyEstimator() throws IOException {
        final StreamingLeastSquares empty = new StreamingLeastSquares(3, LeastSquaresOptions.ORDINARY);
        final StreamingLeastSquares restored = EstimatorCodec.read(new DataInputStream(new ByteArrayInputStream(encode(empty))));
        assertThat(restored.count()).isZero();
        assertThat(restored.coefficients()).containsOnly(0.0);
    }

    @Test
    void shouldRejectForeignBytesAnUnknownVersionAndTruncation() throws IOException {
        final StreamingLeastSquares fit = new StreamingLeastSquares(2, LeastSquaresOptions.ORDINARY);
        fit.update(new double[] {1, 2}, 3);
        final byte[] bytes = encode(fit);

        final byte[] foreign = bytes.clone();
        foreign[0] = 'X';
        assertThatThrownBy(() -> decode(foreign)).isInstanceOf(IOException.class).hasMessageContaining("not an estimator state");

        final byte[] future = bytes.clone();
        future[5] = 99; // low byte of the version short
        assertThatThrownBy(() -> decode(future)).isInstanceOf(IOException.class).hasMessageContaining("unsupported estimator state version 99");

        assertThatThrownBy(() -> decode(Arrays.copyOf(bytes, bytes.length - 3))).isInstanceOf(EOFException.class);
    }

    /**
     * A state written before rows were shifted (format version 1) holds the factor of the design
     * itself: the same factor with a zero reference row. It must read back to the same fit and go on.
     */
    @Test
    void shouldReadAVersionOneStateAsAStateWithAZeroReferenceRow() throws IOException {
        final Random random = new Random(11);
        final StreamingLeastSquares fit = new StreamingLeastSquares(3, LeastSquaresOptions.ORDINARY);
        for (int i = 0; i < 40; i++) {
            final double[] x = row(random, 3);
            x[0] += 1000; // an uncentred column, so the reference row is far from zero
            fit.update(x, 5 + x[0] + random.nextGaussian());
        }
        final byte[] v1 = versionOne(fit);
        final StreamingLeastSquares restored = decode(v1);
        assertThat(restored.count()).isEqualTo(40);
        final double[] expected = fit.coefficients();
        final double[] actual = restored.coefficients();
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-9 * Math.abs(expected[i]) + 1e-12));
        }
        assertThat(restored.sse()).isCloseTo(fit.sse(), org.assertj.core.api.Assertions.within(1e-9 * fit.sse()));
        // and it goes on: the next records are rotated in shifted from here
        for (int i = 0; i < 30; i++) {
            final double[] x = row(random, 3);
            x[0] += 1000;
            final double y = 5 + x[0] + random.nextGaussian();
            fit.update(x, y);
            restored.update(x, y);
        }
        assertThat(restored.coefficient(1)).isCloseTo(fit.coefficient(1), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(encode(restored)[5]).as("written back as the current version").isEqualTo((byte) EstimatorCodec.VERSION);
    }

    // The version-1 layout of the same fit: no reference row, row 0 of the design's own factor.
    private static byte[] versionOne(StreamingLeastSquares fit) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);
        final int p = fit.parameters();
        out.writeInt(EstimatorCodec.MAGIC);
        out.writeShort(1);
        out.writeByte(1);
        out.writeLong(Double.doubleToRawLongBits(1.0));
        out.writeLong(Double.doubleToRawLongBits(0.0));
        out.writeInt(fit.features());
        out.writeLong(fit.count());
        out.writeDouble(fit.effectiveCount());
        out.writeDouble(fit.residualSumOfSquares());
        out.writeDouble(fit.targetMoments().weight());
        out.writeDouble(fit.targetMoments().mean());
        out.writeDouble(fit.targetMoments().sumSquaredDeviations());
        for (double v : fit.columnSumOfSquares()) {
            out.writeDouble(v);
        }
        for (double v : fit.pivots()) {
            out.writeDouble(v);
        }
        for (int k = 0; k < p; k++) {
            for (int j = k + 1; j <= p; j++) {
                double r = fit.rbar()[k][j];
                if (k == 0) {
                    r += j < p ? fit.reference()[j - 1] : fit.referenceTarget();
                }
                out.writeDouble(r);
            }
        }
        return bytes.toByteArray();
    }

    static byte[] encode(StreamingLeastSquares estimator) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EstimatorCodec.write(estimator, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    static StreamingLeastSquares decode(byte[] bytes) throws IOException {
        return EstimatorCodec.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    static long[] bits(double[] values) {
        return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    static double[] row(Random random, int d) {
        final double[] x = new double[d];
        for (int j = 0; j < d; j++) {
            x[j] = random.nextGaussian();
        }
        return x;
    }
}
