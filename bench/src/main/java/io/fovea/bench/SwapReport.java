package io.fovea.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/** The hot-swap benchmark's table as Markdown. */
final class SwapReport {
    private SwapReport() {}

    static void table(
            PrintWriter out,
            double batchMillis,
            Duration settle,
            SwapBench.Quiet quiet,
            SwapBench.Swaps done,
            long corruptGap,
            double heapCommitted) {
        List<Double> gaps = done.switches().stream()
                .map(s -> (double) s.gapMillis())
                .sorted()
                .toList();
        List<Double> firstPasses = done.switches().stream()
                .map(OutputTimeline.Switch::firstInferenceMillis)
                .sorted()
                .toList();
        List<Integer> firstBatches = done.switches().stream()
                .map(OutputTimeline.Switch::firstBatchSize)
                .sorted()
                .toList();
        int swaps = done.switches().size();
        out.println("| measure | value |");
        out.println("| --- | ---: |");
        out.printf(
                "| load + check (release sent to new version serving), median | %.2f s |%n",
                Percentiles.median(done.seconds()));
        out.printf(
                "| output gap at the switch (last prediction by the old version to first by the new), median / p90 / max | %.0f / %.0f / %.0f ms |%n",
                Percentiles.median(gaps), Percentiles.nearestRank(gaps, 90), Percentiles.nearestRank(gaps, 100));
        out.printf(
                "| the new version's first forward pass, median / max (its batch size, median / max) | %.0f / %.0f ms (%d / %d) |%n",
                Percentiles.median(firstPasses),
                Percentiles.nearestRank(firstPasses, 100),
                firstBatches.get(firstBatches.size() / 2),
                firstBatches.get(firstBatches.size() - 1));
        out.printf(
                "| target: one batch of %d (%.0f ms, measured here) + max.batch.wait.ms | %.0f ms |%n",
                SwapBench.MAX_BATCH, batchMillis, batchMillis + SwapBench.MAX_WAIT_MS);
        out.printf("| longest pause in output, 15 s without swaps | %d ms |%n", quiet.longestGapMillis());
        out.printf(
                "| longest pause in output, each release to %.1f s after its switch, worst of %d | %d ms |%n",
                settle.toMillis() / 1000.0, swaps, done.longestGapMillis());
        out.printf(
                "| a corrupt release (version 3, refused): longest pause in output, release to %.1f s after the refusal | %d ms |%n",
                settle.toMillis() / 1000.0, corruptGap);
        out.printf(
                "| resident memory, start and end of the 15 s without swaps | %d / %d MB |%n",
                quiet.residentFrom() >> 20, quiet.residentTo() >> 20);
        out.printf("| resident memory after swap 1 | %d MB |%n", done.residentAfterFirst() >> 20);
        out.printf(
                "| resident memory after swap %d | %d MB (%+.1f%%) |%n",
                swaps,
                done.residentAfterLast() >> 20,
                100.0 * (done.residentAfterLast() - done.residentAfterFirst()) / done.residentAfterFirst());
        out.printf("| of which Java heap, committed | %d MB |%n", (long) heapCommitted >> 20);
        out.printf(
                "| peak resident memory (VmHWM), from its start to after swap %d | %d MB |%n",
                swaps, done.peakResident() >> 20);
        out.flush();
    }
}
