package io.fovea.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka 4 broker in this JVM: KRaft, with broker and controller combined,
 * listening on 127.0.0.1. The data directory is formatted on first start and reused after, so
 * topics and committed offsets survive a restart.
 *
 * <p>Internal topics are set to replication factor 1 and min ISR 1: without that a single node
 * can create neither the consumer-offsets nor the transaction-state topic, and consumer groups
 * and exactly-once transactions hang.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);
    private static final String CLUSTER_ID_FILE = "fovea-cluster-id";

    private final Path dataDir;
    private final int port;
    private final KafkaRaftServer server;
    private boolean deleteOnClose;
    private boolean stopped;

    private LocalKafkaBroker(Path dataDir, int port, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.port = port;
        this.server = server;
    }

    /** A broker on a free port whose data lives in a new temporary folder, deleted on {@link #close()}. */
    public static LocalKafkaBroker startTemporary() {
        Path dir;
        try {
            dir = Files.createTempDirectory("fovea-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for Kafka", e);
        }
        LocalKafkaBroker broker = start(dir, 0);
        broker.deleteOnClose = true;
        return broker;
    }

    /**
     * Formats {@code dataDir} if it is new, starts the broker and waits until it answers.
     *
     * @param port the client port, or 0 for any free port
     */
    public static LocalKafkaBroker start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            int clientPort = port == 0 ? freePort() : port;
            int controllerPort = freePort();
            Properties props = serverProperties(dataDir, clientPort, controllerPort);
            formatIfNew(dataDir, props);
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            LocalKafkaBroker broker = new LocalKafkaBroker(dataDir, clientPort, server);
            broker.awaitReady(Duration.ofSeconds(60));
            LOG.info("Kafka broker ready at {} (data in {})", broker.bootstrapServers(), dataDir);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka in " + dataDir, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Blocks until the broker has stopped, e.g. after {@link #close()} from a shutdown hook. */
    public void awaitShutdown() {
        server.awaitShutdown();
    }

    @Override
    public synchronized void close() {
        if (!stopped) {
            stopped = true;
            server.shutdown();
            server.awaitShutdown();
            if (deleteOnClose) {
                deleteRecursively(dataDir);
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    static Properties serverProperties(Path dataDir, int clientPort, int controllerPort) {
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry(
                        "listeners",
                        "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", dataDir.resolve("logs").toAbsolutePath().toString()),
                Map.entry("num.partitions", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "5"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "5"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("min.insync.replicas", "1"),
                // A consumer group on one node need not wait for more members to join.
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("auto.create.topics.enable", "true"),
                Map.entry("log.flush.interval.messages", Long.toString(Long.MAX_VALUE))));
        return p;
    }

    private static void formatIfNew(Path dataDir, Properties props) throws IOException {
        Path idFile = dataDir.resolve(CLUSTER_ID_FILE);
        if (Files.exists(idFile)) {
            return;
        }
        Path configFile = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(configFile)) {
            props.store(out, "written by Fovea for kafka-storage format; regenerated on every start");
        }
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", configFile.toString()}, out);
        }
        if (rc != 0) {
            throw new IOException("kafka-storage format failed (" + rc + "): " + log.toString(StandardCharsets.UTF_8));
        }
        Files.writeString(idFile, clusterId + "\n");
        LOG.info("Formatted {} as Kafka cluster {}", dataDir, clusterId);
    }

    private void awaitReady(Duration timeout) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) timeout.toMillis());
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw new IllegalStateException(
                    "Kafka did not become ready at " + bootstrapServers() + " within " + timeout, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
