package io.fovea.core.bundle;

import java.util.List;
import java.util.Locale;

/**
 * One model a bundle holds, as a backend reads it: its format ({@value #DL4J}, {@value #ONNX}, ...),
 * its files among the bundle's model files, and how to feed it and read it: the preprocessed image
 * as {@code NCHW} (channels first, as Fovea's own models and PyTorch) or {@code NHWC} (channels
 * last, as Keras and TensorFlow), and an output that is already {@code probabilities} or
 * {@code logits} that serving turns into probabilities with a softmax.
 */
public record ModelFormat(String format, List<String> files, String input, String output) {
    public static final String DL4J = "dl4j";
    public static final String ONNX = "onnx";
    public static final String ONNX_FILE = "model.onnx";
    /** The same ONNX model quantized to int8 (QDQ), served under {@code model.precision=int8}. */
    public static final String ONNX_INT8 = "onnx-int8";

    public static final String ONNX_INT8_FILE = "model.int8.onnx";
    public static final String NCHW = "NCHW";
    public static final String NHWC = "NHWC";
    public static final String PROBABILITIES = "probabilities";
    public static final String LOGITS = "logits";

    public ModelFormat {
        if (format == null || format.isBlank()) {
            throw new IllegalArgumentException("a model needs a format, e.g. " + DL4J + " or " + ONNX);
        }
        format = format.trim().toLowerCase(Locale.ROOT);
        if (files == null || files.isEmpty()) {
            throw new IllegalArgumentException("a " + format + " model needs its files");
        }
        files = List.copyOf(files);
        files.forEach(PlainFileName::check);
        input = input == null ? NCHW : input.toUpperCase(Locale.ROOT);
        output = output == null ? PROBABILITIES : output.toLowerCase(Locale.ROOT);
        if (!input.equals(NCHW) && !input.equals(NHWC)) {
            throw new IllegalArgumentException("layout must be NCHW or NHWC, got " + input);
        }
        if (!output.equals(PROBABILITIES) && !output.equals(LOGITS)) {
            throw new IllegalArgumentException("output must be probabilities or logits, got " + output);
        }
    }

    /** Fovea's own DL4J model ({@link ModelFiles}): NCHW in, probabilities out. */
    public static ModelFormat dl4j() {
        return new ModelFormat(DL4J, ModelFiles.NAMES, NCHW, PROBABILITIES);
    }

    /** An ONNX model in one file ({@value #ONNX_FILE} when {@code file} is null or blank). */
    public static ModelFormat onnx(String file, String layout, String output) {
        return new ModelFormat(ONNX, List.of(file == null || file.isBlank() ? ONNX_FILE : file), layout, output);
    }

    /** What Fovea's exporter writes: NCHW in, probabilities out. */
    public static ModelFormat exportedOnnx() {
        return onnx(ONNX_FILE, NCHW, PROBABILITIES);
    }

    /** The int8 quantization of {@code onnx}: fed and read as it is. */
    public static ModelFormat int8Of(ModelFormat onnx) {
        return new ModelFormat(ONNX_INT8, List.of(ONNX_INT8_FILE), onnx.input(), onnx.output());
    }

    /** Its one file, for a format that keeps the model in one. */
    public String file() {
        if (files.size() != 1) {
            throw new IllegalStateException("a " + format + " model of " + files.size() + " files: " + files);
        }
        return files.get(0);
    }

    public boolean channelsLast() {
        return input.equals(NHWC);
    }

    public boolean logits() {
        return output.equals(LOGITS);
    }
}
