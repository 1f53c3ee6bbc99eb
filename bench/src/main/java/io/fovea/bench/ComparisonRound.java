package io.fovea.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One round of {@code bench pipeline}: each contender's run, in the order they ran. */
record ComparisonRound(Map<Contender, ComparisonRound.Run> runs) {
    /**
     * One contender's run: its images per second, CPU seconds per image by thread group, the
     * broker's work per 1,000 images ({@link BrokerWork}; empty for the model alone), and the share
     * of its predictions that named their image's label (NaN for the model alone and unlabelled images),
     * and, for a pipeline, the model alone with serve's settings measured beside it: the mean of a
     * short measurement just before the run and one just after (NaN for the model alone's rows).
     */
    record Run(
            double imagesPerSecond,
            double modelBusy,
            double imagesPerPass,
            double commitsPerSecond,
            double askedPerSecond,
            Map<String, Double> cpuPerImage,
            Map<String, Double> brokerPerThousand,
            double top1,
            double besideAlone) {
        /** The same run, with the model alone measured just before and just after it (their mean). */
        Run beside(double modelAlone) {
            return new Run(
                    imagesPerSecond,
                    modelBusy,
                    imagesPerPass,
                    commitsPerSecond,
                    askedPerSecond,
                    cpuPerImage,
                    brokerPerThousand,
                    top1,
                    modelAlone);
        }
    }

    /** The model alone at {@code precision}, with serve's settings. */
    double modelAlone(String precision) {
        return of(Contender.Kind.MODEL_ALONE, precision).imagesPerSecond();
    }

    /** The fastest way this round ran the model alone at {@code precision}. */
    double bestAlone(String precision) {
        return runs.entrySet().stream()
                .filter(e -> !e.getKey().isPipeline() && e.getKey().precision.equals(precision))
                .mapToDouble(e -> e.getValue().imagesPerSecond())
                .max()
                .orElseThrow();
    }

    Run of(Contender.Kind kind, String precision) {
        return runs.get(Contender.find(List.copyOf(runs.keySet()), kind, precision));
    }

    /** Each run's throughput against the model alone, and serve's passes and commits, as the round's line. */
    String describe() {
        List<String> parts = new ArrayList<>();
        runs.forEach((c, run) -> parts.add(String.format(
                "%s %.1f (%.2f of the model alone%s%s)",
                c.label,
                run.imagesPerSecond(),
                run.imagesPerSecond() / modelAlone(c.precision),
                Double.isNaN(run.besideAlone())
                        ? ""
                        : String.format(
                                ", %.2f of the model alone beside it, %.1f",
                                run.imagesPerSecond() / run.besideAlone(), run.besideAlone()),
                Double.isNaN(run.modelBusy())
                        ? ""
                        : String.format(
                                "; forward passes in progress %.2f on average, of %.1f images on average; %.1f commits a"
                                        + " second, %.1f of them asked for ahead of Kafka Streams' interval",
                                run.modelBusy(), run.imagesPerPass(), run.commitsPerSecond(), run.askedPerSecond()))));
        return String.join("; ", parts);
    }
}
