package io.fovea.cli.consume;

import java.util.Map;
import java.util.TreeMap;

/** Correct over total for predictions that carry ground truth, overall and per model version. */
public final class RunningAccuracy {
    private long correct;
    private long total;
    private final Map<String, long[]> byModel = new TreeMap<>();

    public void record(String model, boolean isCorrect) {
        long[] counts = byModel.computeIfAbsent(model, m -> new long[2]);
        counts[1]++;
        total++;
        if (isCorrect) {
            counts[0]++;
            correct++;
        }
    }

    public long total() {
        return total;
    }

    public double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** e.g. {@code cifar10@2: 0.812 (1000)}, one entry a model version. */
    public Map<String, String> byModel() {
        Map<String, String> out = new TreeMap<>();
        byModel.forEach((model, c) -> out.put(model, String.format("%.3f (%d)", (double) c[0] / c[1], c[1])));
        return out;
    }
}
