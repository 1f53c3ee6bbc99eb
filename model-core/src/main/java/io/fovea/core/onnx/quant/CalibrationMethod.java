package io.fovea.core.onnx.quant;

import java.util.Locale;

/** How an activation's range is taken from the values it took on the calibration images ({@link Calibrator}). */
public enum CalibrationMethod {
    /** The extremes. */
    MINMAX,
    /** The extremes after cutting 0.01% of the values on each side. */
    PERCENTILE;

    public static CalibrationMethod parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("calibration must be minmax or percentile, got '" + name + "'");
        }
    }
}
