package io.fovea.testing;

import io.fovea.broker.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real schema registry for tests, as {@link KafkaTestBroker} is a real broker: Apicurio Registry,
 * built by the test-registry module, run in a child JVM. Its schemas live in an H2 database file,
 * so a {@link #stop()} and {@link #start()} keep them and their ids, as a registry with durable
 * storage would. The Confluent-compatible API is at {@link #url()}.
 */
public final class SchemaRegistryTestServer implements AutoCloseable {
    static final Path APP = Path.of("test-registry", "target", "quarkus-app", "quarkus-run.jar");
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryTestServer.class);

    private final Path app;
    private final Path dataDir;
    private final int port;
    private Process process;

    private SchemaRegistryTestServer(Path app, Path dataDir, int port) {
        this.app = app;
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Starts a new registry with empty storage on a free port. */
    public static SchemaRegistryTestServer startNew() {
        try {
            SchemaRegistryTestServer server = new SchemaRegistryTestServer(
                    locateApp(), Files.createTempDirectory("fovea-test-registry"), FreePorts.one());
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "test-registry-stop"));
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Base URL of the Confluent-compatible API (what a client calls schema.registry.url). */
    public String url() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    /** Starts the registry (again) on the same port and storage, and waits until it answers. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + dataDir.resolve("registry") + ";DB_CLOSE_ON_EXIT=FALSE",
                "-Dquarkus.datasource.jdbc.min-size=1",
                "-Dquarkus.datasource.jdbc.initial-size=1",
                "-jar",
                app.toString());
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dataDir.resolve("registry.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitAnswer();
        LOG.info("Tests use an Apicurio Registry at {} (log: {})", url(), dataDir.resolve("registry.log"));
    }

    /** Stops the registry process; its stored schemas stay for the next {@link #start()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitAnswer() {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the test registry exited with " + process.exitValue() + "; see "
                        + dataDir.resolve("registry.log"));
            }
            try {
                if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the test registry started", e);
            }
            sleep();
        }
        stop();
        throw new IllegalStateException("the test registry did not answer within " + START_TIMEOUT + "; see "
                + dataDir.resolve("registry.log"));
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The built registry, found from the module directory a test runs in or the checkout root. */
    static Path locateApp() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(APP);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + APP + " above " + Path.of("").toAbsolutePath()
                + ": build the test-registry module first (the reactor does when a module depends on it)");
    }
}
