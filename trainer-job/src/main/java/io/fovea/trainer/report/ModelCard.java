package io.fovea.trainer.report;

import io.fovea.trainer.fit.EpochLog;
import io.fovea.trainer.fit.Scores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.evaluation.classification.Evaluation;

/** A short model card: what the model is, what it was trained on, how well it does, where it fails. */
public record ModelCard(
        String name,
        int version,
        String architecture,
        String weights,
        int inputSize,
        String preprocessing,
        Map<String, Object> training,
        Map<String, Object> data,
        String codeVersion) {

    void write(Path file, List<EpochLog> history, Scores validation, Scores test, List<String> labels) {
        StringBuilder md = new StringBuilder();
        describe(md, labels);
        results(md, validation, test);
        epochs(md, history);
        perClass(md, (test != null ? test : validation).evaluation(), test != null ? "test" : "validation", labels);
        limits(md);
        try {
            Files.writeString(file, md.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The title and what the model is. */
    private void describe(StringBuilder md, List<String> labels) {
        md.append("# Model card: ")
                .append(name)
                .append(" version ")
                .append(version)
                .append("\n\n");
        md.append("| | |\n| --- | --- |\n");
        md.append("| architecture | ")
                .append(architecture)
                .append(" (backbone) + Dense 512, Dropout 0.3, Dense 512, Dropout 0.3, softmax |\n");
        md.append("| backbone weights | ").append(weights).append(" |\n");
        md.append("| input | ").append(inputSize).append("x").append(inputSize).append(" RGB |\n");
        md.append("| preprocessing | ").append(preprocessing).append(" |\n");
        md.append("| classes | ").append(String.join(", ", labels)).append(" |\n");
        md.append("| training | ").append(training).append(" |\n");
        md.append("| data | ").append(data).append(" |\n");
        md.append("| code | ").append(codeVersion).append(" |\n\n");
    }

    private static void results(StringBuilder md, Scores validation, Scores test) {
        md.append("## Results\n\n");
        md.append(String.format(
                "- validation: accuracy %.4f, loss %.4f (%d images)%n",
                validation.accuracy(),
                validation.loss(),
                validation.evaluation().getNumRowCounter()));
        if (test != null) {
            md.append(String.format(
                    "- test: accuracy %.4f, loss %.4f, macro F1 %.4f (%d images, never used for training or tuning)%n",
                    test.accuracy(),
                    test.loss(),
                    test.evaluation().f1(),
                    test.evaluation().getNumRowCounter()));
        } else {
            md.append("- test: no test set was given; the numbers above are validation only\n");
        }
    }

    private static void epochs(StringBuilder md, List<EpochLog> history) {
        md.append(
                "\n| phase | epoch | train loss | train acc | val loss | val acc | img/s |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        for (EpochLog e : history) {
            md.append(String.format(
                    "| %s | %d | %.4f | %.4f | %.4f | %.4f | %.0f |%n",
                    e.phase(),
                    e.epoch(),
                    e.trainLoss(),
                    e.trainAccuracy(),
                    e.validationLoss(),
                    e.validationAccuracy(),
                    e.imagesPerSecond()));
        }
    }

    /** Precision, recall and F1 of each class on {@code set}, then the figures' links. */
    private static void perClass(StringBuilder md, Evaluation worst, String set, List<String> labels) {
        md.append("\n## Per class (").append(set).append(")\n\n");
        md.append("| class | precision | recall | F1 |\n| --- | --- | --- | --- |\n");
        for (int i = 0; i < labels.size(); i++) {
            md.append(String.format(
                    "| %s | %.3f | %.3f | %.3f |%n", labels.get(i), worst.precision(i), worst.recall(i), worst.f1(i)));
        }
        md.append("\n![confusion matrix](")
                .append(ReportWriter.CONFUSION)
                .append(")\n![loss](")
                .append(ReportWriter.LOSS)
                .append(")\n![accuracy](")
                .append(ReportWriter.ACCURACY)
                .append(")\n\n");
    }

    private void limits(StringBuilder md) {
        md.append("## Limits\n\n- Trained on ")
                .append(inputSize)
                .append("x")
                .append(inputSize)
                .append(" images of the classes above only; anything else is forced into one of them.\n")
                .append("- A large gap between train and validation accuracy in the curves means overfitting: ")
                .append("augmentation (--augment) and fine-tuning are the usual cures.\n");
    }
}
