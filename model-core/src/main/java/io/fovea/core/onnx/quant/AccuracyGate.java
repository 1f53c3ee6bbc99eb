package io.fovea.core.onnx.quant;

import ai.onnxruntime.OrtSession;
import io.fovea.core.image.RgbImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an int8 model must show before it joins a bundle: on the test images, top-1 within
 * {@value #MAX_TOP1_DROP} of the fp32 model's, and the same answer as the fp32 model on at least
 * {@value #MIN_AGREEMENT} of them. Without labels (a foreign model whose classes are not the
 * test set's) only agreement can be measured, and only agreement is required.
 *
 * @param fp32Top1 null without labels
 * @param int8Top1 null without labels
 */
public record AccuracyGate(int images, Double fp32Top1, Double int8Top1, double agreement) {
    /** The manifest's metric: int8's top-1 on the test set, when it is labelled. */
    public static final String INT8_TOP1 = "int8_test_accuracy";
    /** The manifest's metric: fp32's top-1 on the same images, by ONNX Runtime. */
    public static final String FP32_TOP1 = "int8_fp32_test_accuracy";
    /** The manifest's metric: the share of images int8 and fp32 give the same class. */
    public static final String AGREEMENT = "int8_agreement";
    /** The manifest's metric: how many test images the gate ran. */
    public static final String IMAGES = "int8_gate_images";

    public static final double MAX_TOP1_DROP = 0.01;
    public static final double MIN_AGREEMENT = 0.98;

    /** Runs both models over {@code images}; {@code labels} null when there are none for this model. */
    public static AccuracyGate measure(
            byte[] fp32, byte[] int8, ModelInput feed, List<RgbImage> images, int[] labels, int classes) {
        return of(predictions(fp32, feed, images, classes), predictions(int8, feed, images, classes), labels);
    }

    /** The gate's figures from each model's predicted class per image; {@code labels} null when there are none. */
    public static AccuracyGate of(int[] fp32, int[] int8, int[] labels) {
        if (fp32.length != int8.length || (labels != null && labels.length != fp32.length)) {
            throw new IllegalArgumentException("predictions and labels must be of the same images");
        }
        int same = 0;
        int rightA = 0;
        int rightB = 0;
        for (int i = 0; i < fp32.length; i++) {
            same += fp32[i] == int8[i] ? 1 : 0;
            if (labels != null) {
                rightA += fp32[i] == labels[i] ? 1 : 0;
                rightB += int8[i] == labels[i] ? 1 : 0;
            }
        }
        double n = fp32.length;
        return new AccuracyGate(
                fp32.length, labels == null ? null : rightA / n, labels == null ? null : rightB / n, same / n);
    }

    public boolean labelled() {
        return fp32Top1 != null;
    }

    public boolean passes() {
        return agreement >= MIN_AGREEMENT && (!labelled() || fp32Top1 - int8Top1 <= MAX_TOP1_DROP);
    }

    /** What was measured and, when it fails, by how much each requirement was missed. */
    public String verdict() {
        StringBuilder s = new StringBuilder();
        if (labelled()) {
            s.append(String.format(
                    "top-1 %.2f%% int8 against %.2f%% fp32 (%+.2f points)",
                    100 * int8Top1, 100 * fp32Top1, 100 * (int8Top1 - fp32Top1)));
        } else {
            s.append("no labels for this model's classes: agreement only");
        }
        s.append(String.format(", agreement %.2f%% on %d test images", 100 * agreement, images));
        if (labelled() && fp32Top1 - int8Top1 > MAX_TOP1_DROP) {
            s.append(String.format(
                    "; top-1 missed by %.2f points (at most %.0f allowed)",
                    100 * (fp32Top1 - int8Top1 - MAX_TOP1_DROP), 100 * MAX_TOP1_DROP));
        }
        if (agreement < MIN_AGREEMENT) {
            s.append(String.format(
                    "; agreement missed by %.2f points (at least %.0f%% needed)",
                    100 * (MIN_AGREEMENT - agreement), 100 * MIN_AGREEMENT));
        }
        return s.toString();
    }

    /** What the manifest records. */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (labelled()) {
            m.put(INT8_TOP1, int8Top1);
            m.put(FP32_TOP1, fp32Top1);
        }
        m.put(AGREEMENT, agreement);
        m.put(IMAGES, (double) images);
        return m;
    }

    private static int[] predictions(byte[] model, ModelInput feed, List<RgbImage> images, int classes) {
        int[] predicted = new int[images.size()];
        try (OrtModel session = OrtModel.open(model, OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
            String output = session.firstOutput();
            int batch = session.batch();
            for (int from = 0; from < images.size(); from += batch) {
                List<RgbImage> chunk = images.subList(from, Math.min(images.size(), from + batch));
                float[] scores = session.run(chunk, feed, Set.of(output)).get(output);
                for (int i = 0; i < chunk.size(); i++) {
                    int best = 0;
                    for (int k = 1; k < classes; k++) {
                        if (scores[i * classes + k] > scores[i * classes + best]) {
                            best = k;
                        }
                    }
                    predicted[from + i] = best;
                }
            }
        }
        return predicted;
    }
}
