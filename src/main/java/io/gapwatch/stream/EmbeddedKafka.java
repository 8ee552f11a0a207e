package io.gapwatch.stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) in this JVM, bound to
 * 127.0.0.1: the processor's default when no cluster is configured, and the tests' broker. It is
 * started exactly as {@code kafka-server-start.sh} starts one — format the storage, then
 * {@link KafkaRaftServer} — so it is a production broker with production defaults, except the
 * replication factors a single node needs (exactly-once requires the transaction log).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaRaftServer server;
    private final Path directory;
    private final boolean temporary;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, Path directory, boolean temporary, int port) {
        this.server = server;
        this.directory = directory;
        this.temporary = temporary;
        this.bootstrapServers = "127.0.0.1:" + port;
    }

    /**
     * Starts a broker and waits until it answers.
     *
     * @param port      listener port, 0 for a free one
     * @param directory data directory; null for a new temporary one, deleted on {@link #close}.
     *                  An existing directory from an earlier run is reused, with its data
     * @param overrides broker properties over the defaults (tests shrink internal topics)
     */
    public static EmbeddedKafka start(int port, Path directory, Map<String, String> overrides) throws IOException {
        final boolean temporary = directory == null;
        final Path dir = temporary ? Files.createTempDirectory("gapwatch-kafka-") : directory;
        Files.createDirectories(dir);
        final int brokerPort = port == 0 ? freePort() : port;
        final int controllerPort = controllerPort(dir);
        final Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.resolve("data").toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.putAll(overrides);
        final Path file = dir.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(writer, "gapwatch embedded broker");
        }
        if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            final ByteArrayOutputStream log = new ByteArrayOutputStream();
            final int status = StorageTool.execute(new String[] {"format", "--config", file.toString(),
                    "--cluster-id", Uuid.randomUuid().toString()}, new PrintStream(log, true, StandardCharsets.UTF_8));
            if (status != 0) {
                throw new IOException("formatting the embedded broker's storage failed: " + log.toString(StandardCharsets.UTF_8).strip());
            }
        }
        final KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        final EmbeddedKafka kafka = new EmbeddedKafka(server, dir, temporary, brokerPort);
        kafka.awaitReady(Duration.ofSeconds(60));
        return kafka;
    }

    // The controller port is part of the quorum's identity: keep it with the data, so a restart finds the same quorum.
    private static int controllerPort(Path dir) throws IOException {
        final Path file = dir.resolve("controller.port");
        if (Files.exists(file)) {
            return Integer.parseInt(Files.readString(file).strip());
        }
        final int port = freePort();
        Files.writeString(file, Integer.toString(port));
        return port;
    }

    private void awaitReady(Duration timeout) throws IOException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("the embedded broker did not answer within " + timeout.toSeconds() + " s", e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("the embedded broker did not answer within " + timeout.toSeconds() + " s");
                }
            }
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (temporary) {
            try (Stream<Path> paths = Files.walk(directory)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
