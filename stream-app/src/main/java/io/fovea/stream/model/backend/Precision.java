package io.fovea.stream.model.backend;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;

/**
 * {@code model.precision}: {@code fp32} serves a version's own model, {@code int8} its
 * {@value ModelFormat#ONNX_INT8_FILE}, on ONNX Runtime whatever {@code model.backend} says (DL4J
 * runs no int8 model). A version without one is refused, never served in fp32 instead: the
 * operator asked for int8's speed and would not know they did not get it.
 */
record Precision(String name) {
    static final String KEY = "model.precision";
    static final String FP32 = "fp32";
    static final String INT8 = "int8";

    static Precision of(BackendSettings settings) {
        String value = settings.get(KEY, FP32);
        if (!value.equals(FP32) && !value.equals(INT8)) {
            throw new IllegalArgumentException(KEY + " must be fp32 or int8, got '" + value + "'");
        }
        return new Precision(value);
    }

    boolean int8() {
        return name.equals(INT8);
    }

    static IllegalStateException missingInt8(BundleManifest manifest) {
        String who = manifest.name() + "@" + manifest.version();
        return new IllegalStateException(who + " holds no int8 model (" + ModelFormat.ONNX_INT8_FILE
                + ") and model.precision is int8: add one with bin/fovea models quantize " + who
                + ", or serve with model.precision=fp32");
    }
}
