package io.fovea.bench;

import io.fovea.core.runtime.NativeBackend;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The benchmark's tables as Markdown, printed as each measurement finishes. */
final class BenchReport {
    private final PrintWriter out;
    private final int inputSize;
    private final int events;
    private final int referenceRounds;
    private final int sgemmRounds;

    BenchReport(PrintWriter out, int inputSize, int events, int referenceRounds, int sgemmRounds) {
        this.out = out;
        this.inputSize = inputSize;
        this.events = events;
        this.referenceRounds = referenceRounds;
        this.sgemmRounds = sgemmRounds;
    }

    void header(double flops) {
        out.printf(
                "# Fovea benchmark%n%nVGG16 (plain) + classic head, random weights, input %dx%d; ND4J build %s; %d cores.%n",
                inputSize,
                inputSize,
                System.getProperty(NativeBackend.PLATFORM_EXTENSION),
                Runtime.getRuntime().availableProcessors());
        out.printf(
                "Model: %.3f GFLOP per image. Each ratio below compares measurements taken next to each other%n"
                        + "(this machine is shared and its speed drifts from minute to minute).%n%n",
                flops / 1e9);
        out.flush();
    }

    void throughput(
            double flops,
            int reference,
            ModelCost.AgainstSgemm sgemm,
            Map<Integer, BatchRounds> byBatch,
            double fastOverBuiltIn,
            BatchSweepCommand.PerRecord perRecord) {
        out.printf(
                "sgemm (1024x1024, ND4J BLAS), alternated with the model at batch %d in %d rounds: %.1f GFLOP/s against %.1f: "
                        + "the model runs at %.0f%% of sgemm (median of the rounds' ratios).%n%n",
                reference, sgemmRounds, sgemm.sgemmGflops(), sgemm.modelGflops(), 100 * sgemm.ratio());
        out.println(
                "| batch | model alone img/s | model GFLOP/s | % of sgemm | pipeline img/s | pipeline / model | JIT s in run |");
        out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        byBatch.forEach((batch, runs) -> {
            double gflops = runs.bare() * flops / 1e9;
            out.printf(
                    "| %d | %.1f | %.1f | %.0f%% | %.1f | %.2f | %.1f |%n",
                    batch,
                    runs.bare(),
                    gflops,
                    100 * gflops / sgemm.sgemmGflops(),
                    runs.piped(),
                    runs.ratio(),
                    runs.compilingSeconds());
        });
        out.printf(
                "%n(model alone: the mean of runs just before and just after each pipeline run; at batch %d, medians of %d such"
                        + " alternations, and the ratio is the median of their ratios; %% of sgemm against the median above)%n",
                reference, referenceRounds);
        out.printf(
                "(JIT s in run: seconds the JIT compiler worked during the pipeline run; a run takes %d images.)%n",
                events);
        out.printf(
                "Pipeline / model at batch %d in each alternation, in order (pipeline / model img/s): %s.%n",
                reference, eachRound(byBatch.get(reference)));
        out.printf(
                "%nDL4J's built-in convolution path (oneDNN helpers off), batch 32: Fovea's fast path is %.1fx that.%n",
                fastOverBuiltIn);
        out.printf(
                "Per-record pattern (mapValues, one model call per record): %.1f img/s; batched pipeline at %d, "
                        + "run just before and just after it: %.1f img/s, %.1fx that.%n%n",
                perRecord.imagesPerSecond(),
                reference,
                perRecord.batchedAround(),
                perRecord.batchedAround() / perRecord.imagesPerSecond());
        out.flush();
    }

    /** Each alternation at the reference batch, in order: the ratio and what it is made of. */
    private static String eachRound(BatchRounds referenceRuns) {
        List<String> eachRound = new ArrayList<>();
        for (int i = 0; i < referenceRuns.rounds().size(); i++) {
            AroundBare m = referenceRuns.rounds().get(i);
            eachRound.add(String.format(
                    "%.2f (%.1f / %.1f, the model's %.1f before and %.1f after, in passes %.0f%% of the run)",
                    m.ratio(),
                    m.measured(),
                    m.bare(),
                    m.before(),
                    m.after(),
                    100 * referenceRuns.runs().get(i).modelBusy()));
        }
        return String.join(", ", eachRound);
    }

    void latencyHeader(int reference, double bareImagesPerSecond) {
        double oneBatchMs = 1000.0 * reference / bareImagesPerSecond;
        out.printf(
                "Latency, event time to prediction committed, batch %d, max.batch.wait.ms 10 (target p99 at 50%%: "
                        + "10 + 3 x %.0f ms = %.0f ms):%n%n",
                reference, oneBatchMs, 10 + 3 * oneBatchMs);
        out.println("| offered load | img/s | p50 ms | p95 ms | p99 ms |");
        out.println("| ---: | ---: | ---: | ---: | ---: |");
        out.flush();
    }

    /** @param sorted latencies in ms, ascending */
    void latencyRow(double share, double imagesPerSecond, List<Double> sorted) {
        out.printf(
                "| %.0f%% | %.1f | %.0f | %.0f | %.0f |%n",
                share * 100,
                imagesPerSecond,
                Percentiles.nearestRank(sorted, 50),
                Percentiles.nearestRank(sorted, 95),
                Percentiles.nearestRank(sorted, 99));
        out.flush();
    }
}
