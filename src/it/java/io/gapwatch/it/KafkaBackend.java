package io.gapwatch.it;

import io.gapwatch.stream.EmbeddedKafka;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Where an integration test's broker comes from. Every scenario runs on each backend that is
 * available — the same test code — and the others are skipped with the reason: on a machine
 * without a Docker engine, the container backend skips cleanly.
 */
public enum KafkaBackend {

    /** Kafka's own KafkaRaftServer in this JVM: always available. */
    EMBEDDED {
        @Override
        boolean available() {
            return true;
        }

        @Override
        KafkaEndpoint start() throws IOException {
            final EmbeddedKafka kafka = EmbeddedKafka.start(0, null, Map.of(
                    "offsets.topic.num.partitions", "1", "transaction.state.log.num.partitions", "1"));
            return new KafkaEndpoint(kafka.bootstrapServers(), kafka::close);
        }
    },

    /** Testcontainers' apache/kafka image, where a Docker engine runs. */
    DOCKER {
        @Override
        boolean available() {
            try {
                return DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException e) {
                return false;
            }
        }

        @Override
        KafkaEndpoint start() {
            final KafkaContainer container = new KafkaContainer(IMAGE);
            container.start();
            return new KafkaEndpoint(container.getBootstrapServers(), container::stop);
        }
    };

    /** The broker image of the container backend; docker-compose.yml runs the same (ComposeFileTest). */
    public static final String IMAGE = "apache/kafka:4.1.2";

    abstract boolean available();

    abstract KafkaEndpoint start() throws IOException;

    private KafkaEndpoint endpoint;

    /** This backend's broker, started on first use and shared by every test of the JVM (one broker per JVM). */
    synchronized KafkaEndpoint endpoint() {
        if (endpoint == null) {
            try {
                endpoint = start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(endpoint::close));
        }
        return endpoint;
    }

    /** A running broker: where to connect, and how to stop it. */
    public record KafkaEndpoint(String bootstrapServers, Runnable stop) {
        void close() {
            stop.run();
        }
    }
}
