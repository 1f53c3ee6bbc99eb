package io.fovea.core.onnx;

import io.fovea.core.runtime.ServingGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
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
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a DL4J graph of Fovea's kind (convolution, batch norm, activations, max pooling,
 * flatten, dense, softmax) as an ONNX model computing the same function at inference: input
 * {@value #INPUT} [batch, 3, S, S], output {@value #OUTPUT} [batch, classes]. Dropout is an
 * identity at inference and is left out. Anything else is refused by name rather than written
 * wrong.
 */
public final class OnnxExport {
    public static final String INPUT = "image";
    public static final String OUTPUT = "probabilities";

    private OnnxExport() {}

    public static void write(ComputationGraph graph, int inputSize, Path file) {
        build(graph, inputSize).write(file);
    }

    public static OnnxGraph build(ComputationGraph graph, int inputSize) {
        ComputationGraphConfiguration conf = ServingGraph.standard(graph.getConfiguration());
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("only graphs with one input and one output export to ONNX");
        }
        Map<String, InputType> shapes = conf.getLayerActivationTypes(InputType.convolutional(inputSize, inputSize, 3));
        String networkInput = conf.getNetworkInputs().get(0);
        String networkOutput = conf.getNetworkOutputs().get(0);
        int classes = Math.toIntExact(shapes.get(networkOutput).arrayElementsPerExample());
        OnnxGraph onnx =
                new OnnxGraph("fovea").input(INPUT, -1, 3, inputSize, inputSize).output(OUTPUT, -1, classes);
        Map<String, String> tensorOf = new java.util.HashMap<>(Map.of(networkInput, INPUT));
        for (int index : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[index].getVertexName();
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex == null) {
                continue; // the network input
            }
            List<String> inputs = conf.getVertexInputs().get(name);
            if (vertex instanceof ElementWiseVertex sum
                    && sum.getOp() == ElementWiseVertex.Op.Add
                    && inputs.size() == 2) { // a residual connection
                onnx.node("Add", new String[] {tensorOf.get(inputs.get(0)), tensorOf.get(inputs.get(1))}, name);
                tensorOf.put(name, name);
                continue;
            }
            if (vertex instanceof ScaleVertex scale && inputs.size() == 1) {
                onnx.initializer(name + "_factor", new float[] {(float) scale.getScaleFactor()});
                onnx.node("Mul", new String[] {tensorOf.get(inputs.get(0)), name + "_factor"}, name);
                tensorOf.put(name, name);
                continue;
            }
            if (!(vertex instanceof LayerVertex layerVertex)) {
                throw new IllegalArgumentException("cannot export vertex " + name + " ("
                        + vertex.getClass().getSimpleName() + ")");
            }
            if (inputs.size() != 1) {
                throw new IllegalArgumentException("cannot export " + name + ": it has " + inputs.size() + " inputs");
            }
            String in = tensorOf.get(inputs.get(0));
            in = preprocess(onnx, name, layerVertex.getPreProcessor(), in);
            Layer layer = layerVertex.getLayerConf().getLayer();
            InputType inputType = shapes.get(inputs.get(0));
            String out =
                    layer(onnx, name, layer, in, inputType, graph.getLayer(name).paramTable());
            tensorOf.put(name, out);
        }
        String last = tensorOf.get(networkOutput);
        onnx.node("Identity", new String[] {last}, OUTPUT);
        return onnx;
    }

    private static String preprocess(OnnxGraph onnx, String name, InputPreProcessor pre, String in) {
        if (pre == null) {
            return in;
        }
        if (pre instanceof CnnToFeedForwardPreProcessor) {
            // DL4J flattens NCHW activations in C order (channel, row, column): so does ONNX's Flatten.
            String out = name + "_flatten";
            onnx.node("Flatten", new String[] {in}, out, "axis", 1L);
            return out;
        }
        throw new IllegalArgumentException("cannot export the input preprocessor of " + name + " ("
                + pre.getClass().getSimpleName() + ")");
    }

    private static String layer(
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
