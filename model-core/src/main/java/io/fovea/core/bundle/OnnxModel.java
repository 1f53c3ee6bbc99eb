package io.fovea.core.bundle;

import java.util.Locale;

/**
 * The ONNX model a bundle holds, and how to feed it: the preprocessed image as {@code NCHW}
 * (channels first, as Fovea's own models and PyTorch) or {@code NHWC} (channels last, as Keras
 * and TensorFlow), and whether its output is already {@code probabilities} or {@code logits}
 * that serving turns into probabilities with a softmax.
 *
 * @param file the file in the bundle folder, one of the manifest's model files
 */
public record OnnxModel(String file, String layout, String output) {
    public static final String FILE = "model.onnx";
    public static final String NCHW = "NCHW";
    public static final String NHWC = "NHWC";
    public static final String PROBABILITIES = "probabilities";
    public static final String LOGITS = "logits";

    public OnnxModel {
        layout = layout == null ? NCHW : layout.toUpperCase(Locale.ROOT);
        output = output == null ? PROBABILITIES : output.toLowerCase(Locale.ROOT);
        if (!layout.equals(NCHW) && !layout.equals(NHWC)) {
            throw new IllegalArgumentException("layout must be NCHW or NHWC, got " + layout);
        }
        if (!output.equals(PROBABILITIES) && !output.equals(LOGITS)) {
            throw new IllegalArgumentException("output must be probabilities or logits, got " + output);
        }
        if (file == null || file.isBlank()) {
            file = FILE;
        }
        PlainFileName.check(file);
    }

    /** What Fovea's exporter writes: NCHW in, probabilities out. */
    public static OnnxModel exported() {
        return new OnnxModel(FILE, NCHW, PROBABILITIES);
    }

    public boolean channelsLast() {
        return layout.equals(NHWC);
    }

    public boolean logits() {
        return output.equals(LOGITS);
    }
}
