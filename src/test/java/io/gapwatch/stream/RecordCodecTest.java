package io.gapwatch.stream;

import io.gapwatch.avro.Observation;
import io.gapwatch.avro.PendingRecord;
import io.gapwatch.avro.Prediction;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The field-by-field codec writes and reads exactly what Avro's generated classes do: the schemas stay the contract. */
class RecordCodecTest {

    private final RecordCodec codec = new RecordCodec();

    @Test
    void shouldReadObservationsAsTheGeneratedClassWritesThem() {
        final byte[] full = Codecs.encode(Observation.newBuilder().setFeatures(List.of(1.5, -2.0, 3e-300))
                .setTarget(7.25).setEventTime(Instant.ofEpochMilli(1_700_000_000_123L)).setRecordId("r-9").build());
        final RecordCodec.ObservationFields fields = codec.readObservation(full);
        assertThat(fields.features()).containsExactly(1.5, -2.0, 3e-300);
        assertThat(fields.target()).isEqualTo(7.25);
        assertThat(fields.eventTime()).isEqualTo(1_700_000_000_123L);
        assertThat(fields.recordId()).isEqualTo("r-9");

        final RecordCodec.ObservationFields bare = codec.readObservation(Codecs.encode(Observation.newBuilder()
                .setFeatures(List.of(4.0)).build()));
        assertThat(bare.target()).isNaN();
        assertThat(bare.targetIsNaN()).isFalse();
        assertThat(bare.eventTime()).isNull();
        assertThat(bare.recordId()).isNull();
    }

    /**
     * Avro may write an array in several blocks, each a negative count followed by its size in
     * bytes (Java's blocking encoder does): the features read the same as from one block.
     */
    @Test
    void shouldReadFeaturesWrittenInSeveralSizedBlocks() throws Exception {
        final List<Double> features = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            features.add(Math.scalb(1.0 + i / 7.0, i - 150) * (i % 2 == 0 ? 1 : -1));
        }
        final Observation observation = Observation.newBuilder().setFeatures(features).setTarget(-3.5).setRecordId("b").build();
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        final byte[] oneBlock = Codecs.encode(observation);
        out.write(oneBlock, 0, 10); // the single-object header
        final org.apache.avro.io.BinaryEncoder blocking = new org.apache.avro.io.EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null); // 64-byte blocks: 8 doubles each
        new org.apache.avro.specific.SpecificDatumWriter<>(Observation.class).write(observation, blocking);
        blocking.flush();
        final byte[] blocked = out.toByteArray();
        assertThat(blocked).as("written in sized blocks, so not the bytes of one block").isNotEqualTo(oneBlock);

        final RecordCodec.ObservationFields fields = codec.readObservation(blocked);
        assertThat(fields.features()).containsExactly(features.stream().mapToDouble(Double::doubleValue).toArray());
        assertThat(fields.target()).isEqualTo(-3.5);
        assertThat(fields.recordId()).isEqualTo("b");
        assertThat(codec.readObservation(oneBlock).features()).containsExactly(fields.features());
    }

    @Test
    void shouldRefuseOtherRecordsAndTruncatedBytes() {
        final byte[] pending = codec.writePending(1, 10, new double[] {1}, 2);
        assertThatThrownBy(() -> codec.readObservation(pending)).hasMessageContaining("unknown single-object header");
        final byte[] observation = Codecs.encode(Observation.newBuilder().setFeatures(List.of(1.0, 2.0)).setTarget(3.0).build());
        assertThatThrownBy(() -> codec.readObservation(java.util.Arrays.copyOf(observation, observation.length - 3)))
                .isInstanceOf(IllegalArgumentException.class);
        final byte[] longer = java.util.Arrays.copyOf(observation, observation.length + 1);
        assertThatThrownBy(() -> codec.readObservation(longer)).hasMessageContaining("trailing bytes");
    }

    @Test
    void shouldWritePendingRecordsTheGeneratedClassReads() {
        final byte[] bytes = codec.writePending(12345, 987_654_321L, new double[] {0.1, -0.0, Double.MIN_VALUE}, -9.5);
        final PendingRecord record = Codecs.decode(bytes, PendingRecord.class);
        assertThat(record.getSequence()).isEqualTo(12345);
        assertThat(record.getFeatures()).containsExactly(0.1, -0.0, Double.MIN_VALUE);
        assertThat(record.getTarget()).isEqualTo(-9.5);
        assertThat(bytes).isEqualTo(Codecs.encode(record));

        final double[] x = new double[3];
        final double[] y = new double[1];
        final long[] offset = new long[1];
        assertThat(codec.readPending(bytes, x, y, offset)).isEqualTo(12345);
        assertThat(offset[0]).isEqualTo(987_654_321L);
        assertThat(Double.doubleToRawLongBits(x[1])).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(y[0]).isEqualTo(-9.5);
    }

    @Test
    void shouldWriteProgressTheGeneratedClassReads() {
        final byte[] bytes = codec.writeProgress(123_456_789L, 7L, 1_700_000_000_000L, 42L);
        final io.gapwatch.avro.ModelProgress progress = Codecs.decode(bytes, io.gapwatch.avro.ModelProgress.class);
        assertThat(progress.getRecords()).isEqualTo(123_456_789L);
        assertThat(progress.getReportedRecords()).isEqualTo(7L);
        assertThat(progress.getReportedAt()).isEqualTo(1_700_000_000_000L);
        assertThat(progress.getLastOffset()).isEqualTo(42L);
        final long[] fields = new long[4];
        codec.readProgress(Codecs.encode(progress), fields);
        assertThat(fields).containsExactly(123_456_789L, 7L, 1_700_000_000_000L, 42L);
    }

    @Test
    void shouldWriteProgressByteForByteAsTheGeneratedClassDoes() {
        // the varints are written by hand into the array: every length from one byte to ten, and both signs
        final long[] values = {0L, -1L, 1L, 63L, 64L, -65L, 1L << 20, 1_700_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE};
        for (long a : values) {
            for (long b : values) {
                final io.gapwatch.avro.ModelProgress expected = io.gapwatch.avro.ModelProgress.newBuilder()
                        .setRecords(a).setReportedRecords(b).setReportedAt(-a).setLastOffset(b ^ a).build();
                assertThat(codec.writeProgress(a, b, -a, b ^ a)).as("%d, %d", a, b).isEqualTo(Codecs.encode(expected));
            }
        }
    }

    @Test
    void shouldRefusePendingRecordsOfAnotherShape() {
        final byte[] record = codec.writePending(17, 3, new double[] {1, 2}, 3);
        final double[] y = new double[1];
        assertThatThrownBy(() -> codec.readPending(record, new double[1], y, new long[1])).hasMessageContaining("2 features where 1");
        assertThatThrownBy(() -> codec.readPending(java.util.Arrays.copyOf(record, record.length + 1), new double[2], y, new long[1]))
                .hasMessageContaining("trailing bytes");
        assertThatThrownBy(() -> codec.readPending(Codecs.encode(Observation.newBuilder().setFeatures(List.of(1.0)).build()),
                new double[1], y, new long[1])).hasMessageContaining("not a PendingRecord");
    }

    @Test
    void shouldWritePredictionsTheGeneratedClassReads() {
        final byte[] bytes = codec.writePrediction("m", "id-1", 1_700_000_000_000L, 3, 42, 2.5, 7,
                new double[] {Double.NaN, 1.25, -3.0}, List.of("sgd", "adam"));
        final Prediction p = Codecs.decode(bytes, Prediction.class);
        assertThat(p.getModel()).isEqualTo("m");
        assertThat(p.getRecordId()).isEqualTo("id-1");
        assertThat(p.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(p.getSourcePartition()).isEqualTo(3);
        assertThat(p.getSourceOffset()).isEqualTo(42);
        assertThat(p.getTarget()).isEqualTo(2.5);
        assertThat(p.getRecords()).isEqualTo(7);
        assertThat(p.getExact()).isNull();
        assertThat(p.getLearners()).isEqualTo(Map.of("sgd", 1.25, "adam", -3.0));

        final Prediction scored = Codecs.decode(codec.writePrediction("m", null, null, 0, 0, Double.NaN, 0,
                new double[] {4.0}, List.of()), Prediction.class);
        assertThat(scored.getTarget()).isNull();
        assertThat(scored.getExact()).isEqualTo(4.0);
        assertThat(scored.getLearners()).isEmpty();
    }
}
