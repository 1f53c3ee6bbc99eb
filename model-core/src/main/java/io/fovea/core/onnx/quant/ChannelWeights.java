package io.fovea.core.onnx.quant;

/**
 * A weight tensor quantized symmetrically to int8, one scale per channel along {@code axis}
 * (a single scale when {@code axis} is -1): {@code w ≈ scale[c] * q} with {@code |q| <=}
 * {@link WeightBits}' limit, zero points all 0, as ONNX Runtime's integer kernels want signed
 * weights.
 */
record ChannelWeights(byte[] values, float[] scales, int axis) {
    static ChannelWeights of(float[] weights, long[] dims, int axis, WeightBits bits) {
        int limit = bits.limit();
        int channels = axis < 0 ? 1 : Math.toIntExact(dims[axis]);
        long inner = 1;
        for (int d = axis + 1; d < dims.length && axis >= 0; d++) {
            inner *= dims[d];
        }
        float[] maxAbs = new float[channels];
        for (int i = 0; i < weights.length; i++) {
            int c = channelOf(i, inner, channels, axis);
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(weights[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            // an all-zero channel quantizes to zeros whatever its scale: 1 keeps the scale valid
            scales[c] = maxAbs[c] > 0 ? maxAbs[c] / limit : 1f;
        }
        byte[] values = new byte[weights.length];
        for (int i = 0; i < weights.length; i++) {
            int c = channelOf(i, inner, channels, axis);
            values[i] = (byte) Math.max(-limit, Math.min(limit, Math.round(weights[i] / scales[c])));
        }
        return new ChannelWeights(values, scales, axis);
    }

    /** The bias of the same node as int32 at scale {@code inputScale * scale[c]}, as QLinearConv and QGemm take it. */
    int[] bias(float[] bias, float inputScale) {
        int[] q = new int[bias.length];
        for (int c = 0; c < bias.length; c++) {
            double scale = (double) inputScale * scales[scales.length == 1 ? 0 : c];
            q[c] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, Math.round(bias[c] / scale)));
        }
        return q;
    }

    float[] biasScales(int channels, float inputScale) {
        float[] s = new float[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = inputScale * scales[scales.length == 1 ? 0 : c];
        }
        return s;
    }

    private static int channelOf(int index, long inner, int channels, int axis) {
        return axis < 0 ? 0 : (int) ((index / inner) % channels);
    }
}
