package io.fovea.bench;

import static io.fovea.core.runtime.Blocking.pause;

import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.kafka.KafkaConnection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh {@code serve} in a JVM of its own, on a topic that holds more than it can classify in
 * the run: its throughput per window from the moment it is ready (RUNNING, model loaded) against
 * its own steady state, for each JVM setup, alternated round by round. A setup that needs a
 * training run (a class-data archive, an ahead-of-time cache) gets one first, on the same topic.
 */
final class WarmUpBench {
    static final Duration WINDOW = Duration.ofSeconds(5);

    private final KafkaConnection kafka;
    private final Path work;
    private final List<String> baseOptions;

    WarmUpBench(KafkaConnection kafka, Path work, List<String> baseOptions) {
        this.kafka = kafka;
        this.work = work;
        this.baseOptions = baseOptions;
    }

    /** What one fresh process did: seconds from launch to ready, rate per window from ready, JIT seconds. */
    record Run(double secondsToReady, List<Double> windows, double jitSeconds) {
        /** Median of the windows from {@code from} on: the process's steady state. */
        double steady(int from) {
            return Percentiles.median(windows.subList(from, windows.size()));
        }

        /**
         * Seconds from ready until the process stays within {@code tolerance} of its steady state:
         * the start of the first window from which every later 15 s stretch (three windows, their
         * mean: single 5 s windows swing on a shared machine) is within it.
         */
        double settledAfter(int steadyFrom, double tolerance) {
            double steady = steady(steadyFrom);
            int last = -1;
            for (int i = 0; i + 3 <= windows.size(); i++) {
                double mean = (windows.get(i) + windows.get(i + 1) + windows.get(i + 2)) / 3;
                if (mean < (1 - tolerance) * steady) {
                    last = i;
                }
            }
            return (last + 1) * WINDOW.toSeconds();
        }
    }

    void run(List<JvmSetup> setups, int rounds, Duration length, PrintWriter out) {
        DirectoryModelStore store = new DirectoryModelStore(work.resolve("store"));
        BenchVersions.publish(store);
        store.promote("bench", 1);
        int windows = (int) (length.toSeconds() / WINDOW.toSeconds());
        // more than the fastest setup can classify in a run, so that the input never runs dry
        String input = new PipelineBench(kafka, work).preload((int) (length.toSeconds() * 600));
        for (JvmSetup setup : setups) {
            if (setup.training() != null) {
                out.printf("- Training run for %s: %s%n", setup.name(), String.join(" ", setup.training()));
                out.flush();
                serve(setup, setup.training(), input, Duration.ofSeconds(40), windows);
            }
        }
        Map<JvmSetup, List<Run>> runs = new LinkedHashMap<>();
        setups.forEach(s -> runs.put(s, new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < setups.size(); i++) {
                JvmSetup setup = setups.get((round + i) % setups.size()); // no setup always first
                Run run = serve(setup, setup.options(), input, length, windows);
                runs.get(setup).add(run);
                out.printf(
                        "- Round %d, %s: ready after %.1f s; %s img/s per %d s window; JIT %.1f s%n",
                        round + 1,
                        setup.name(),
                        run.secondsToReady(),
                        run.windows().stream()
                                .map(w -> String.format("%.0f", w))
                                .toList(),
                        WINDOW.toSeconds(),
                        run.jitSeconds());
                out.flush();
            }
        }
        WarmUpReport.table(out, runs, length, windows / 2);
    }

    private Run serve(JvmSetup setup, List<String> options, String input, Duration length, int windows) {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String output = "warm-out-" + run;
        Map<String, String> settings =
                ServeProcess.topics("warm-" + run, input, output, "warm-releases-" + run, work.resolve("state"));
        settings.putAll(setup.settings());
        List<String> args = List.of(
                "--bootstrap",
                kafka.bootstrapServers(),
                "--store",
                work.resolve("store").toString(),
                "--model",
                "bench");
        List<String> jvm = new ArrayList<>(baseOptions);
        jvm.addAll(options);
        long launched = System.nanoTime();
        try (OutputTimeline timeline = new OutputTimeline(kafka, output);
                ServeProcess app = ServeProcess.start(
                                setup.java(), jvm, args, settings, work.resolve("serve-" + run + ".log"))
                        .awaitReady(Duration.ofMinutes(3))) {
            long ready = System.currentTimeMillis();
            double toReady = (System.nanoTime() - launched) / 1e9;
            pause(length.plus(Duration.ofSeconds(2)));
            double jit = app.metric("jvm_compilation_time_ms_total", "") / 1000;
            List<Double> rates = new ArrayList<>();
            for (int w = 0; w < windows; w++) {
                long from = ready + w * WINDOW.toMillis();
                rates.add(timeline.count(from, from + WINDOW.toMillis()) / (double) WINDOW.toSeconds());
            }
            return new Run(toReady, rates, jit);
        }
    }
}
