package io.fovea.testing;

import io.fovea.broker.LocalKafkaBroker;
import io.fovea.schemas.kafka.KafkaConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The one real Kafka broker of a test JVM, chosen once, in this order:
 * <ol>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS}, when set: a broker someone already runs;</li>
 *   <li>Testcontainers Kafka, when a Docker engine answers within {@link #DOCKER_PROBE_TIMEOUT};</li>
 *   <li>the in-process KRaft broker that {@code bin/fovea broker} runs.</li>
 * </ol>
 * Tests share it and must therefore use topic names of their own.
 */
public final class KafkaTestBroker {
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    static final Duration DOCKER_PROBE_TIMEOUT = Duration.ofSeconds(5);
    static final String KAFKA_IMAGE = "apache/kafka:4.1.0";
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTestBroker.class);

    private KafkaTestBroker() {}

    /** Bootstrap servers of the shared broker, started on first use. */
    public static String bootstrapServers() {
        return Holder.BOOTSTRAP;
    }

    /** The broker as a client connection: plaintext, no authentication. */
    public static KafkaConnection connection() {
        return KafkaConnection.to(bootstrapServers());
    }

    /** Initialization-on-demand holder: the broker starts once, on first use, thread-safely. */
    private static final class Holder {
        static final String BOOTSTRAP = startOnce();
    }

    private static String startOnce() {
        String external = System.getenv(BOOTSTRAP_ENV);
        if (external != null && !external.isBlank()) {
            LOG.info("Tests use the Kafka broker at {} ({})", external, BOOTSTRAP_ENV);
            return external;
        }
        if (dockerAnswers()) {
            KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "kafka-container-stop"));
            LOG.info("Tests use a Testcontainers Kafka at {}", container.getBootstrapServers());
            return container.getBootstrapServers();
        }
        return startInProcess();
    }

    private static String startInProcess() {
        // Kafka calls Exit.halt on fatal errors (e.g. a log dir failure); in a test JVM that would
        // kill the whole run with no report. Turn it into an exception in the broker's thread.
        Exit.setHaltProcedure((code, message) -> {
            throw new IllegalStateException("embedded Kafka asked to halt the JVM (" + code + "): " + message);
        });
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("embedded Kafka asked to exit the JVM (" + code + "): " + message);
        });
        LocalKafkaBroker broker = LocalKafkaBroker.startTemporary();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-test-broker-stop"));
        LOG.info("Tests use an in-process Kafka at {}", broker.bootstrapServers());
        return broker.bootstrapServers();
    }
    /** Asks Docker with a time limit: a missing or hung engine must never hang the tests. */
    static boolean dockerAnswers() {
        boolean socket = Files.exists(Path.of("/var/run/docker.sock"));
        if (!socket && System.getenv("DOCKER_HOST") == null) {
            return false;
        }
        CompletableFuture<Boolean> probe = CompletableFuture.supplyAsync(() -> {
            try {
                return DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException e) {
                return false;
            }
        });
        try {
            return probe.get(DOCKER_PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            probe.cancel(true);
            LOG.info("No Docker engine answered within {}; using the in-process broker", DOCKER_PROBE_TIMEOUT);
            return false;
        }
    }
}
