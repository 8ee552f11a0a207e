package io.gapwatch.stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The input topic read back as the log of the models' records: what a restore replays on top of a
 * snapshot instead of a changelog of copies. Reads one partition between two offsets, as the stream
 * processor's consumer read it — read_committed, so aborted records are skipped exactly as they
 * were — and hands each record whose key is wanted to a sink, in offset order.
 *
 * <p>Whether the records are still there is checked, never assumed: {@link #read} returns the first
 * offset it could actually read from, which is above {@code from} when the topic's retention has
 * removed the beginning of the span.
 */
public interface InputLog extends AutoCloseable {

    /** One input record read back. */
    interface Sink {
        void accept(String key, long offset, byte[] value);
    }

    /**
     * @param from first offset wanted
     * @param to   last offset wanted, inclusive; at most the partition's last stable offset − 1
     * @return the offset reading started at: {@code from}, or the partition's log start when retention removed the records before it
     */
    long read(int partition, long from, long to, Predicate<String> keys, Sink sink);

    @Override
    void close();

    /** Opens a reader; each is used by one thread. */
    interface Factory {
        InputLog open();
    }

    /** The Kafka input topic, through a consumer of its own (no group: assigned, seeked, read). */
    final class Kafka implements InputLog {

        private final String topic;
        private final KafkaConsumer<byte[], byte[]> consumer;

        /**
         * @param clientSettings bootstrap servers and the security settings of the processor's own clients
         */
        public Kafka(String topic, Map<String, Object> clientSettings) {
            this.topic = topic;
            final Map<String, Object> settings = new HashMap<>(clientSettings);
            settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
            settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
            settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
            settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "gapwatch-input-log-" + Thread.currentThread().getName());
            this.consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        @Override
        public long read(int partition, long from, long to, Predicate<String> keys, Sink sink) {
            if (to < from) {
                return from;
            }
            final TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            final long logStart = consumer.beginningOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            final long stableEnd = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp); // read_committed: the last stable offset
            final long last = Math.min(to, stableEnd - 1);
            final long start = Math.max(from, logStart);
            consumer.seek(tp, start);
            while (consumer.position(tp, Duration.ofSeconds(30)) <= last) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() > last) {
                        break;
                    }
                    final String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                    if (key != null && keys.test(key)) {
                        sink.accept(key, record.offset(), record.value());
                    }
                }
            }
            consumer.unsubscribe();
            return start;
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
