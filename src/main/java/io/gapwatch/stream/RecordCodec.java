package io.gapwatch.stream;

import io.gapwatch.avro.ModelProgress;
import io.gapwatch.avro.Observation;
import io.gapwatch.avro.PendingRecord;
import io.gapwatch.avro.Prediction;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * The three per-record Avro records — observation in, pending entry and prediction out — read and
 * written field by field with Avro's binary encoder and decoder, straight from and into
 * {@code double[]}. The generated classes would box every feature into a {@code List<Double>}; on the
 * per-record path that cost more than the model itself. The bytes are the same single-object
 * encoding the generated classes read and write (RecordCodecTest checks both directions), so the
 * schemas in schemas/ remain the contract.
 *
 * <p>Not thread-safe: one instance per stream task (the processor owns one).
 */
final class RecordCodec {

    private static final byte[] OBSERVATION = header(Observation.getClassSchema());
    private static final byte[] PENDING = header(PendingRecord.getClassSchema());
    private static final byte[] PREDICTION = header(Prediction.getClassSchema());
    private static final byte[] PROGRESS = header(ModelProgress.getClassSchema());
    /** A zig-zag varint long takes at most ten bytes. */
    private static final int MAX_LONG_BYTES = 10;

    private BinaryDecoder decoder;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    // one encoder over the one buffer, never reconfigured: configuring one per record cost more than the doubles it writes
    private final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(buffer, null);

    /** C3 01, then the schema's CRC-64-AVRO parsing fingerprint, little-endian. */
    private static byte[] header(Schema schema) {
        final long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        final byte[] header = new byte[10];
        header[0] = (byte) 0xC3;
        header[1] = 0x01;
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return header;
    }

    private static boolean hasHeader(byte[] bytes, byte[] header) {
        if (bytes.length < header.length) {
            return false;
        }
        for (int i = 0; i < header.length; i++) {
            if (bytes[i] != header[i]) {
                return false;
            }
        }
        return true;
    }

    /** An Observation's fields. {@code target} NaN when absent; Avro has no NaN-free double. */
    record ObservationFields(double[] features, double target, boolean targetIsNaN, Long eventTime, String recordId) {
    }

    /**
     * @throws IllegalArgumentException if the bytes are not an Observation in single-object encoding
     */
    ObservationFields readObservation(byte[] bytes) {
        if (!hasHeader(bytes, OBSERVATION)) {
            throw new IllegalArgumentException("not an Observation: unknown single-object header (schema fingerprint)");
        }
        try {
            final double[] features = readFeatures(bytes, OBSERVATION.length);
            decoder = DecoderFactory.get().binaryDecoder(bytes, at, bytes.length - at, decoder);
            double target = Double.NaN;
            boolean targetIsNaN = false;
            if (union(decoder) == 1) {
                target = decoder.readDouble();
                targetIsNaN = Double.isNaN(target);
            }
            final Long eventTime = union(decoder) == 1 ? decoder.readLong() : null;
            final String recordId = union(decoder) == 1 ? decoder.readString() : null;
            if (!decoder.isEnd()) {
                throw new IllegalArgumentException("trailing bytes after the Observation");
            }
            return new ObservationFields(features, target, targetIsNaN, eventTime, recordId);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an Observation: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    /** Where {@link #readFeatures} and {@link #readLong} are in the bytes: after the features, the next field. */
    private int at;

    private static final java.lang.invoke.VarHandle DOUBLE_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(double[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * An Avro array of doubles, read straight from the bytes: blocks of a zig-zag varint count (a
     * negative count is followed by the block's size in bytes, as Avro allows) and that many
     * little-endian doubles, up to a block of count 0. BinaryDecoder.readDouble checks its buffer
     * for every double; at d = 128 that was most of a record's decoding.
     */
    private double[] readFeatures(byte[] bytes, int from) throws IOException {
        at = from;
        double[] features = null;
        int n = 0;
        for (long count = readLong(bytes); count != 0; count = readLong(bytes)) {
            if (count < 0) {
                count = -count;
                readLong(bytes); // the block's size in bytes: the count says as much here
            }
            if (count < 0 || n + count > 1_000_000) {
                throw new IOException("implausible feature count");
            }
            final int block = (int) count;
            if (at + 8L * block > bytes.length) {
                throw new java.io.EOFException("the features run past the end of the record");
            }
            features = features == null ? new double[block] : java.util.Arrays.copyOf(features, n + block);
            for (int i = 0; i < block; i++, at += 8) {
                features[n++] = (double) DOUBLE_LE.get(bytes, at);
            }
        }
        return features == null ? new double[0] : features;
    }

    /** An Avro long: zig-zag, variable length, at most 10 bytes; advances {@link #at}. */
    private long readLong(byte[] bytes) throws IOException {
        long raw = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at >= bytes.length) {
                throw new java.io.EOFException("a count runs past the end of the record");
            }
            final int b = bytes[at++];
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new IOException("a varint longer than 10 bytes");
    }

    private static int union(BinaryDecoder decoder) throws IOException {
        final int branch = decoder.readIndex();
        if (branch != 0 && branch != 1) {
            throw new IOException("union branch " + branch + " out of range");
        }
        return branch;
    }

    /** A PendingRecord: O(d) bytes. */
    byte[] writePending(long sequence, long offset, double[] features, double target) {
        try {
            start(PENDING);
            encoder.writeLong(sequence);
            encoder.writeLong(offset);
            writeDoubles(features);
            encoder.writeDouble(target);
            return finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PendingRecord's fields: the features into {@code features} (length d), the target into
     * {@code target[0]}, the input offset into {@code offset[0]}; returns the sequence.
     */
    long readPending(byte[] bytes, double[] features, double[] target, long[] offset) {
        for (int i = 0; i < PENDING.length; i++) {
            if (i >= bytes.length || bytes[i] != PENDING[i]) {
                throw new IllegalStateException("not a PendingRecord");
            }
        }
        try {
            decoder = DecoderFactory.get().binaryDecoder(bytes, PENDING.length, bytes.length - PENDING.length, decoder);
            final long sequence = decoder.readLong();
            offset[0] = decoder.readLong();
            int n = 0;
            for (long block = decoder.readArrayStart(); block != 0; block = decoder.arrayNext()) {
                if (n + block > features.length) {
                    n += (int) block;
                    break;
                }
                for (long i = 0; i < block; i++) {
                    features[n++] = decoder.readDouble();
                }
            }
            if (n != features.length) {
                throw new IllegalStateException("pending record with " + n + " features where " + features.length + " were expected");
            }
            target[0] = decoder.readDouble();
            if (!decoder.isEnd()) {
                throw new IllegalStateException("trailing bytes after a PendingRecord");
            }
            return sequence;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A ModelProgress: four longs. Written once a record, so straight into its array with Avro's own
     * zig-zag varint writer, not through the stream encoder: that took a fifth of the put it feeds.
     */
    byte[] writeProgress(long records, long reportedRecords, long reportedAt, long lastOffset) {
        final byte[] bytes = new byte[PROGRESS.length + 4 * MAX_LONG_BYTES];
        System.arraycopy(PROGRESS, 0, bytes, 0, PROGRESS.length);
        int at = PROGRESS.length;
        at += BinaryData.encodeLong(records, bytes, at);
        at += BinaryData.encodeLong(reportedRecords, bytes, at);
        at += BinaryData.encodeLong(reportedAt, bytes, at);
        at += BinaryData.encodeLong(lastOffset, bytes, at);
        return Arrays.copyOf(bytes, at);
    }

    /** A ModelProgress's fields into {@code out} (length 4): records, reported records, reported at, last offset. */
    void readProgress(byte[] bytes, long[] out) {
        if (!hasHeader(bytes, PROGRESS)) {
            throw new IllegalStateException("not a ModelProgress");
        }
        try {
            decoder = DecoderFactory.get().binaryDecoder(bytes, PROGRESS.length, bytes.length - PROGRESS.length, decoder);
            out[0] = decoder.readLong();
            out[1] = decoder.readLong();
            out[2] = decoder.readLong();
            out[3] = decoder.readLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Prediction: the predictions of the exact fit (NaN: null) and of each learner, by name. */
    byte[] writePrediction(String model, String recordId, Long eventTime, int partition, long offset, double target,
                           long records, double[] predictions, List<String> learners) {
        try {
            start(PREDICTION);
            encoder.writeString(model);
            nullable(recordId == null);
            if (recordId != null) {
                encoder.writeString(recordId);
            }
            nullable(eventTime == null);
            if (eventTime != null) {
                encoder.writeLong(eventTime);
            }
            encoder.writeInt(partition);
            encoder.writeLong(offset);
            nullable(Double.isNaN(target));
            if (!Double.isNaN(target)) {
                encoder.writeDouble(target);
            }
            encoder.writeLong(records);
            nullable(Double.isNaN(predictions[0]));
            if (!Double.isNaN(predictions[0])) {
                encoder.writeDouble(predictions[0]);
            }
            encoder.writeMapStart();
            encoder.setItemCount(learners.size());
            for (int i = 0; i < learners.size(); i++) {
                encoder.startItem();
                encoder.writeString(learners.get(i));
                encoder.writeDouble(predictions[1 + i]);
            }
            encoder.writeMapEnd();
            return finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void nullable(boolean isNull) throws IOException {
        encoder.writeIndex(isNull ? 0 : 1);
    }

    private void writeDoubles(double[] values) throws IOException {
        encoder.writeArrayStart();
        encoder.setItemCount(values.length);
        for (double v : values) {
            encoder.startItem();
            encoder.writeDouble(v);
        }
        encoder.writeArrayEnd();
    }

    private void start(byte[] header) throws IOException {
        encoder.flush(); // empty after every finish(); this drops what an encoding that threw left behind
        buffer.reset();
        buffer.write(header, 0, header.length);
    }

    private byte[] finish() throws IOException {
        encoder.flush();
        return buffer.toByteArray();
    }
}
