package io.fovea.bench;

import io.fovea.core.bundle.BundleManifest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/** {@code bench pipeline}'s tables as Markdown: throughput and latency side by side, then CPU by thread. */
final class ComparisonReport {
    /** Thread groups shown by name in the CPU table; the rest are summed as "other". */
    private static final int NAMED_GROUPS = 10;

    private final PrintWriter out;
    private final List<Contender> contenders;
    private final List<ComparisonRound> rounds;

    ComparisonReport(PrintWriter out, List<Contender> contenders, List<ComparisonRound> rounds) {
        this.out = out;
        this.contenders = contenders;
        this.rounds = rounds;
    }

    /** The model alone at {@code precision}, with serve's settings: median of the rounds. */
    double modelAlone(String precision) {
        return Percentiles.median(
                rounds.stream().map(r -> r.modelAlone(precision)).toList());
    }

    private List<String> precisions() {
        return contenders.stream().map(c -> c.precision).distinct().toList();
    }

    /** Two precisions: int8 rows are also compared with the plain loop on fp32 (the yardstick). */
    private boolean againstFp32() {
        return precisions().size() > 1 && precisions().contains(PrecisionModels.FP32);
    }

    double imagesPerSecond(Contender c) {
        return median(r -> r.runs().get(c).imagesPerSecond());
    }

    /**
     * @param latencies per contender, its latencies at each share of its own capacity
     * @param batchWaitMillis max.batch.wait.ms of the serve runs
     */
    void table(
            int batch,
            double[] shares,
            Map<Contender, List<PipelineComparison.AtLoad>> latencies,
            long batchWaitMillis) {
        StringBuilder head = new StringBuilder("| pipeline, batch " + batch
                + " | img/s | / model alone | / model alone beside it | / best alone | / plain loop |");
        StringBuilder rule = new StringBuilder("| --- | ---: | ---: | ---: | ---: | ---: |");
        if (againstFp32()) {
            head.append(" / plain loop fp32 |");
            rule.append(" ---: |");
        }
        loadColumns(head, rule, shares, " p50 / p99 ms at %.0f%% |");
        out.println(head);
        out.println(rule);
        for (Contender c : contenders) {
            StringBuilder row = new StringBuilder(String.format(
                    "| %s | %.1f | %.2f | %s | %.2f | %.2f |",
                    c.label,
                    imagesPerSecond(c),
                    median(r -> r.runs().get(c).imagesPerSecond() / r.modelAlone(c.precision)),
                    c.isPipeline()
                            ? String.format(
                                    "%.2f",
                                    median(r -> r.runs().get(c).imagesPerSecond()
                                            / r.runs().get(c).besideAlone()))
                            : "",
                    median(r -> r.runs().get(c).imagesPerSecond() / r.bestAlone(c.precision)),
                    median(r -> r.runs().get(c).imagesPerSecond()
                            / r.of(Contender.Kind.PLAIN_LOOP, c.precision).imagesPerSecond())));
            if (againstFp32()) {
                row.append(String.format(
                        " %.2f |",
                        median(r -> r.runs().get(c).imagesPerSecond()
                                / r.of(Contender.Kind.PLAIN_LOOP, PrecisionModels.FP32)
                                        .imagesPerSecond())));
            }
            List<PipelineComparison.AtLoad> measured = latencies.getOrDefault(c, List.of());
            for (int i = 0; i < shares.length; i++) {
                row.append(
                        i < measured.size()
                                ? " " + p50p99(measured.get(i).latencies().total()) + " |"
                                : " |");
            }
            out.println(row);
        }
        List<String> targets = new ArrayList<>();
        for (String precision : precisions()) {
            double oneBatch = 1000.0 * batch / modelAlone(precision);
            targets.add(String.format(
                    "%s%d + 2 x %.0f = %.0f ms",
                    precisions().size() > 1 ? precision + " " : "",
                    batchWaitMillis,
                    oneBatch,
                    batchWaitMillis + 2 * oneBatch));
        }
        out.printf(
                "%n(img/s: medians of %d rounds, of pipelines the predictions read downstream by when each was made,"
                        + " from the first quarter's last arrival to the last made; each ratio is the median of the rounds' ratios, each round's measurements"
                        + " next to each other; / model alone (one pass at a time on all the cores, as bench model runs it), / model"
                        + " alone beside it (the same, the mean of %.0f s just before the pipeline's run and %.0f s just after), / best"
                        + " alone (the fastest"
                        + " of the model-alone rows in the round) and / plain loop against those of the row's own"
                        + " precision.%s)%n%n",
                rounds.size(),
                PipelineComparison.BESIDE_SECONDS,
                PipelineComparison.BESIDE_SECONDS,
                shares.length == 0
                        ? ""
                        : " Latency: event time to the prediction read downstream (read_committed), at shares of each"
                                + " row's own img/s offered by a paced producer. Target p99: max.batch.wait.ms + 2 x"
                                + " one batch's model time = " + String.join("; ", targets) + ".");
        out.flush();
    }

    /**
     * Where each pipeline's latency goes, at each load: from event time to the prediction's making
     * (read, wait for a batch, the model, emission) and from there to its arrival downstream (the
     * write and, exactly once, the transaction's commit that makes it visible).
     */
    void latencyParts(double[] shares, Map<Contender, List<PipelineComparison.AtLoad>> latencies) {
        StringBuilder head = new StringBuilder("| latency, p50 / p99 ms |");
        StringBuilder rule = new StringBuilder("| --- |");
        for (double share : shares) {
            String at = String.format(" at %.0f%%", 100 * share);
            head.append(" event to prediction" + at + " | of which: waiting for its pass" + at
                    + " | of which: forward pass" + at + " | prediction to read" + at + " |");
            rule.append(" ---: | ---: | ---: | ---: |");
        }
        out.println(head);
        out.println(rule);
        latencies.forEach((c, byLoad) -> {
            StringBuilder row = new StringBuilder("| " + c.label + " |");
            for (PipelineComparison.AtLoad at : byLoad) {
                CommittedOutput.Latencies l = at.latencies();
                row.append(" " + p50p99(l.toPrediction()) + " | " + p50p99(l.batchClose()) + " | "
                        + p50p99(l.forwardPass()) + " | " + p50p99(l.afterPrediction()) + " |");
            }
            out.println(row);
        });
        out.printf("%n(Each prediction's predictionTime splits its latency: the pipeline stamps it when it makes the"
                + " prediction, before writing it. Waiting for its pass and forward pass are the prediction's own"
                + " queueMillis (from its arrival in the pipeline to the start of its pass: its batch's closing,"
                + " then the model's queue; 0 in the plain loop)"
                + " and inferenceMillis (its batch's pass). The parts' percentiles are of each part alone, so"
                + " they do not add up to the whole's.)%n%n");
        out.flush();
    }

    /** One right-aligned column per offered load, each headed by {@code format} of its percentage. */
    static void loadColumns(StringBuilder head, StringBuilder rule, double[] shares, String format) {
        for (double share : shares) {
            head.append(String.format(format, 100 * share));
            rule.append(" ---: |");
        }
    }

    private static String p50p99(List<Double> sorted) {
        return String.format("%.0f / %.0f", Percentiles.nearestRank(sorted, 50), Percentiles.nearestRank(sorted, 99));
    }

    /** The CPU per image of {@code c}'s own process at saturation, in ms: its threads summed, median of the rounds. */
    double ownCpuMillis(Contender c) {
        return 1000
                * median(r -> r.runs().get(c).cpuPerImage().entrySet().stream()
                        .filter(e -> ownThread(e.getKey()))
                        .mapToDouble(Map.Entry::getValue)
                        .sum());
    }

    /** A thread group of the contender's own process: not the benchmark's JVM, other processes or idle. */
    private static boolean ownThread(String group) {
        return !group.equals(PipelineComparison.BENCH_JVM)
                && !group.equals(PipelineComparison.OTHER_PROCESSES)
                && !group.equals(PipelineComparison.IDLE)
                && !group.startsWith(PipelineComparison.IN_BENCH_JVM);
    }

    /** CPU milliseconds per image by thread group (Linux thread names, 15 characters), median of the rounds. */
    void cpuByThread() {
        Set<String> groups = new LinkedHashSet<>();
        rounds.forEach(r ->
                r.runs().values().forEach(run -> groups.addAll(run.cpuPerImage().keySet())));
        Map<String, Double> largest = new LinkedHashMap<>();
        for (String group : groups) {
            double most = 0;
            for (Contender c : contenders) {
                most = Math.max(most, cpuMillis(c, group));
            }
            largest.put(group, most);
        }
        List<String> named = new ArrayList<>(
                largest.keySet().stream().filter(ComparisonReport::ownThread).toList());
        List<String> inBench = new ArrayList<>(largest.keySet().stream()
                .filter(g -> g.startsWith(PipelineComparison.IN_BENCH_JVM))
                .toList());
        inBench.sort(Comparator.comparingDouble((String g) -> -largest.get(g)));
        List<String> benchShown = inBench.subList(0, Math.min(NAMED_GROUPS / 2, inBench.size()));
        named.sort(Comparator.comparingDouble((String g) -> -largest.get(g)));
        List<String> shown = named.subList(0, Math.min(NAMED_GROUPS, named.size()));
        header(out, "thread: CPU ms per image", contenders);
        for (String group : shown) {
            row(group, c -> cpuMillis(c, group));
        }
        row(
                "other",
                c -> named.stream()
                        .filter(g -> !shown.contains(g))
                        .mapToDouble(g -> cpuMillis(c, g))
                        .sum());
        row(
                "all its threads",
                c -> named.stream().mapToDouble(g -> cpuMillis(c, g)).sum());
        row(PipelineComparison.BENCH_JVM, c -> cpuMillis(c, PipelineComparison.BENCH_JVM));
        for (String group : benchShown) {
            row(group, c -> cpuMillis(c, group));
        }
        row(PipelineComparison.OTHER_PROCESSES, c -> cpuMillis(c, PipelineComparison.OTHER_PROCESSES));
        row(PipelineComparison.IDLE, c -> cpuMillis(c, PipelineComparison.IDLE));
        out.printf(
                "%n(From /proc/PID/task/*/stat over each run's measured span, and /proc/stat for the machine; the model"
                        + " alone's columns are the benchmark's JVM. \"java\" is threads without a name of their own: ONNX"
                        + " Runtime's pool, and the plain loop's own thread. Streams threads are named \"%s\". At the model alone's speed one image"
                        + " has %s ms of the machine's %d cores.)%n%n",
                Contender.STREAMS_THREADS,
                String.join(
                        ", ",
                        precisions().stream()
                                .map(p -> String.format(
                                        "%.2f%s",
                                        1000.0 * Runtime.getRuntime().availableProcessors() / modelAlone(p),
                                        precisions().size() > 1 ? " (" + p + ")" : ""))
                                .toList()),
                Runtime.getRuntime().availableProcessors());
        out.flush();
    }

    /** Accuracy beside speed, on labelled images: see {@link AccuracyTable}. */
    void accuracy(BundleManifest manifest, BenchImages images) {
        AccuracyTable.print(out, contenders, rounds, manifest, images);
    }

    /** What the broker did per 1,000 images of each pipeline, when it runs in this JVM. */
    void brokerWork() {
        BrokerWorkTable.print(out, contenders, rounds);
    }

    /** A table's head: {@code first}, then a column of figures for each contender. */
    static void header(PrintWriter out, String first, List<Contender> columns) {
        StringBuilder head = new StringBuilder("| " + first + " |");
        StringBuilder rule = new StringBuilder("| --- |");
        for (Contender c : columns) {
            head.append(' ').append(c.label).append(" |");
            rule.append(" ---: |");
        }
        out.println(head);
        out.println(rule);
    }

    private void row(String name, ToDoubleFunction<Contender> millis) {
        StringBuilder row = new StringBuilder("| " + name + " |");
        for (Contender c : contenders) {
            row.append(String.format(" %.2f |", millis.applyAsDouble(c)));
        }
        out.println(row);
    }

    private double cpuMillis(Contender c, String group) {
        return 1000 * median(r -> r.runs().get(c).cpuPerImage().getOrDefault(group, 0.0));
    }

    private double median(ToDoubleFunction<ComparisonRound> f) {
        return median(rounds, f);
    }

    /** The median over {@code rounds} of a figure of each. */
    static double median(List<ComparisonRound> rounds, ToDoubleFunction<ComparisonRound> f) {
        return Percentiles.median(rounds.stream().map(f::applyAsDouble).toList());
    }
}
