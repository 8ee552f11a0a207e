package io.gapwatch.stream;

import org.apache.avro.AvroRuntimeException;
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

    private static final Map<Class<?>, BinaryMessageEncoder<?>> ENCODERS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, BinaryMessageDecoder<?>> DECODERS = new ConcurrentHashMap<>();

    private Codecs() {
    }

    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> byte[] encode(T record) {
        final BinaryMessageEncoder<T> encoder = (BinaryMessageEncoder<T>) ENCODERS.computeIfAbsent(record.getClass(),
                c -> new BinaryMessageEncoder<>(SpecificData.get(), record.getSchema()));
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
                c -> new BinaryMessageDecoder<>(SpecificData.get(), SpecificData.get().getSchema(type)));
        try {
            return decoder.decode(bytes);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }

    /** Whether the bytes start with Avro's single-object marker. */
    public static boolean isSingleObject(byte[] bytes) {
        return bytes != null && bytes.length >= 10 && (bytes[0] & 0xFF) == 0xC3 && bytes[1] == 0x01;
    }
}
