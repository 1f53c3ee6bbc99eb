package io.fovea.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
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
    private final BrokerSecurity security;
    private boolean deleteOnClose;
    private boolean stopped;

    private LocalKafkaBroker(Path dataDir, int port, KafkaRaftServer server, BrokerSecurity security) {
        this.dataDir = dataDir;
        this.port = port;
        this.server = server;
        this.security = security;
    }

    /** A broker on a free port whose data lives in a new temporary folder, deleted on {@link #close()}. */
    public static LocalKafkaBroker startTemporary() {
        return startTemporary(false);
    }

    /** Like {@link #startTemporary()}; {@code secure}: as {@link #start(Path, int, boolean)}. */
    public static LocalKafkaBroker startTemporary(boolean secure) {
        Path dir;
        try {
            dir = Files.createTempDirectory("fovea-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for Kafka", e);
        }
        LocalKafkaBroker broker = start(dir, 0, secure);
        broker.deleteOnClose = true;
        return broker;
    }

    /**
     * Formats {@code dataDir} if it is new, starts the broker and waits until it answers.
     *
     * @param port the client port, or 0 for any free port
     */
    public static LocalKafkaBroker start(Path dataDir, int port) {
        return start(dataDir, port, false);
    }

    /**
     * As {@link #start(Path, int)}; {@code secure}: SASL_SSL with SCRAM users and ACLs (see
     * {@link BrokerSecurity}). A folder keeps the mode it was formatted with.
     */
    public static LocalKafkaBroker start(Path dataDir, int port, boolean secure) {
        try {
            Files.createDirectories(dataDir);
            boolean formatted = Files.exists(dataDir.resolve(CLUSTER_ID_FILE));
            if (formatted && secure != BrokerSecurity.isSecured(dataDir)) {
                throw new IllegalStateException(dataDir + " holds a broker formatted " + (secure ? "without" : "with")
                        + " --secure: start it as it was, or use another --dir");
            }
            int clientPort = port == 0 ? FreePorts.one() : port;
            int controllerPort = FreePorts.other(clientPort);
            BrokerSecurity security = secure ? BrokerSecurity.of(dataDir) : null;
            Properties props = serverProperties(dataDir, clientPort, controllerPort);
            if (security != null) {
                props.putAll(security.serverSettings(clientPort, controllerPort));
            }
            formatIfNew(dataDir, props, security == null ? List.of() : security.formatArguments());
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            LocalKafkaBroker broker = new LocalKafkaBroker(dataDir, clientPort, server, security);
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

    /** The broker's security, or null for a plaintext broker without authentication. */
    public BrokerSecurity security() {
        return security;
    }

    /** Settings of a client with every right: the super user on a secured broker. */
    public Map<String, String> adminSettings() {
        return security == null
                ? Map.of("bootstrap.servers", bootstrapServers())
                : security.clientSettings(
                        bootstrapServers(), BrokerSecurity.ADMIN, security.password(BrokerSecurity.ADMIN));
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
                // A transaction past its timeout (its producer killed, or stalled) is aborted within
                // a second rather than ten: read_committed readers of its partitions go on sooner.
                Map.entry("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("min.insync.replicas", "1"),
                // A consumer group on one node need not wait for more members to join.
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("auto.create.topics.enable", "true"),
                Map.entry("log.flush.interval.messages", Long.toString(Long.MAX_VALUE))));
        return p;
    }

    private static void formatIfNew(Path dataDir, Properties props, List<String> extraArguments) throws IOException {
        Path idFile = dataDir.resolve(CLUSTER_ID_FILE);
        if (Files.exists(idFile)) {
            return;
        }
        Path configFile = dataDir.resolve("server.properties");
        // Only for the format tool, then deleted: on a secured broker it holds passwords.
        Files.deleteIfExists(configFile);
        Files.createFile(
                configFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(configFile)) {
            props.store(out, "written by Fovea for kafka-storage format");
        }
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", configFile.toString()));
            args.addAll(extraArguments);
            rc = StorageTool.execute(args.toArray(String[]::new), out);
        }
        Files.delete(configFile);
        if (rc != 0) {
            throw new IOException("kafka-storage format failed (" + rc + "): " + log.toString(StandardCharsets.UTF_8));
        }
        Files.writeString(idFile, clusterId + "\n");
        LOG.info("Formatted {} as Kafka cluster {}", dataDir, clusterId);
    }

    private void awaitReady(Duration timeout) {
        Map<String, Object> config = new HashMap<>(adminSettings());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
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
}
