package io.fovea.bench;

import io.fovea.core.runtime.Blocking;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@link PlainLoop} in a JVM of its own, started like {@link ServeProcess} starts serve. */
final class PlainLoopProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private PlainLoopProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the loop with these JVM options and {@link PlainLoop}'s arguments; its output goes to {@code log}. */
    static PlainLoopProcess start(List<String> jvmOptions, List<String> args, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:ErrorFile=" + log.resolveSibling("hs_err_pid%p.log"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PlainLoop.class.getName()));
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new PlainLoopProcess(process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the plain loop", e);
        }
    }

    /** Waits until the loop says it has its partitions. */
    PlainLoopProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the plain loop exited with " + process.exitValue() + "; see " + log);
            }
            if (said(PlainLoop.READY)) {
                return this;
            }
            Blocking.pause(Duration.ofMillis(200));
        }
        throw new IllegalStateException("the plain loop had no partitions after " + timeout + "; see " + log);
    }

    long pid() {
        return process.pid();
    }

    private boolean said(String line) {
        try {
            return Files.exists(log) && Files.readString(log).contains(line);
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGTERM; SIGKILL if it has not stopped within a minute. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the plain loop did not stop within a minute of SIGTERM; see " + log);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
