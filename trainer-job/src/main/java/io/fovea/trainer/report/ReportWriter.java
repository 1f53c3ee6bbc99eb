package io.fovea.trainer.report;

import io.fovea.core.bundle.Json;
import io.fovea.trainer.fit.EpochLog;
import io.fovea.trainer.fit.Scores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * The report folder of a bundle: {@code metrics.json} (everything, machine-readable), the
 * confusion matrix and the learning curves as PNG, and a model card in Markdown.
 */
public final class ReportWriter {
    public static final String METRICS = "metrics.json";
    public static final String CONFUSION = "confusion_matrix.png";
    public static final String LOSS = "loss.png";
    public static final String ACCURACY = "accuracy.png";
    public static final String MODEL_CARD = "model_card.md";

    private ReportWriter() {}

    /** Headline numbers for the manifest and the ModelRelease event. */
    public static Map<String, Double> headline(Scores validation, Scores test) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("validation_accuracy", validation.accuracy());
        metrics.put("validation_loss", validation.loss());
        if (test != null) {
            metrics.put("test_accuracy", test.accuracy());
            metrics.put("test_loss", test.loss());
            metrics.put("test_macro_f1", test.evaluation().f1());
        }
        return metrics;
    }

    public static void write(
            Path dir, ModelCard card, List<EpochLog> history, Scores validation, Scores test, List<String> labels) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("headline", headline(validation, test));
        metrics.put("validation", details(validation, labels));
        if (test != null) {
            metrics.put("test", details(test, labels));
        }
        metrics.put("history", history);
        Json.write(dir.resolve(METRICS), metrics);
        if (!history.isEmpty()) {
            Charts.curves(
                    history, "Loss", "cross-entropy", EpochLog::trainLoss, EpochLog::validationLoss, dir.resolve(LOSS));
            Charts.curves(
                    history,
                    "Accuracy",
                    "accuracy",
                    EpochLog::trainAccuracy,
                    EpochLog::validationAccuracy,
                    dir.resolve(ACCURACY));
        }
        Scores forMatrix = test != null ? test : validation;
        Charts.confusionMatrix(forMatrix.evaluation(), labels, dir.resolve(CONFUSION));
        card.write(dir.resolve(MODEL_CARD), history, validation, test, labels);
    }

    static Map<String, Object> details(Scores scores, List<String> labels) {
        Evaluation e = scores.evaluation();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("images", e.getNumRowCounter());
        out.put("accuracy", e.accuracy());
        out.put("loss", scores.loss());
        out.put("macro_precision", e.precision());
        out.put("macro_recall", e.recall());
        out.put("macro_f1", e.f1());
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("label", labels.get(i));
            row.put("precision", e.precision(i));
            row.put("recall", e.recall(i));
            row.put("f1", e.f1(i));
            row.put("support", e.getConfusionMatrix().getActualTotal(i));
            perClass.add(row);
        }
        out.put("per_class", perClass);
        List<List<Integer>> matrix = new ArrayList<>();
        for (int actual = 0; actual < labels.size(); actual++) {
            List<Integer> row = new ArrayList<>();
            for (int predicted = 0; predicted < labels.size(); predicted++) {
                row.add(e.getConfusionMatrix().getCount(actual, predicted));
            }
            matrix.add(row);
        }
        out.put("confusion_matrix", matrix);
        return out;
    }
}
