package io.fovea.testing;

import io.fovea.core.onnx.OnnxGraph;
import java.nio.file.Path;
import java.util.Random;

/**
 * ONNX models as another framework would hand them over, written node by node, not by Fovea's
 * exporter: one dense layer over the flattened image, in either layout, ending in logits or
 * probabilities, with a dynamic or a fixed batch dimension. The weights are kept so a test can
 * compute what the model must answer.
 */
public final class ForeignOnnxModels {
    private ForeignOnnxModels() {}

    /** @param weights [3 * side * side][classes], row-major, in the flattened order of the layout */
    public record Dense(Path file, int side, int classes, boolean channelsLast, float[] weights, float[] bias) {}

    /** @param fixedBatch the batch dimension, or 0 for a dynamic one */
    public static Dense dense(
            Path file, int side, int classes, boolean channelsLast, boolean logits, int fixedBatch, long seed) {
        int features = 3 * side * side;
        Random random = new Random(seed);
        float[] weights = new float[features * classes];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextGaussian() * 0.05);
        }
        float[] bias = new float[classes];
        for (int i = 0; i < classes; i++) {
            bias[i] = (float) random.nextGaussian();
        }
        long batch = fixedBatch > 0 ? fixedBatch : -1;
        long[] input = channelsLast ? new long[] {batch, side, side, 3} : new long[] {batch, 3, side, side};
        OnnxGraph graph = new OnnxGraph("foreign-dense")
                .input("image", input)
                .initializer("w", weights, features, classes)
                .initializer("b", bias, classes)
                .node("Flatten", new String[] {"image"}, "flat", "axis", 1L)
                .node("Gemm", new String[] {"flat", "w", "b"}, "logits");
        if (logits) {
            graph.output("logits", batch, classes);
        } else {
            graph.node("Softmax", new String[] {"logits"}, "probabilities", "axis", 1L)
                    .output("probabilities", batch, classes);
        }
        graph.write(file);
        return new Dense(file, side, classes, channelsLast, weights, bias);
    }

    /**
     * A large model, as far as its file goes: the flattened image (channels last) through a hidden
     * layer of {@code hidden} units with ReLU, then to {@code classes} logits. Its file holds about
     * {@code 4 * 3 * side * side * hidden} bytes of weights; what it answers is not kept.
     */
    public static void wide(Path file, int side, int classes, int hidden, long seed) {
        int features = 3 * side * side;
        Random random = new Random(seed);
        float[] first = new float[features * hidden];
        for (int i = 0; i < first.length; i++) {
            first[i] = (random.nextFloat() - 0.5f) * 0.02f;
        }
        float[] second = new float[hidden * classes];
        for (int i = 0; i < second.length; i++) {
            second[i] = (random.nextFloat() - 0.5f) * 0.2f;
        }
        new OnnxGraph("foreign-wide")
                .input("image", -1, side, side, 3)
                .initializer("w1", first, features, hidden)
                .initializer("b1", new float[hidden], hidden)
                .initializer("w2", second, hidden, classes)
                .initializer("b2", new float[classes], classes)
                .node("Flatten", new String[] {"image"}, "flat", "axis", 1L)
                .node("Gemm", new String[] {"flat", "w1", "b1"}, "hidden")
                .node("Relu", new String[] {"hidden"}, "active")
                .node("Gemm", new String[] {"active", "w2", "b2"}, "logits")
                .output("logits", -1, classes)
                .write(file);
    }

    /** What the model answers for one preprocessed image given channels first (CHW): probabilities. */
    public static double[] expected(Dense model, float[] chw) {
        int s = model.side();
        int plane = s * s;
        float[] features = chw;
        if (model.channelsLast()) {
            features = new float[chw.length];
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < plane; p++) {
                    features[p * 3 + c] = chw[c * plane + p];
                }
            }
        }
        double[] z = new double[model.classes()];
        for (int k = 0; k < model.classes(); k++) {
            double sum = model.bias()[k];
            for (int f = 0; f < features.length; f++) {
                sum += features[f] * model.weights()[f * model.classes() + k];
            }
            z[k] = sum;
        }
        double max = java.util.Arrays.stream(z).max().orElse(0);
        double total = 0;
        for (int k = 0; k < z.length; k++) {
            z[k] = Math.exp(z[k] - max);
            total += z[k];
        }
        for (int k = 0; k < z.length; k++) {
            z[k] /= total;
        }
        return z;
    }
}
