package io.fovea.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * Where the machine's cores went while a paced load ran, as shares of all of them: the pipeline's
 * process, the benchmark's JVM (the broker, the paced producer and the reader, which a saturated
 * run's pre-loaded topic does not need), other processes, and idle; and the pipeline's CPU per
 * image offered. A pipeline near its capacity shows it here: no idle share left, and each image
 * costing it more than at saturation.
 */
record LoadCpu(double pipeline, double benchJvm, double others, double idle, double pipelineMillisPerImage) {

    /** Readings at the start of a load, to be closed with {@link #until}. */
    record Start(long pid, double pipeline, double benchJvm, double[] machine) {
        static Start of(long pid) {
            return new Start(
                    pid,
                    ThreadCpu.total(ThreadCpu.of(pid)),
                    ThreadCpu.total(ThreadCpu.of(ProcessHandle.current().pid())),
                    ThreadCpu.machine());
        }

        /** What the load took from its start until now, {@code images} offered in it. */
        LoadCpu until(int images) {
            double pipelineSeconds = ThreadCpu.total(ThreadCpu.of(pid)) - pipeline;
            double benchSeconds =
                    ThreadCpu.total(ThreadCpu.of(ProcessHandle.current().pid())) - benchJvm;
            double[] now = ThreadCpu.machine();
            double busy = now[0] - machine[0];
            double idleSeconds = now[1] - machine[1];
            double all = busy + idleSeconds;
            return new LoadCpu(
                    pipelineSeconds / all,
                    benchSeconds / all,
                    Math.max(0, busy - pipelineSeconds - benchSeconds) / all,
                    idleSeconds / all,
                    1000 * pipelineSeconds / Math.max(1, images));
        }
    }

    /**
     * The table: for each pipeline and load, the shares of the cores, and its CPU per image against
     * what it took at saturation ({@code saturated}, ms per image of its own threads).
     */
    static void table(
            PrintWriter out,
            double[] shares,
            Map<Contender, List<LoadCpu>> byContender,
            Map<Contender, Double> saturated) {
        StringBuilder head = new StringBuilder("| cores' time, % of all: pipeline / benchmark's JVM / other / idle |");
        StringBuilder rule = new StringBuilder("| --- |");
        ComparisonReport.loadColumns(head, rule, shares, " at %.0f%% |");
        head.append(" pipeline's CPU ms per image: saturated |");
        rule.append(" ---: |");
        ComparisonReport.loadColumns(head, rule, shares, " at %.0f%% |");
        out.println(head);
        out.println(rule);
        byContender.forEach((c, loads) -> {
            StringBuilder row = new StringBuilder("| " + c.label + " |");
            for (LoadCpu l : loads) {
                row.append(String.format(
                        " %.0f / %.0f / %.0f / %.0f |",
                        100 * l.pipeline, 100 * l.benchJvm, 100 * l.others, 100 * l.idle));
            }
            row.append(String.format(" %.2f |", saturated.getOrDefault(c, Double.NaN)));
            for (LoadCpu l : loads) {
                row.append(String.format(" %.2f |", l.pipelineMillisPerImage));
            }
            out.println(row);
        });
        out.printf("%n(From /proc over each paced load, warm-up and drain included; the benchmark's JVM holds the"
                + " broker, the paced producer and the reader. The pipeline's CPU per image is its process's, per"
                + " image offered; saturated is the same from the throughput rounds, medians.)%n%n");
        out.flush();
    }
}
