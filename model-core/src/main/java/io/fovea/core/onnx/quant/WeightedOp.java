package io.fovea.core.onnx.quant;

import ai.onnx.proto.OnnxMl;
import java.util.Optional;

/**
 * A Conv, Gemm or MatMul whose weight is a constant: what ONNX Runtime fuses into QLinearConv,
 * QGemm and QLinearMatMul (or MatMulIntegerToFloat) once its inputs come from DequantizeLinear.
 *
 * @param axis the weight's output-channel axis (Conv: 0; Gemm: 0 when transB, else 1; MatMul: 1),
 *     -1 for one scale over the whole tensor
 * @param bias the bias initializer, or null
 */
record WeightedOp(OnnxMl.NodeProto node, OnnxMl.TensorProto weight, int axis, OnnxMl.TensorProto bias) {

    /** The node as one, if its op and its inputs allow it; {@code perChannel} false below opset 13. */
    static Optional<WeightedOp> of(OnnxMl.NodeProto node, GraphIndex graph, boolean perChannel) {
        if (!node.getDomain().isEmpty() || node.getInputCount() < 2 || !graph.isActivation(node.getInput(0))) {
            return Optional.empty();
        }
        Optional<OnnxMl.TensorProto> weight = graph.floatInitializer(node.getInput(1));
        if (weight.isEmpty()) {
            return Optional.empty();
        }
        long[] dims = Tensors.dims(weight.get());
        OnnxMl.TensorProto bias = null;
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
            bias = graph.floatInitializer(node.getInput(2)).orElse(null);
            if (bias == null) {
                return Optional.empty(); // a bias computed at run time cannot become int32
            }
        }
        int axis;
        switch (node.getOpType()) {
            case "Conv" -> {
                if (dims.length < 3 || !lengthIs(bias, dims[0])) {
                    return Optional.empty();
                }
                axis = 0;
            }
            case "Gemm" -> {
                boolean transB = GraphIndex.intAttribute(node, "transB", 0) == 1;
                if (dims.length != 2
                        || GraphIndex.intAttribute(node, "transA", 0) != 0
                        || GraphIndex.floatAttribute(node, "alpha", 1f) != 1f
                        || (bias != null && GraphIndex.floatAttribute(node, "beta", 1f) != 1f)
                        || !lengthIs(bias, dims[transB ? 0 : 1])) {
                    return Optional.empty();
                }
                axis = transB ? 0 : 1;
            }
            case "MatMul" -> {
                if (dims.length != 2 || bias != null) {
                    return Optional.empty();
                }
                axis = 1;
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(new WeightedOp(node, weight.get(), perChannel ? axis : -1, bias));
    }

    private static boolean lengthIs(OnnxMl.TensorProto bias, long channels) {
        return bias == null || (bias.getDimsCount() == 1 && bias.getDims(0) == channels);
    }

    boolean isConv() {
        return node.getOpType().equals("Conv");
    }

    String output() {
        return node.getOutput(0);
    }
}
