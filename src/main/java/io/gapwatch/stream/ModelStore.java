package io.gapwatch.stream;

import io.gapwatch.avro.ModelState;
import io.gapwatch.engine.Model;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
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
import java.util.List;
import java.util.zip.CRC32C;

/**
 * How a model lives in the state stores and the input topic, so that after any crash, restart or
 * rebalance it is rebuilt bit for bit while no record is copied to a changelog.
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li><b>snapshots</b> (changelogged): under {@code <model>} the manifest ({@link ModelState}: the
 *       input partition and the offset of the last input record the snapshot includes); under
 *       {@code <model>␀<generation>␀<index>} the chunks of the snapshot, each at most
 *       {@link #CHUNK_BYTES}, so a d = 1000 model's 4 MB state fits Kafka's default 1 MiB limit.</li>
 *   <li><b>progress</b> (changelogged, cached): per model the records learned and the input offset
 *       of the last; written on every record, it reaches the changelog about once per commit.</li>
 *   <li><b>pending</b> (local, not changelogged): under {@code <model>␀<sequence>} each record
 *       learned since the snapshot with its input offset, O(d). It spares re-reading the input
 *       when a model the cache let go is needed again, and survives clean restarts; after a crash
 *       Kafka Streams may wipe it, and nothing is lost: the input topic holds the same bytes.</li>
 * </ul>
 *
 * <h2>Consistency</h2>
 * Under exactly-once the changelogged stores and the consumed input offsets commit in one
 * transaction, so at every commit: state = snapshot + the model's input records in
 * (snapshot offset, progress offset], which the progress entry counts. A load takes the snapshot,
 * then the contiguous local pending entries, then reads the rest back from the input partition
 * (read_committed, so aborted records are skipped as they were) and validates and applies each
 * exactly as the processor did. If the topic's retention has removed some of them, the load says
 * how many are lost and the model goes on without them — never silently.
 */
public final class ModelStore {

    /** Largest chunk of a snapshot: half of Kafka's default 1 MiB record limit, leaving room for keys and headers. */
    public static final int CHUNK_BYTES = 512 * 1024;
    static final char SEPARATOR = '\u0000';

    private ModelStore() {
    }

    /**
     * A model read back.
     *
     * @param lastOffset the input offset of the last record it has learned (its snapshot's, when none since)
     * @param lost       records its progress counted that could not be read back now
     * @param reread     records read back from the input in this load (not found in the local pending store)
     */
    public record Loaded(Model model, ModelState manifest, long lastOffset, long lost, List<Reread> reread) {
    }

    /** A record a load read back from the input, with what it needs to be written to the pending store again. */
    public record Reread(long sequence, long offset, double[] features, double target) {
    }

    /** Decides, as the processor did, whether an input record was learned: its features and target, or null. */
    @FunctionalInterface
    public interface Learnable {
        /** @return {features…, target}, or null when the record was not learned (rejected, or without a target) */
        double[] of(String key, byte[] value, int features);
    }

    static String chunkKey(String model, long generation, int index) {
        return model + SEPARATOR + generation + SEPARATOR + index;
    }

    /** Fixed-width sequence, so a prefix scan returns a model's pending records in order. */
    static String pendingKey(String model, long sequence) {
        // written once per record: zero-padded by hand, not through String.format's parser
        final String digits = Long.toString(sequence);
        final StringBuilder key = new StringBuilder(model.length() + 20).append(model).append(SEPARATOR);
        for (int pad = 19 - digits.length(); pad > 0; pad--) {
            key.append('0');
        }
        return key.append(digits).toString();
    }

    static String prefix(String model) {
        return model + SEPARATOR;
    }

    // ---------------------------------------------------------------- writing (the stream thread)

    /**
     * The manifest of a model that has a spec but no snapshot yet.
     *
     * @param offsetBefore the input offset before the model's first record: a restore re-reads after it
     */
    static ModelState fresh(String modelId, Model model, int partition, long offsetBefore) {
        return ModelState.newBuilder().setModel(modelId).setFormat(Model.FORMAT).setGeneration(0).setRecords(0)
                .setChunks(0).setSize(0).setChecksum(0).setInputPartition(partition).setInputOffset(offsetBefore)
                .setSpec(ByteBuffer.wrap(spec(model))).build();
    }

    /**
     * Writes a new snapshot generation of {@code model}, then its manifest, then removes the old
     * generation's chunks. O(p²) bytes.
     *
     * @param inputOffset the input offset of the last record the model has learned
     */
    static ModelState snapshot(KeyValueStore<String, byte[]> snapshots, String modelId, Model model, ModelState previous,
                               long inputOffset) {
        final byte[] bytes = state(model);
        final long generation = previous.getGeneration() + 1;
        final int chunks = (bytes.length + CHUNK_BYTES - 1) / CHUNK_BYTES;
        for (int i = 0; i < chunks; i++) {
            final int from = i * CHUNK_BYTES;
            snapshots.put(chunkKey(modelId, generation, i), Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + CHUNK_BYTES)));
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        final ModelState manifest = ModelState.newBuilder(previous).setFormat(Model.FORMAT)
                .setGeneration(generation).setRecords(model.count()).setChunks(chunks).setSize(bytes.length)
                .setChecksum(crc.getValue()).setInputOffset(inputOffset).build();
        snapshots.put(modelId, Codecs.encode(manifest));
        for (int i = 0; i < previous.getChunks(); i++) {
            snapshots.delete(chunkKey(modelId, previous.getGeneration(), i));
        }
        return manifest;
    }

    /** The pending entry of the record that brought the model to {@code sequence} records. */
    static void appendPending(KeyValueStore<String, byte[]> pending, RecordCodec codec, String modelId, long sequence, long offset,
                              double[] features, double target) {
        pending.put(pendingKey(modelId, sequence), codec.writePending(sequence, offset, features, target));
    }

    /** Removes the model's pending entries up to {@code sequence}: a snapshot includes them now. */
    static void dropPending(KeyValueStore<String, byte[]> pending, String modelId, long sequence) {
        final List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = pending.range(pendingKey(modelId, 0), pendingKey(modelId, sequence))) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        keys.forEach(pending::delete);
    }

    // ---------------------------------------------------------------- reading (the stream thread, or interactive queries)

    /**
     * Rebuilds a model: its snapshot (or a fresh model from its spec), then its contiguous pending
     * entries, then whatever its progress counts beyond them, read back from the input through the
     * same validation and {@link Model#observe} that produced them. Null when the model has never
     * been seen.
     *
     * @param input     the input topic, or null to rebuild from the stores alone (then {@code lost} counts what is missing)
     * @param learnable the processor's own validation of an input record
     * @throws IllegalStateException if the stores are inconsistent (a chunk missing); a concurrent reader should retry
     */
    public static Loaded load(ReadOnlyKeyValueStore<String, byte[]> snapshots, ReadOnlyKeyValueStore<String, byte[]> pending,
                              ReadOnlyKeyValueStore<String, byte[]> progress, String modelId, RecordCodec codec,
                              InputLog input, Learnable learnable) {
        final byte[] manifestBytes = snapshots.get(modelId);
        if (manifestBytes == null) {
            return null;
        }
        final ModelState manifest = Codecs.decode(manifestBytes, ModelState.class);
        final Model model = manifest.getChunks() == 0 ? fromSpec(manifest) : fromChunks(snapshots, modelId, manifest);
        final long[] fields = new long[4];
        final byte[] entry = progress.get(modelId);
        final long wanted;
        final long lastWanted;
        if (entry != null) {
            codec.readProgress(entry, fields);
            wanted = fields[0];
            lastWanted = fields[3];
        } else {
            wanted = model.count();
            lastWanted = manifest.getInputOffset();
        }
        final int d = model.featureNames().size();
        long lastOffset = manifest.getInputOffset();
        final double[] target = new double[1];
        final long[] offset = new long[1];
        try (KeyValueIterator<String, byte[]> it = pending.prefixScan(prefix(modelId), new StringSerializer())) {
            while (it.hasNext() && model.count() < wanted) {
                final double[] x = new double[d];
                final long sequence = codec.readPending(it.next().value, x, target, offset);
                if (sequence <= model.count()) {
                    continue; // already in the snapshot
                }
                if (sequence != model.count() + 1) {
                    break; // a gap: the rest comes from the input
                }
                model.observe(x, target[0]);
                lastOffset = offset[0];
            }
        }
        final List<Reread> reread = new ArrayList<>();
        if (model.count() < wanted && input != null) {
            final long[] last = {lastOffset};
            input.read(manifest.getInputPartition(), lastOffset + 1, lastWanted, modelId::equals, (key, at, value) -> {
                if (model.count() >= wanted) {
                    return;
                }
                final double[] learned = learnable.of(key, value, d);
                if (learned != null) {
                    final double[] x = Arrays.copyOf(learned, d);
                    model.observe(x, learned[d]);
                    reread.add(new Reread(model.count(), at, x, learned[d]));
                }
                last[0] = at;
            });
            lastOffset = Math.max(last[0], model.count() < wanted ? lastWanted : last[0]);
        }
        return new Loaded(model, manifest, lastOffset, wanted - model.count(), List.copyOf(reread));
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
