package io.fovea.core.onnx.quant;

/**
 * The values a tensor took during calibration, widened to include 0 (which must be exact: zero
 * padding and ReLU's floor), and the uint8 scale and zero point that cover them.
 */
record ActivationRange(float min, float max) {
    ActivationRange {
        min = Math.min(min, 0f);
        max = Math.max(max, 0f);
    }

    float scale() {
        float span = max - min;
        return span > 0 ? span / 255f : 1f;
    }

    /** A range starting at 0 gets zero point 0: negative values clamp to 0, which is ReLU. */
    int zeroPoint() {
        return Math.max(0, Math.min(255, Math.round(-min / scale())));
    }
}
