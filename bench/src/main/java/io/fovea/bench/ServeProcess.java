package io.fovea.bench;

import io.fovea.broker.FreePorts;
import io.fovea.core.runtime.Blocking;
import io.fovea.stream.ServeCommand;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.metrics.ProcessMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/fovea serve} in a JVM of its own, as it runs in production: the benchmark's broker,
 * load generator and reader then neither share its heap nor count in its resident memory.
 * Reads the app's state from its HTTP port, like Prometheus and Kubernetes do.
 */
final class ServeProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * The settings every benchmark's serve takes: its application id, input, output (the shadow
     * and dead-letter topics named after it), releases topic and state folder.
     */
    static Map<String, String> topics(
            String applicationId, String input, String output, String releases, Path stateDir) {
        return new HashMap<>(Map.of(
                StreamOptions.APPLICATION_ID.key(), applicationId,
                StreamOptions.INPUT_TOPIC.key(), input,
                StreamOptions.OUTPUT_TOPIC.key(), output,
                StreamOptions.SHADOW_TOPIC.key(), output + "-shadow",
                StreamOptions.DLQ_TOPIC.key(), output + "-dlq",
                StreamOptions.RELEASES_TOPIC.key(), releases,
                StreamOptions.STATE_DIR.key(), stateDir.toString()));
    }

    /** Starts {@code serve} with these JVM options, arguments and settings; its output goes to {@code log}. */
    static ServeProcess start(List<String> jvmOptions, List<String> serveArgs, Map<String, String> settings, Path log) {
        return start(Path.of(System.getProperty("java.home"), "bin", "java"), jvmOptions, serveArgs, settings, log);
    }

    /** The same, on the JVM {@code java} (a {@code bin/java}). */
    static ServeProcess start(
            Path java, List<String> jvmOptions, List<String> serveArgs, Map<String, String> settings, Path log) {
        int port = FreePorts.one();
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        // a crash report goes beside the log, not into whatever folder the benchmark ran from
        command.add("-XX:ErrorFile=" + log.resolveSibling("hs_err_pid%p.log"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                ServeCommand.class.getName(),
                "--http-port",
                Integer.toString(port)));
        command.addAll(serveArgs);
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new ServeProcess(process, port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start serve", e);
        }
    }

    /** Waits for {@code /ready} to answer 200. */
    ServeProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("serve exited with " + process.exitValue() + "; see " + log);
            }
            if (status("/ready") == 200) {
                return this;
            }
            Blocking.pause(Duration.ofMillis(200));
        }
        throw new IllegalStateException("serve not ready after " + timeout + "; see " + log);
    }

    /** The sum of every sample of a metric whose labels contain {@code labelPart} ("" for any). */
    double metric(String name, String labelPart) {
        return scrape().sum(name, labelPart);
    }

    /** Every sample of serve's {@code /metrics} at one moment, so that several are read together. */
    Scrape scrape() {
        return new Scrape(get("/metrics"));
    }

    /** One reading of {@code /metrics}; {@link #NONE} for a process that has none, whose every sum is NaN. */
    record Scrape(String text) {
        static final Scrape NONE = new Scrape(null);

        /** The sum of every sample of a metric whose labels contain {@code labelPart} ("" for any). */
        double sum(String name, String labelPart) {
            if (text == null) {
                return Double.NaN;
            }
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$")
                    .matcher(text);
            double sum = 0;
            while (m.find()) {
                if (labelPart.isEmpty() || (m.group(1) != null && m.group(1).contains(labelPart))) {
                    sum += Double.parseDouble(m.group(2));
                }
            }
            return sum;
        }
    }

    /**
     * Waits up to two minutes for the sum of {@code name}'s samples to reach {@code atLeast}.
     *
     * @throws IllegalStateException if it does not, or serve exited meanwhile
     */
    ServeProcess awaitMetric(String name, double atLeast) {
        return awaitMetric(name, "", atLeast);
    }

    /** The same, for the samples whose labels contain {@code labelPart}. */
    ServeProcess awaitMetric(String name, String labelPart, double atLeast) {
        return awaitMetric(name, labelPart, v -> v >= atLeast, "reaches " + atLeast);
    }

    /** Waits up to two minutes for {@code version} to serve ({@code fovea_model_version}). */
    ServeProcess awaitServing(int version) {
        return awaitMetric("fovea_model_version", "", v -> v == version, "is " + version);
    }

    private ServeProcess awaitMetric(String name, String labelPart, DoublePredicate until, String what) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!until.test(metric(name, labelPart))) {
            if (!process.isAlive()) {
                throw new IllegalStateException("serve exited with " + process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " " + what + " not within two minutes; see " + log);
            }
            Blocking.pause(Duration.ofMillis(200));
        }
        return this;
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory of the process, from the kernel (not from the process's own report). */
    long residentBytes() {
        double bytes = ProcessMetrics.residentBytes(Path.of("/proc", Long.toString(process.pid()), "status"));
        return Double.isNaN(bytes) ? -1 : (long) bytes;
    }

    /** The most resident memory the process has had (VmHWM), from the kernel. */
    long peakResidentBytes() {
        double bytes = ProcessMetrics.statusBytes(Path.of("/proc", Long.toString(process.pid()), "status"), "VmHWM");
        return Double.isNaN(bytes) ? -1 : (long) bytes;
    }

    private int status(String path) {
        try {
            return http.send(request(path), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String get(String path) {
        try {
            return http.send(request(path), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException("serve's " + path + " did not answer; see " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * SIGTERM, as Kubernetes stops a pod; SIGKILL if it has not stopped within a minute. A serve
     * that does not end with 143 (128 + SIGTERM) after draining failed to stop cleanly: the
     * benchmark says so instead of measuring on.
     */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("serve did not stop within a minute of SIGTERM; see " + log);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return;
        }
        if (process.exitValue() != 143) {
            throw new IllegalStateException(
                    "serve ended with " + process.exitValue() + " on SIGTERM, not 143 after draining; see " + log);
        }
    }
}
