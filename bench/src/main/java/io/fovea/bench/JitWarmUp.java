package io.fovea.bench;

import io.fovea.stream.model.ModelRunner;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.IntConsumer;

/**
 * Unmeasured pipeline runs until the JIT compiler is mostly done with the code they take.
 *
 * <p>Broker, Kafka clients, Kafka Streams and the app share this process and its cores with the
 * model, and the compiler works for several whole runs before it settles (each warm-up run
 * prints how long it worked; docs/benchmarks.md). Every compiled method takes CPU from the model's threads, which work in lockstep, so the first runs
 * measure the JIT as much as the pipeline. A server runs for days: its steady state is what the
 * targets are about. The warm-up runs are printed, so the cold start is seen too.
 */
final class JitWarmUp {
    /** Settled: compiling took less than this share of a run's wall time. */
    static final double SETTLED_SHARE = 0.08;

    static final int MAX_RUNS = 8;
    private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();

    private JitWarmUp() {}

    /** Seconds the JIT compiler has spent so far; NaN where the JVM does not say. */
    static double compilingSeconds() {
        return COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported()
                ? COMPILER.getTotalCompilationTime() / 1000.0
                : Double.NaN;
    }

    /** What a warm-up prints after each step: its number (from 1), the JIT's seconds in it, its wall seconds. */
    interface StepLine {
        String of(int step, double compiling, double seconds);
    }

    /**
     * Runs {@code step} (given its number, from 1) until one in which the JIT compiled for less
     * than {@code share} of its wall time, after at least {@code minSteps} and at most
     * {@code maxSteps}, printing a line after each.
     *
     * @return false when the compiler was still busy after the last step
     */
    static boolean untilSettled(
            int minSteps, int maxSteps, double share, IntConsumer step, StepLine line, PrintWriter out) {
        for (int i = 1; i <= maxSteps; i++) {
            double before = compilingSeconds();
            long start = System.nanoTime();
            step.accept(i);
            double seconds = (System.nanoTime() - start) / 1e9;
            double compiling = compilingSeconds() - before;
            out.println(line.of(i, compiling, seconds));
            out.flush();
            if (i >= minSteps && compiling < share * seconds) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code events} images at {@code batch} until a run is {@linkplain #SETTLED_SHARE settled}; prints each run. */
    static void run(PipelineBench pipeline, ModelRunner model, String topic, int events, int batch, PrintWriter out) {
        boolean watched = !Double.isNaN(compilingSeconds());
        int runs = watched ? MAX_RUNS : 2;
        for (int run = 1; run <= runs; run++) {
            long start = System.nanoTime();
            PipelineBench.Run measured = pipeline.run(model, topic, events, batch);
            double seconds = (System.nanoTime() - start) / 1e9;
            double compiling = measured.compilingSeconds();
            out.printf(
                    "- Warm-up run %d (not measured), batch %d: %.1f img/s; JIT compiling %.1f s of the run's %.1f s.%n",
                    run, batch, measured.imagesPerSecond(), compiling, seconds);
            out.flush();
            if (watched && compiling < SETTLED_SHARE * seconds) {
                out.println();
                return;
            }
        }
        out.println(
                watched
                        ? "- The JIT compiler was still busy after " + runs + " warm-up runs; measuring anyway."
                        : "- This JVM does not report JIT compile time: 2 warm-up runs.");
        out.println();
    }
}
