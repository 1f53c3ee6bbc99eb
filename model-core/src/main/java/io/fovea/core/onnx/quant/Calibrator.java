package io.fovea.core.onnx.quant;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtSession;
import io.fovea.core.image.RgbImage;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures the range of each tensor to quantize by running the fp32 model on calibration images
 * (training images, never the test set), the tensors made extra graph outputs. {@link
 * CalibrationMethod#MINMAX} takes the extremes; {@link CalibrationMethod#PERCENTILE} a second pass's histogram cut at
 * 0.01% on each side, so a rare outlier does not coarsen every other value's step.
 */
final class Calibrator {
    private static final int BINS = 2048;
    private static final double TAIL = 1e-4;

    private Calibrator() {}

    static Map<String, ActivationRange> ranges(
            OnnxMl.ModelProto model,
            Set<String> tensors,
            List<RgbImage> images,
            ModelInput feed,
            CalibrationMethod method) {
        OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
        Set<String> outputs = new LinkedHashSet<>(tensors);
        Set<String> existing = new java.util.HashSet<>();
        graph.getOutputList().forEach(o -> existing.add(o.getName()));
        for (String tensor : tensors) {
            if (!existing.contains(tensor)) {
                graph.addOutput(OnnxMl.ValueInfoProto.newBuilder()
                        .setName(tensor)
                        .setType(OnnxMl.TypeProto.newBuilder()
                                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()))));
            }
        }
        byte[] augmented = model.toBuilder().setGraph(graph).build().toByteArray();
        try (OrtModel session = OrtModel.open(augmented, OrtSession.SessionOptions.OptLevel.NO_OPT)) {
            Map<String, float[]> extremes = new HashMap<>();
            forEachBatch(session, images, feed, outputs, (name, values) -> {
                float[] mm = extremes.computeIfAbsent(name, k -> new float[] {Float.MAX_VALUE, -Float.MAX_VALUE});
                for (float v : values) {
                    mm[0] = Math.min(mm[0], v);
                    mm[1] = Math.max(mm[1], v);
                }
            });
            if (method == CalibrationMethod.MINMAX) {
                Map<String, ActivationRange> ranges = new HashMap<>();
                extremes.forEach((name, mm) -> ranges.put(name, new ActivationRange(mm[0], mm[1])));
                return ranges;
            }
            Map<String, long[]> histograms = new HashMap<>();
            forEachBatch(session, images, feed, outputs, (name, values) -> {
                float[] mm = extremes.get(name);
                long[] h = histograms.computeIfAbsent(name, k -> new long[BINS]);
                double width = Math.max(mm[1] - mm[0], Float.MIN_NORMAL) / BINS;
                for (float v : values) {
                    h[(int) Math.min(BINS - 1, Math.max(0, (v - mm[0]) / width))]++;
                }
            });
            Map<String, ActivationRange> ranges = new HashMap<>();
            extremes.forEach((name, mm) -> ranges.put(name, cut(histograms.get(name), mm[0], mm[1])));
            return ranges;
        }
    }

    private static ActivationRange cut(long[] histogram, float min, float max) {
        long total = 0;
        for (long count : histogram) {
            total += count;
        }
        long tail = (long) (total * TAIL);
        double width = (max - min) / BINS;
        int low = 0;
        for (long seen = histogram[0]; seen <= tail && low < BINS - 1; seen += histogram[++low]) {}
        int high = BINS - 1;
        for (long seen = histogram[high]; seen <= tail && high > 0; seen += histogram[--high]) {}
        float lower = low == 0 ? min : (float) (min + low * width);
        float upper = high == BINS - 1 ? max : (float) (min + (high + 1) * width);
        return new ActivationRange(lower, upper);
    }

    private interface Sink {
        void accept(String tensor, float[] values);
    }

    private static void forEachBatch(
            OrtModel session, List<RgbImage> images, ModelInput feed, Set<String> outputs, Sink sink) {
        int batch = session.batch();
        for (int from = 0; from < images.size(); from += batch) {
            List<RgbImage> chunk = images.subList(from, Math.min(images.size(), from + batch));
            Map<String, float[]> values = session.run(chunk, feed, outputs);
            values.forEach((name, flat) -> {
                // a short last batch is padded: its padding's share of each tensor is left out
                int real = (int) ((long) flat.length * chunk.size() / batch);
                sink.accept(name, real == flat.length ? flat : java.util.Arrays.copyOf(flat, real));
            });
        }
    }
}
