package io.fovea.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** The warm-up table: per JVM setup, time to ready, the first windows against the steady state, and the steady state. */
final class WarmUpReport {
    static final double TOLERANCE = 0.05;
    static final int SHOWN_WINDOWS = 4;

    private WarmUpReport() {}

    static void table(PrintWriter out, Map<JvmSetup, List<WarmUpBench.Run>> runs, Duration length, int steadyFrom) {
        long window = WarmUpBench.WINDOW.toSeconds();
        List<WarmUpBench.Run> reference = runs.values().iterator().next();
        int shown = Math.min(SHOWN_WINDOWS, reference.get(0).windows().size());
        out.printf(
                "%nA fresh serve from ready (RUNNING, model loaded), per %d s window, as a share of its own steady state"
                        + " (the median window from %d s to %d s); medians over %d rounds:%n%n",
                window, steadyFrom * window, length.toSeconds(), reference.size());
        StringBuilder head = new StringBuilder("| JVM | launch to ready (s) |");
        StringBuilder rule = new StringBuilder("| --- | ---: |");
        for (int w = 0; w < shown; w++) {
            head.append(String.format(" %d-%d s |", w * window, (w + 1) * window));
            rule.append(" ---: |");
        }
        head.append(
                " within 5% from (s, 15 s means) | steady img/s | steady vs the first row, same round | JIT compiling (s) |");
        rule.append(" ---: | ---: | ---: | ---: |");
        out.println(head);
        out.println(rule);
        runs.forEach((setup, list) -> {
            StringBuilder row = new StringBuilder("| " + setup.name() + " | ");
            row.append(String.format(
                    "%.1f |",
                    median(list.stream().map(WarmUpBench.Run::secondsToReady).toList())));
            for (int w = 0; w < shown; w++) {
                int at = w;
                row.append(String.format(
                        " %.0f%% |",
                        100
                                * median(list.stream()
                                        .map(r -> r.windows().get(at) / r.steady(steadyFrom))
                                        .toList())));
            }
            row.append(String.format(
                    " %.0f | %.1f | %.2f | %.1f |",
                    median(list.stream()
                            .map(r -> r.settledAfter(steadyFrom, TOLERANCE))
                            .toList()),
                    median(list.stream().map(r -> r.steady(steadyFrom)).toList()),
                    median(IntStream.range(0, list.size())
                            .mapToObj(i -> list.get(i).steady(steadyFrom)
                                    / reference.get(i).steady(steadyFrom))
                            .toList()),
                    median(list.stream().map(WarmUpBench.Run::jitSeconds).toList())));
            out.println(row);
        });
        out.flush();
    }

    private static double median(List<Double> values) {
        return Percentiles.median(values);
    }
}
