package io.gapwatch.stream;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Avro single-object encoding (the 2-byte marker 0xC3 0x01, the schema's 8-byte fingerprint, then
 * the binary record): self-describing enough that no schema registry is needed.
 */
public final class Codecs {

    /**
     * The generated classes' own encode and decode methods (Avro's "custom coders"): the same bytes
     * as the generic datum writer (ReportContractTest compares them), without its per-field lookups
     * and union resolution. Encoding was a fifth of a report's time on the stream thread under JFR;
     * these take a quarter off it (ReportEncodingBenchmark). Decoding still goes through Avro's
     * resolving decoder, which checks every union index and length against the schema.
     */
    private static final SpecificData MODEL = withCustomCoders();

    private static final Map<Class<?>, BinaryMessageEncoder<?>> ENCODERS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, BinaryMessageDecoder<?>> DECODERS = new ConcurrentHashMap<>();

    private Codecs() {
    }

    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> byte[] encode(T record) {
        final BinaryMessageEncoder<T> encoder = (BinaryMessageEncoder<T>) ENCODERS.computeIfAbsent(record.getClass(),
                c -> new BinaryMessageEncoder<>(MODEL, record.getSchema()));
        try {
            final ByteBuffer buffer = encoder.encode(record);
            final byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @throws IllegalArgumentException if the bytes are not this record type in single-object encoding
     */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) {
        final BinaryMessageDecoder<T> decoder = (BinaryMessageDecoder<T>) DECODERS.computeIfAbsent(type,
                c -> new BinaryMessageDecoder<>(MODEL, MODEL.getSchema(type)));
        try {
            return decoder.decode(bytes);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }

    private static SpecificData withCustomCoders() {
        final SpecificData model = new SpecificData();
        model.setCustomCoders(true);
        // the one logical type the schemas use, registered as the generated classes register it
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        return model;
    }

    /** Whether the bytes start with Avro's single-object marker. */
    public static boolean isSingleObject(byte[] bytes) {
        return bytes != null && bytes.length >= 10 && (bytes[0] & 0xFF) == 0xC3 && bytes[1] == 0x01;
    }
}
