package io.gapwatch.engine.exact;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A compact, versioned binary form of a {@link StructuralBreaks} test, read back bit for bit: a
 * restored test continues exactly as the original would have.
 *
 * <pre>
 *   int    magic 'GWSB'
 *   short  format version (1)
 *   byte   flags: bit 0 = started after a restore (partial), bit 1 = rank lost
 *   long   d (records before the first residual), m (residuals)
 *   double S, Q, Welford mean, Welford Σ(w − w̄)²
 *   long   first rejection of the CUSUM, of the CUSUM of squares (0: none)
 *   4 ×    int h, then h × (double τ, double value, double ε): the hulls of (τ, S), (τ, −S), (τ, Q), (τ, −Q)
 * </pre>
 * Doubles are raw IEEE bits. Whether the test is off for forgetting or ridge is not stored: it
 * follows from the fit's options, which the reader is given.
 */
public final class StructuralBreaksCodec {

    static final int MAGIC = 0x47575342; // "GWSB"
    static final short VERSION = 1;

    private StructuralBreaksCodec() {
    }

    public static void write(StructuralBreaks test, DataOutput out) throws IOException {
        out.writeInt(MAGIC);
        out.writeShort(VERSION);
        out.writeByte((test.sinceRestore() ? 1 : 0) | (test.rankLost() ? 2 : 0));
        out.writeLong(test.burnIn());
        out.writeLong(test.residuals());
        writeDouble(out, test.sum());
        writeDouble(out, test.sumSquares());
        writeDouble(out, test.mean());
        writeDouble(out, test.m2());
        out.writeLong(test.cusumFirstReject());
        out.writeLong(test.cusumSquaresFirstReject());
        for (UpperHull hull : test.hulls()) {
            out.writeInt(hull.size());
            for (int i = 0; i < hull.size(); i++) {
                writeDouble(out, hull.x(i));
                writeDouble(out, hull.y(i));
                writeDouble(out, hull.error(i));
            }
        }
    }

    /**
     * @param options the options of the fit the test belongs to (they decide whether it is off)
     * @throws IOException on a wrong magic number, an unknown version, a truncated or inconsistent input
     */
    public static StructuralBreaks read(DataInput in, LeastSquaresOptions options) throws IOException {
        final int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException(String.format("not a structural-break test state (magic 0x%08x)", magic));
        }
        final short version = in.readShort();
        if (version != VERSION) {
            throw new IOException("unsupported structural-break test state version " + version + " (this build reads " + VERSION + ")");
        }
        final byte flags = in.readByte();
        final long burnIn = in.readLong();
        final long residuals = in.readLong();
        if (burnIn < 0 || residuals < 0) {
            throw new IOException("corrupt structural-break test state: negative counts");
        }
        final double sum = readDouble(in);
        final double sumSquares = readDouble(in);
        final double mean = readDouble(in);
        final double m2 = readDouble(in);
        final long cusumFirst = in.readLong();
        final long squaresFirst = in.readLong();
        final StructuralBreaks test = new StructuralBreaks(options);
        test.restore((flags & 1) != 0, (flags & 2) != 0, burnIn, residuals, sum, sumSquares, mean, m2, cusumFirst, squaresFirst);
        for (UpperHull hull : test.hulls()) {
            final int size = in.readInt();
            if (size < 0 || size > hull.capacity() || size > residuals) {
                throw new IOException("corrupt structural-break test state: a hull of " + size + " vertices");
            }
            final double[] x = new double[size];
            final double[] y = new double[size];
            final double[] e = new double[size];
            for (int i = 0; i < size; i++) {
                x[i] = readDouble(in);
                y[i] = readDouble(in);
                e[i] = readDouble(in);
            }
            hull.restore(size, x, y, e);
        }
        return test;
    }

    private static void writeDouble(DataOutput out, double v) throws IOException {
        out.writeLong(Double.doubleToRawLongBits(v));
    }

    private static double readDouble(DataInput in) throws IOException {
        return Double.longBitsToDouble(in.readLong());
    }
}
