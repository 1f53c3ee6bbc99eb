package io.fovea.core.onnx.quant;

/**
 * How wide an int8 model's weights are (symmetric, per channel). ONNX Runtime multiplies uint8
 * activations by int8 weights; on x86-64 without VNNI (AVX2, AVX-512 without VNNI) it adds each
 * pair of products in 16 bits, which 255 × 127 × 2 overflows, so a model's int8 results there
 * can differ from what the gate measured on a VNNI machine. Seven bits keep every pair within
 * 255 × 64 × 2 = 32,640: every x86-64 CPU then computes what the gate measured.
 */
public enum WeightBits {
    /** ±64: the same results on every x86-64 CPU, at half of eight bits' resolution. */
    SEVEN(7, 64),
    /** ±127: twice the resolution, exact where the integer kernels add in 32 bits (VNNI, ARM). */
    EIGHT(8, 127);

    /** The default's width, as a command line's default value must be a constant. */
    public static final String DEFAULT_BITS = "7";

    /** What a model is quantized with unless told otherwise: the same model on every CPU serve may run on. */
    public static final WeightBits DEFAULT = parse(DEFAULT_BITS);

    private final int bits;
    private final int limit;

    WeightBits(int bits, int limit) {
        this.bits = bits;
        this.limit = limit;
    }

    public int bits() {
        return bits;
    }

    /** The largest magnitude a weight takes; -limit..limit keeps the range symmetric. */
    int limit() {
        return limit;
    }

    public static WeightBits parse(String value) {
        for (WeightBits w : values()) {
            if (String.valueOf(w.bits).equals(value.trim())) {
                return w;
            }
        }
        throw new IllegalArgumentException("weight bits must be 7 or 8, got '" + value + "'");
    }

    /** A manifest's {@code int8_weight_bits}; bundles quantized before it was recorded had eight. */
    public static WeightBits ofMetric(Double recorded) {
        return recorded != null && recorded.intValue() == 7 ? SEVEN : EIGHT;
    }
}
