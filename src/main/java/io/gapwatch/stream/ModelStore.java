package io.gapwatch.stream;

import io.gapwatch.avro.ModelState;
import io.gapwatch.avro.PendingRecord;
import io.gapwatch.engine.Model;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * How a model lives in two changelogged key-value stores, so that after any crash, restart or
 * rebalance it is rebuilt bit for bit while each record writes only O(d) bytes.
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li><b>snapshots</b>: under {@code <model>} the manifest ({@link ModelState}, Avro); under
 *       {@code <model>␀<generation>␀<index>} the chunks of the snapshot, each at most
 *       {@link #CHUNK_BYTES}, so a d = 1000 model's 4 MB state fits Kafka's default 1 MiB limit.</li>
 *   <li><b>pending</b>: under {@code <model>␀<slot>} each record learned since the snapshot
 *       ({@link PendingRecord}, O(d)), slot = sequence mod the snapshot interval. A ring: a record
 *       overwrites one that the last snapshot already contains, so nothing is ever deleted.</li>
 * </ul>
 *
 * <h2>Consistency</h2>
 * Every record's writes (its pending slot; every interval, a new generation of chunks, the
 * manifest, and the old generation's removal) happen inside one {@code process()} call, and Kafka
 * Streams commits only between calls, under exactly-once in one transaction with the outputs. So
 * at every commit: state = snapshot + the pending records after it, in sequence order.
 * A reader on another thread (interactive queries) reads the manifest first, then its generation's
 * chunks and the pending records, and retries if the writer moved underneath it.
 */
public final class ModelStore {

    /** Largest chunk of a snapshot: half of Kafka's default 1 MiB record limit, leaving room for keys and headers. */
    public static final int CHUNK_BYTES = 512 * 1024;
    static final char SEPARATOR = '\u0000';

    private ModelStore() {
    }

    /** A model read back, with the manifest it came from. */
    public record Loaded(Model model, ModelState manifest) {
    }

    static String chunkKey(String model, long generation, int index) {
        return model + SEPARATOR + generation + SEPARATOR + index;
    }

    static String pendingKey(String model, long slot) {
        return model + SEPARATOR + slot;
    }

    static String prefix(String model) {
        return model + SEPARATOR;
    }

    // ---------------------------------------------------------------- writing (the stream thread)

    /** The manifest of a model that has a spec but no snapshot yet. */
    static ModelState fresh(String modelId, Model model) {
        return ModelState.newBuilder().setModel(modelId).setFormat(Model.FORMAT).setGeneration(0).setRecords(0)
                .setChunks(0).setSize(0).setChecksum(0).setSpec(ByteBuffer.wrap(spec(model))).build();
    }

    /**
     * Writes a new snapshot generation of {@code model}, then its manifest, then removes the old
     * generation's chunks. O(p²) bytes; done every snapshot interval.
     */
    static ModelState snapshot(Writable snapshots, String modelId, Model model, ModelState previous) {
        final byte[] bytes = state(model);
        final long generation = previous == null ? 1 : previous.getGeneration() + 1;
        final int chunks = (bytes.length + CHUNK_BYTES - 1) / CHUNK_BYTES;
        for (int i = 0; i < chunks; i++) {
            final int from = i * CHUNK_BYTES;
            snapshots.put(chunkKey(modelId, generation, i), Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + CHUNK_BYTES)));
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        final ModelState manifest = ModelState.newBuilder().setModel(modelId).setFormat(Model.FORMAT)
                .setGeneration(generation).setRecords(model.count()).setChunks(chunks).setSize(bytes.length)
                .setChecksum(crc.getValue()).setSpec(previous == null ? ByteBuffer.wrap(spec(model)) : previous.getSpec()).build();
        snapshots.put(modelId, Codecs.encode(manifest));
        if (previous != null) {
            for (int i = 0; i < previous.getChunks(); i++) {
                snapshots.delete(chunkKey(modelId, previous.getGeneration(), i));
            }
        }
        return manifest;
    }

    /** The pending entry of the record that brought the model to {@code sequence} records. */
    static void appendPending(Writable pending, RecordCodec codec, String modelId, long sequence, int ring, double[] features,
                              double target) {
        pending.put(pendingKey(modelId, sequence % ring), codec.writePending(sequence, features, target));
    }

    /** The minimal write interface both a processor's store and a test double offer. */
    interface Writable {
        void put(String key, byte[] value);

        void delete(String key);
    }

    // ---------------------------------------------------------------- reading (the stream thread, or interactive queries)

    /**
     * Rebuilds a model: its snapshot (or a fresh model from its spec), then every pending record
     * after the snapshot in sequence order, through the same {@link Model#observe} that produced
     * them. Null when the model has never been seen.
     *
     * @throws IllegalStateException if the stores are inconsistent (a chunk or pending record
     *         missing); a concurrent reader should retry
     */
    public static Loaded load(ReadOnlyKeyValueStore<String, byte[]> snapshots, ReadOnlyKeyValueStore<String, byte[]> pending,
                              String modelId) {
        return load(snapshots, pending, modelId, new RecordCodec());
    }

    static Loaded load(ReadOnlyKeyValueStore<String, byte[]> snapshots, ReadOnlyKeyValueStore<String, byte[]> pending,
                       String modelId, RecordCodec codec) {
        final byte[] manifestBytes = snapshots.get(modelId);
        if (manifestBytes == null) {
            return null;
        }
        final ModelState manifest = Codecs.decode(manifestBytes, ModelState.class);
        final Model model = manifest.getChunks() == 0 ? fromSpec(manifest) : fromChunks(snapshots, modelId, manifest);
        record Pending(long sequence, double[] features, double target) {
        }
        final int d = model.featureNames().size();
        final List<Pending> after = new ArrayList<>();
        final double[] target = new double[1];
        try (KeyValueIterator<String, byte[]> it = pending.prefixScan(prefix(modelId), new StringSerializer())) {
            while (it.hasNext()) {
                final double[] x = new double[d];
                final long sequence = codec.readPending(it.next().value, x, target);
                if (sequence > manifest.getRecords()) {
                    after.add(new Pending(sequence, x, target[0]));
                }
            }
        }
        after.sort(Comparator.comparingLong(Pending::sequence));
        long expected = manifest.getRecords() + 1;
        for (Pending record : after) {
            if (record.sequence() != expected) {
                throw new IllegalStateException("model '" + modelId + "': pending record " + expected + " is missing");
            }
            model.observe(record.features(), record.target());
            expected++;
        }
        return new Loaded(model, manifest);
    }

    /** Model ids with a manifest in this store: keys without a separator. */
    public static List<String> modelIds(ReadOnlyKeyValueStore<String, byte[]> snapshots) {
        final List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = snapshots.all()) {
            while (it.hasNext()) {
                final String key = it.next().key;
                if (key.indexOf(SEPARATOR) < 0) {
                    ids.add(key);
                }
            }
        }
        return ids;
    }

    private static Model fromSpec(ModelState manifest) {
        try {
            return Model.readSpec(new DataInputStream(new ByteArrayInputStream(bytesOf(manifest.getSpec()))));
        } catch (IOException e) {
            throw new UncheckedIOException("model '" + manifest.getModel() + "': unreadable spec", e);
        }
    }

    private static Model fromChunks(ReadOnlyKeyValueStore<String, byte[]> snapshots, String modelId, ModelState manifest) {
        final byte[] bytes = new byte[Math.toIntExact(manifest.getSize())];
        int at = 0;
        for (int i = 0; i < manifest.getChunks(); i++) {
            final byte[] chunk = snapshots.get(chunkKey(modelId, manifest.getGeneration(), i));
            if (chunk == null || at + chunk.length > bytes.length) {
                throw new IllegalStateException("model '" + modelId + "': snapshot chunk " + i + " of generation "
                        + manifest.getGeneration() + " is missing");
            }
            System.arraycopy(chunk, 0, bytes, at, chunk.length);
            at += chunk.length;
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        if (at != bytes.length || crc.getValue() != manifest.getChecksum()) {
            throw new IllegalStateException("model '" + modelId + "': snapshot generation " + manifest.getGeneration()
                    + " does not match its checksum");
        }
        try {
            return Model.read(new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("model '" + modelId + "': unreadable snapshot", e);
        }
    }

    static byte[] spec(Model model) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            model.writeSpec(new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] state(Model model) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            model.write(new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] bytesOf(ByteBuffer buffer) {
        final ByteBuffer copy = buffer.duplicate();
        final byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
