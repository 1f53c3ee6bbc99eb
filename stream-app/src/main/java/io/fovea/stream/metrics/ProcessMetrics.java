package io.fovea.stream.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's own health: JVM heap, GC, threads, CPU, and {@code process_resident_memory_bytes}
 * (what the kernel counts against a container's memory limit). Most of a model's memory lives
 * outside the Java heap, so only the resident size shows whether hot-swaps leak.
 */
public final class ProcessMetrics implements AutoCloseable {
    private static final Path STATUS = Path.of("/proc/self/status");
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public ProcessMetrics(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmCompilationMetrics().bindTo(registry); // the JIT's time: how warm-up is seen from outside
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
        if (Files.isReadable(STATUS)) {
            Gauge.builder("process.resident.memory", () -> residentBytes(STATUS))
                    .baseUnit("bytes")
                    .description("resident set size (VmRSS) of this process")
                    .register(registry);
        }
    }

    /** VmRSS from a {@code /proc/PID/status} file (Linux), or NaN where there is none. */
    public static double residentBytes(Path status) {
        return statusBytes(status, "VmRSS");
    }

    /** A figure in kB of a {@code /proc/PID/status} file (VmRSS, VmHWM...) in bytes, or NaN where there is none. */
    public static double statusBytes(Path status, String field) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(field + ":")) {
                    return 1024.0 * Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through: no figure rather than a wrong one
        }
        return Double.NaN;
    }

    @Override
    public void close() {
        gc.close();
    }
}
