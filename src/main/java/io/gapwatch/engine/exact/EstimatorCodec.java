package io.gapwatch.engine.exact;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A compact, versioned binary form of an estimator, read back bit for bit: a restored estimator
 * continues exactly as the original would have.
 *
 * <pre>
 *   int    magic 'GWLS'
 *   short  format version (2)
 *   byte   flags: bit 0 = intercept, bit 1 = reference row set
 *   double forgetting λ, ridge α
 *   int    features d
 *   double[d] reference row x₀, double y₀           (version 2)
 *   long   count n;  double n_eff, RSS*
 *   double target weight, target mean, target Σw(y − ȳ)²
 *   double[p] column sums of squares
 *   double[p] pivot weights D
 *   double[] the strict upper triangle of [R̄ | z̄], row by row: row k holds columns k+1 … p
 * </pre>
 * Doubles are written as their raw IEEE bits, so −0.0 and every NaN payload survive. The cached
 * solution is not stored: it is a pure function of this state and is recomputed on demand.
 * Version 1 (before rows were shifted by a reference row) is read as a state whose reference row is
 * zero, which is exactly what it is; the first recentring then moves it.
 */
public final class EstimatorCodec {

    static final int MAGIC = 0x47574C53; // "GWLS"
    static final short VERSION = 2;

    private EstimatorCodec() {
    }

    /** Bytes {@link #write} produces for a model with {@code features} features: O(p²/2) doubles. */
    public static long encodedSize(int features, boolean intercept) {
        final long p = features + (intercept ? 1 : 0);
        final long triangle = p * (p + 1) / 2; // Σ_{k<p} (p − k)
        return 4 + 2 + 1 + 8 + 8 + 4 + 8L * (features + 1) + 8 + 8 + 8 + 3 * 8 + 8 * (2 * p + triangle);
    }

    public static void write(StreamingLeastSquares estimator, DataOutput out) throws IOException {
        final LeastSquaresOptions options = estimator.options();
        final int p = estimator.parameters();
        out.writeInt(MAGIC);
        out.writeShort(VERSION);
        out.writeByte((options.intercept() ? 1 : 0) | (estimator.referenced() ? 2 : 0));
        out.writeLong(Double.doubleToRawLongBits(options.forgetting()));
        out.writeLong(Double.doubleToRawLongBits(options.ridge()));
        out.writeInt(estimator.features());
        for (double v : estimator.reference()) {
            writeDouble(out, v);
        }
        writeDouble(out, estimator.referenceTarget());
        out.writeLong(estimator.count());
        writeDouble(out, estimator.effectiveCount());
        writeDouble(out, estimator.residualSumOfSquares());
        final WeightedMoments target = estimator.targetMoments();
        writeDouble(out, target.weight());
        writeDouble(out, target.mean());
        writeDouble(out, target.sumSquaredDeviations());
        for (double v : estimator.columnSumOfSquares()) {
            writeDouble(out, v);
        }
        for (double v : estimator.pivots()) {
            writeDouble(out, v);
        }
        final double[][] rbar = estimator.rbar();
        for (int k = 0; k < p; k++) {
            final double[] rk = rbar[k];
            for (int j = k + 1; j <= p; j++) {
                writeDouble(out, rk[j]);
            }
        }
    }

    /**
     * @throws IOException on a wrong magic number, an unknown version or a truncated input
     */
    public static StreamingLeastSquares read(DataInput in) throws IOException {
        final int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException(String.format("not an estimator state (magic 0x%08x)", magic));
        }
        final short version = in.readShort();
        if (version != VERSION && version != 1) {
            throw new IOException("unsupported estimator state version " + version + " (this build reads 1 and " + VERSION + ")");
        }
        final byte flags = in.readByte();
        final boolean intercept = (flags & 1) != 0;
        final double forgetting = readDouble(in);
        final double ridge = readDouble(in);
        final int features = in.readInt();
        final LeastSquaresOptions options;
        try {
            options = new LeastSquaresOptions(intercept, forgetting, ridge);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt estimator state: " + e.getMessage(), e);
        }
        if (features < 0 || features > 1 << 16) {
            throw new IOException("corrupt estimator state: " + features + " features");
        }
        final StreamingLeastSquares estimator = new StreamingLeastSquares(features, options);
        final double[] reference = new double[features];
        double referenceTarget = 0.0;
        if (version >= 2) {
            for (int j = 0; j < features; j++) {
                reference[j] = readDouble(in);
            }
            referenceTarget = readDouble(in);
        }
        final long count = in.readLong();
        final double effectiveCount = readDouble(in);
        final double rss = readDouble(in);
        estimator.targetMoments().set(readDouble(in), readDouble(in), readDouble(in));
        final double[] columns = estimator.columnSumOfSquares();
        for (int k = 0; k < columns.length; k++) {
            columns[k] = readDouble(in);
        }
        final int p = estimator.parameters();
        final double[] pivots = estimator.pivots();
        for (int k = 0; k < p; k++) {
            pivots[k] = readDouble(in);
        }
        final double[][] rbar = estimator.rbar();
        for (int k = 0; k < p; k++) {
            final double[] rk = rbar[k];
            for (int j = k + 1; j <= p; j++) {
                rk[j] = readDouble(in);
            }
        }
        // a version-1 state with records was rotated in unshifted: its reference row is zero, and set
        estimator.restoreReference(version >= 2 ? (flags & 2) != 0 : count > 0 && intercept, reference, referenceTarget);
        estimator.restore(count, effectiveCount, rss);
        return estimator;
    }

    private static void writeDouble(DataOutput out, double v) throws IOException {
        out.writeLong(Double.doubleToRawLongBits(v));
    }

    private static double readDouble(DataInput in) throws IOException {
        return Double.longBitsToDouble(in.readLong());
    }
}
