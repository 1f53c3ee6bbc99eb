package io.fovea.cli.demo;

import java.io.PrintWriter;

/** The demo's closing table. */
record DemoSummary(int streamed, DemoMonitor monitor, double swapSeconds, double rate, String first, String promoted) {
    void print(PrintWriter out) {
        out.println();
        out.println("| measure | value |");
        out.println("| --- | ---: |");
        out.printf("| images streamed | %d |%n", streamed);
        out.printf("| images classified | %d |%n", monitor.predictions());
        out.printf("| dead letters | %d |%n", monitor.deadLetters());
        if (monitor.unreadable() > 0) {
            out.printf("| unreadable records on the predictions topic | %d |%n", monitor.unreadable());
        }
        out.printf("| throughput | %.1f img/s |%n", monitor.throughput());
        out.printf(
                "| latency p50 / p95 / p99 (event time to prediction seen%s) | %.0f / %.0f / %.0f ms |%n",
                rate > 0
                        ? String.format(", %.0f img/s offered", rate)
                        : "; all images sent at once, so this includes the backlog",
                monitor.percentile(50),
                monitor.percentile(95),
                monitor.percentile(99));
        monitor.byVersion()
                .forEach((version, c) ->
                        out.printf("| accuracy of %s | %.3f over %d images |%n", version, accuracy(version), c[2]));
        double gain = accuracy(promoted) - accuracy(first);
        if (!Double.isNaN(gain)) {
            out.printf("| accuracy gained by promoting %s over %s | %+.1f points |%n", promoted, first, 100 * gain);
        }
        out.printf("| swap: load, check, warm-up | %.2f s |%n", swapSeconds);
        out.flush();
    }

    /** Share of labelled images {@code version} classified right; NaN if it classified none. */
    private double accuracy(String version) {
        long[] c = monitor.byVersion().get(version);
        return c == null || c[1] == 0 ? Double.NaN : (double) c[0] / c[1];
    }
}
