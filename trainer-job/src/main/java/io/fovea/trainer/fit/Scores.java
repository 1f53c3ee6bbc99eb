package io.fovea.trainer.fit;

import java.util.Iterator;
import java.util.List;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Mean cross-entropy and the full DL4J {@link Evaluation} (accuracy, per-class precision and
 * recall, confusion matrix) of a model over some batches, in inference mode.
 */
public record Scores(double loss, Evaluation evaluation) {
    private static final double EPSILON = 1e-7;

    public double accuracy() {
        return evaluation.accuracy();
    }

    public static Scores of(ComputationGraph model, Iterator<DataSet> batches, List<String> labels) {
        return of(features -> model.outputSingle(false, features), batches, labels);
    }

    public static Scores of(UnaryOperator<INDArray> model, Iterator<DataSet> batches, List<String> labels) {
        Evaluation evaluation = new Evaluation(labels);
        double lossSum = 0;
        long count = 0;
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            INDArray probabilities = model.apply(batch.getFeatures());
            evaluation.eval(batch.getLabels(), probabilities);
            // cross-entropy of the true class: -log p[label]
            INDArray trueClass = probabilities.mul(batch.getLabels()).sum(1);
            for (int i = 0; i < trueClass.length(); i++) {
                lossSum -= Math.log(Math.max(trueClass.getDouble(i), EPSILON));
            }
            count += trueClass.length();
        }
        return new Scores(count == 0 ? Double.NaN : lossSum / count, evaluation);
    }
}
