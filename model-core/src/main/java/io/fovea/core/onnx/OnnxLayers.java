package io.fovea.core.onnx;

import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;

/** How each DL4J layer {@link OnnxExport} supports is written as ONNX nodes and initializers; any other is refused by name. */
final class OnnxLayers {
    private OnnxLayers() {}

    /** Adds {@code layer}'s nodes reading tensor {@code in}; returns the tensor holding its output. */
    static String write(
            OnnxGraph onnx, String name, Layer layer, String in, InputType inputType, Map<String, INDArray> params) {
        if (layer instanceof ConvolutionLayer conv && layer.getClass() == ConvolutionLayer.class) {
            return activation(onnx, name, conv.getActivationFn(), convolution(onnx, name, conv, in, inputType, params));
        }
        if (layer instanceof SubsamplingLayer pool && layer.getClass() == SubsamplingLayer.class) {
            if (pool.getPoolingType() != org.deeplearning4j.nn.conf.layers.PoolingType.MAX) {
                throw new IllegalArgumentException("cannot export " + name + ": " + pool.getPoolingType() + " pooling");
            }
            long[] pads = pads(
                    pool.getConvolutionMode(), pool.getKernelSize(), pool.getStride(), pool.getPadding(), inputType);
            onnx.node(
                    "MaxPool",
                    new String[] {in},
                    name,
                    "kernel_shape",
                    longs(pool.getKernelSize()),
                    "strides",
                    longs(pool.getStride()),
                    "pads",
                    pads);
            return name;
        }
        if (layer instanceof GlobalPoolingLayer global) {
            if (global.getPoolingType() != org.deeplearning4j.nn.conf.layers.PoolingType.MAX
                    || !global.isCollapseDimensions()) {
                throw new IllegalArgumentException("cannot export " + name + ": global " + global.getPoolingType()
                        + " pooling" + (global.isCollapseDimensions() ? "" : " that keeps its dimensions")
                        + " (global max pooling that collapses them is supported)");
            }
            // DL4J's output is [batch, channels]; ONNX's is [batch, channels, 1, 1] until flattened
            onnx.node("GlobalMaxPool", new String[] {in}, name + "_pool");
            onnx.node("Flatten", new String[] {name + "_pool"}, name, "axis", 1L);
            return name;
        }
        if (layer instanceof BatchNormalization bn) {
            return batchNorm(onnx, name, bn, in, params);
        }
        if (layer instanceof ActivationLayer act) {
            return activation(onnx, name, act.getActivationFn(), in);
        }
        if (layer instanceof DropoutLayer) {
            return in; // an identity at inference
        }
        if (layer instanceof DenseLayer || layer instanceof OutputLayer) {
            INDArray w = params.get("W");
            INDArray b = params.get("b");
            onnx.initializer(name + "_W", floats(w), w.size(0), w.size(1));
            String[] inputs = b == null ? new String[] {in, name + "_W"} : new String[] {in, name + "_W", name + "_b"};
            if (b != null) {
                onnx.initializer(name + "_b", floats(b), b.length());
            }
            onnx.node("Gemm", inputs, name + "_linear");
            return activation(onnx, name, ((BaseLayer) layer).getActivationFn(), name + "_linear");
        }
        throw new IllegalArgumentException(
                "cannot export " + name + ": layer type " + layer.getClass().getSimpleName() + " is not supported");
    }

    private static String convolution(
            OnnxGraph onnx,
            String name,
            ConvolutionLayer conv,
            String in,
            InputType inputType,
            Map<String, INDArray> params) {
        if (conv.getDilation()[0] != 1 || conv.getDilation()[1] != 1) {
            throw new IllegalArgumentException("cannot export " + name + ": dilated convolution");
        }
        INDArray w = params.get("W"); // [out, in, kh, kw], as ONNX's Conv
        onnx.initializer(name + "_W", floats(w), w.shape());
        String[] inputs = new String[] {in, name + "_W"};
        INDArray b = params.get("b");
        if (b != null) {
            onnx.initializer(name + "_b", floats(b), b.length());
            inputs = new String[] {in, name + "_W", name + "_b"};
        }
        long[] pads =
                pads(conv.getConvolutionMode(), conv.getKernelSize(), conv.getStride(), conv.getPadding(), inputType);
        onnx.node(
                "Conv",
                inputs,
                name + "_conv",
                "kernel_shape",
                longs(conv.getKernelSize()),
                "strides",
                longs(conv.getStride()),
                "pads",
                pads);
        return name + "_conv";
    }

    /**
     * DL4J keeps either the running variance or, by default, log10 of the running standard
     * deviation sqrt(var + eps); ONNX's BatchNormalization takes the variance and adds eps itself.
     */
    private static String batchNorm(
            OnnxGraph onnx, String name, BatchNormalization bn, String in, Map<String, INDArray> params) {
        int n = Math.toIntExact(params.get("mean").length());
        float[] variance = new float[n];
        if (bn.isUseLogStd()) {
            float[] log10std = floats(params.get("log10stdev"));
            for (int i = 0; i < n; i++) {
                double std = Math.pow(10, log10std[i]);
                variance[i] = (float) Math.max(0, std * std - bn.getEps());
            }
        } else {
            variance = floats(params.get("var"));
        }
        float[] gamma = params.containsKey("gamma") ? floats(params.get("gamma")) : filled(n, (float) bn.getGamma());
        float[] beta = params.containsKey("beta") ? floats(params.get("beta")) : filled(n, (float) bn.getBeta());
        onnx.initializer(name + "_scale", gamma, n)
                .initializer(name + "_bias", beta, n)
                .initializer(name + "_mean", floats(params.get("mean")), n)
                .initializer(name + "_var", variance, n)
                .node(
                        "BatchNormalization",
                        new String[] {in, name + "_scale", name + "_bias", name + "_mean", name + "_var"},
                        name,
                        "epsilon",
                        (float) bn.getEps());
        return name;
    }

    private static String activation(OnnxGraph onnx, String name, IActivation fn, String in) {
        if (fn == null || fn instanceof ActivationIdentity) {
            return in;
        }
        String out = name + "_act";
        if (fn instanceof ActivationReLU) {
            onnx.node("Relu", new String[] {in}, out);
        } else if (fn instanceof ActivationSoftmax) {
            onnx.node("Softmax", new String[] {in}, out, "axis", 1L);
        } else if (fn instanceof ActivationSigmoid) {
            onnx.node("Sigmoid", new String[] {in}, out);
        } else if (fn instanceof ActivationTanH) {
            onnx.node("Tanh", new String[] {in}, out);
        } else {
            throw new IllegalArgumentException("cannot export " + name + ": activation " + fn);
        }
        return out;
    }

    /** [top, left, bottom, right] as DL4J pads: Same puts the odd pixel at the bottom and right. */
    private static long[] pads(ConvolutionMode mode, int[] kernel, int[] stride, int[] padding, InputType inputType) {
        if (mode != ConvolutionMode.Same) {
            return new long[] {padding[0], padding[1], padding[0], padding[1]};
        }
        InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) inputType;
        long[] size = {in.getHeight(), in.getWidth()};
        long[] before = new long[2];
        long[] after = new long[2];
        for (int d = 0; d < 2; d++) {
            long out = (size[d] + stride[d] - 1) / stride[d];
            long total = Math.max((out - 1) * stride[d] + kernel[d] - size[d], 0);
            before[d] = total / 2;
            after[d] = total - before[d];
        }
        return new long[] {before[0], before[1], after[0], after[1]};
    }

    private static long[] longs(int[] values) {
        return java.util.Arrays.stream(values).asLongStream().toArray();
    }

    private static float[] filled(int n, float value) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, value);
        return out;
    }

    private static float[] floats(INDArray array) {
        return array.dup('c').data().asFloat();
    }
}
