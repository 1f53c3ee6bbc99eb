package io.fovea.core.onnx;

import io.fovea.core.runtime.ServingGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;

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
            String out = OnnxLayers.write(
                    onnx, name, layer, in, inputType, graph.getLayer(name).paramTable());
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
}
