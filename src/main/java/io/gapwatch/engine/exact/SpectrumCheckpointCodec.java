package io.gapwatch.engine.exact;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * A compact, versioned binary form of a {@link SpectrumCheckpoint}, read back bit for bit: a
 * restored model's reports reuse exactly the spectrum the original's would have.
 *
 * <pre>
 *   int    magic 'GWSC'
 *   short  format version (1)
 *   long   records
 *   int    p;  double[p] σ raw;  double[p] σ column-scaled
 *   double κ, κ scaled, rank tolerance, Hessian max, min, min over the identifiable directions
 *   int    rank without the intercept
 *   int    q;  double[q] correlation eigenvalues
 *   double κ̂₁ raw, κ̂₁ scaled, Hessian trace
 * </pre>
 * A checkpoint is of full rank with no weak direction, so the rank is p and the direction lists,
 * null basis and dependencies are empty: none of them is stored.
 */
public final class SpectrumCheckpointCodec {

    static final int MAGIC = 0x47575343; // "GWSC"
    static final short VERSION = 1;
    /** A bound on p read back, so that a corrupt length cannot ask for gigabytes. */
    private static final int MAX_PARAMETERS = 1 << 16;

    private SpectrumCheckpointCodec() {
    }

    public static void write(SpectrumCheckpoint checkpoint, DataOutput out) throws IOException {
        final Conditioning c = checkpoint.conditioning();
        out.writeInt(MAGIC);
        out.writeShort(VERSION);
        out.writeLong(checkpoint.records());
        writeDoubles(out, c.singularValues());
        writeDoubles(out, c.scaledSingularValues());
        for (double v : new double[] {c.conditionNumber(), c.scaledConditionNumber(), c.rankTolerance(), c.hessianMax(),
                c.hessianMin(), c.hessianMinIdentifiable()}) {
            out.writeLong(Double.doubleToRawLongBits(v));
        }
        out.writeInt(c.rankWithoutIntercept());
        writeDoubles(out, checkpoint.correlationEigenvalues());
        out.writeLong(Double.doubleToRawLongBits(checkpoint.rawConditionEstimate()));
        out.writeLong(Double.doubleToRawLongBits(checkpoint.scaledConditionEstimate()));
        out.writeLong(Double.doubleToRawLongBits(checkpoint.hessianTrace()));
    }

    /** @throws IOException on a wrong magic number, an unknown version, a truncated or inconsistent input */
    public static SpectrumCheckpoint read(DataInput in) throws IOException {
        final int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException(String.format("not a spectrum checkpoint (magic 0x%08x)", magic));
        }
        final short version = in.readShort();
        if (version != VERSION) {
            throw new IOException("spectrum checkpoint format " + version + " is not one this build reads (" + VERSION + ")");
        }
        final long records = in.readLong();
        final double[] sigma = readDoubles(in);
        final double[] scaled = readDoubles(in);
        final int p = sigma.length;
        if (scaled.length != p) {
            throw new IOException("spectrum checkpoint holds " + p + " raw and " + scaled.length + " scaled singular values");
        }
        final double[] scalars = new double[6];
        for (int i = 0; i < scalars.length; i++) {
            scalars[i] = Double.longBitsToDouble(in.readLong());
        }
        final int rankWithoutIntercept = in.readInt();
        final double[] correlation = readDoubles(in);
        final double raw = Double.longBitsToDouble(in.readLong());
        final double scaledEstimate = Double.longBitsToDouble(in.readLong());
        final double trace = Double.longBitsToDouble(in.readLong());
        final Conditioning conditioning = new Conditioning(sigma, scaled, scalars[0], scalars[1], p, p, scalars[2], scalars[3],
                scalars[4], scalars[5], List.of(), 0, List.of(), new double[0][], List.of(), rankWithoutIntercept);
        return new SpectrumCheckpoint(records, conditioning, correlation, raw, scaledEstimate, trace);
    }

    private static void writeDoubles(DataOutput out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeLong(Double.doubleToRawLongBits(v));
        }
    }

    private static double[] readDoubles(DataInput in) throws IOException {
        final int length = in.readInt();
        if (length < 0 || length > MAX_PARAMETERS) {
            throw new IOException("spectrum checkpoint holds " + length + " values");
        }
        final double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = Double.longBitsToDouble(in.readLong());
        }
        return values;
    }
}
