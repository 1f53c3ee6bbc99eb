package io.fovea.bench;

import java.util.List;

/** The percentiles the benchmark and the demo print, computed one way. */
public final class Percentiles {
    private Percentiles() {}

    /** Nearest-rank percentile {@code p} (0-100) of ascending {@code sorted}; NaN when empty. */
    public static double nearestRank(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    /** The middle value (the mean of the two middle values of an even count); NaN when empty. */
    public static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
