package io.fovea.trainer.fit;

import io.fovea.core.console.Progress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Runs the epochs of one phase with early stopping on validation loss: after {@code patience}
 * epochs without improvement it stops, and the model keeps the parameters of its best epoch.
 */
public final class EpochRunner {
    private final List<String> labels;
    private final int patience;

    public EpochRunner(List<String> labels, int patience) {
        this.labels = labels;
        this.patience = patience;
    }

    /**
     * @param train      a fresh pass over the training batches, shuffled
     * @param trainProbe batches to measure training accuracy on after each epoch (a fixed sample)
     * @param validation a pass over the validation batches
     * @param images     images per training epoch, for the progress bar
     */
    public List<EpochLog> run(
            String phase,
            ComputationGraph model,
            int epochs,
            long images,
            Supplier<Iterator<DataSet>> train,
            Supplier<Iterator<DataSet>> trainProbe,
            Supplier<Iterator<DataSet>> validation) {
        List<EpochLog> history = new ArrayList<>();
        INDArray best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        int sinceBest = 0;
        for (int epoch = 1; epoch <= epochs && sinceBest < patience; epoch++) {
            long start = System.nanoTime();
            double trainLoss = fit(model, train.get(), phase + " epoch " + epoch + "/" + epochs, images);
            double seconds = (System.nanoTime() - start) / 1e9;
            Scores val = Scores.of(model, validation.get(), labels);
            Scores probe = Scores.of(model, trainProbe.get(), labels);
            history.add(new EpochLog(
                    phase, epoch, trainLoss, probe.accuracy(), val.loss(), val.accuracy(), seconds, images / seconds));
            System.err.printf(
                    "%s epoch %d: train loss %.4f acc %.4f | validation loss %.4f acc %.4f | %.0f img/s%n",
                    phase, epoch, trainLoss, probe.accuracy(), val.loss(), val.accuracy(), images / seconds);
            if (val.loss() < bestLoss) {
                bestLoss = val.loss();
                best = model.params().dup();
                sinceBest = 0;
            } else {
                sinceBest++;
            }
        }
        if (best != null) {
            model.setParams(best);
        }
        return history;
    }

    /** One pass over {@code batches}, with a progress bar; returns the mean training loss of its batches. */
    private static double fit(ComputationGraph model, Iterator<DataSet> batches, String label, long images) {
        double lossSum = 0;
        int count = 0;
        try (ProgressBar bar = Progress.bar(label, images, "img")) {
            while (batches.hasNext()) {
                DataSet batch = batches.next();
                model.fit(batch);
                lossSum += model.score();
                count++;
                bar.stepBy(batch.numExamples());
                bar.setExtraMessage(String.format(" loss %.3f", lossSum / count));
            }
        }
        return lossSum / Math.max(count, 1);
    }
}
