package io.fovea.bench;

import io.fovea.core.bundle.BundleManifest;
import java.io.PrintWriter;
import java.util.List;

/**
 * {@code bench pipeline}'s accuracy beside speed, on labelled images: the share of each pipeline's
 * predictions, read downstream, that named their image's label, against what the version's
 * manifest records for the model alone at the same precision on its test set. A pipeline that
 * fed the model differently from training (another preprocessing, a wrong channel order, int8
 * inputs scaled off) shows here as a difference, where speed alone would not show it.
 */
final class AccuracyTable {
    private AccuracyTable() {}

    static void print(
            PrintWriter out,
            List<Contender> contenders,
            List<ComparisonRound> rounds,
            BundleManifest manifest,
            BenchImages images) {
        out.println("| accuracy beside speed | img/s | top-1 of its predictions | the version's test top-1 (manifest)"
                + " | difference, points |");
        out.println("| --- | ---: | ---: | ---: | ---: |");
        for (Contender c : contenders) {
            double rate = ComparisonReport.median(rounds, r -> r.runs().get(c).imagesPerSecond());
            Double recorded = PrecisionBench.accuracy(manifest, c.precision);
            double top1 = c.isPipeline()
                    ? ComparisonReport.median(rounds, r -> r.runs().get(c).top1())
                    : Double.NaN;
            out.printf(
                    "| %s | %.1f | %s | %s | %s |%n",
                    c.label,
                    rate,
                    PrecisionBench.percent(Double.isNaN(top1) ? null : top1),
                    PrecisionBench.percent(recorded),
                    Double.isNaN(top1) || recorded == null ? "" : String.format("%+.2f", 100 * (top1 - recorded)));
        }
        out.printf(
                "%n(Top-1 of its predictions: of every prediction the pipeline wrote in the run (read_committed), the"
                        + " share that named its image's label, the median of the rounds (%d); the images were %s. %s)%n%n",
                rounds.size(),
                images.description(),
                manifest == null
                        ? "The bench's random-weight VGG16 records no accuracy."
                        : "The manifest's figures are the model alone's on its test set, measured when "
                                + manifest.name() + "@" + manifest.version() + " was made or quantized.");
        out.flush();
    }
}
