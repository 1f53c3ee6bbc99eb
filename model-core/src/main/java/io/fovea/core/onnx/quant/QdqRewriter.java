package io.fovea.core.onnx.quant;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the QDQ model a {@link QdqPlan} describes: a QuantizeLinear/DequantizeLinear pair after
 * each quantized tensor (uint8), the readers of the tensor reading the dequantized copy; each
 * constant weight as int8 with its scales behind a DequantizeLinear, its bias as int32 at the
 * input scale times the weight scale. Float weights nothing reads any more are left out.
 */
final class QdqRewriter {
    private final QdqPlan plan;
    private final Map<String, ActivationRange> ranges;
    private final WeightBits bits;
    private final List<OnnxMl.NodeProto> nodes = new ArrayList<>();
    private final List<OnnxMl.TensorProto> initializers = new ArrayList<>();
    private final Set<String> weightsDone = new HashSet<>();

    private QdqRewriter(QdqPlan plan, Map<String, ActivationRange> ranges, WeightBits bits) {
        this.plan = plan;
        this.ranges = ranges;
        this.bits = bits;
    }

    static OnnxMl.ModelProto rewrite(
            OnnxMl.ModelProto model, QdqPlan plan, Map<String, ActivationRange> ranges, WeightBits bits) {
        return new QdqRewriter(plan, ranges, bits).rewrite(model);
    }

    private OnnxMl.ModelProto rewrite(OnnxMl.ModelProto model) {
        for (String input : plan.graph.graphInputs()) {
            if (plan.quantized.containsKey(input)) {
                quantizeAfter(input);
            }
        }
        for (OnnxMl.NodeProto node : plan.nodes) {
            OnnxMl.NodeProto.Builder b = node.toBuilder();
            for (int i = 0; i < b.getInputCount(); i++) {
                if (plan.quantized.containsKey(b.getInput(i))) {
                    b.setInput(i, dequantized(b.getInput(i)));
                }
            }
            WeightedOp op = plan.weighted.get(node);
            if (op != null) {
                weights(op, b);
            }
            nodes.add(b.build());
            for (String output : node.getOutputList()) {
                if (plan.quantized.containsKey(output)) {
                    quantizeAfter(output);
                }
            }
        }
        OnnxMl.GraphProto.Builder graph =
                model.getGraph().toBuilder().clearNode().addAllNode(nodes);
        // shapes are inferred again by the runtime; entries for dropped ReLU inputs would be stale
        graph.clearValueInfo();
        Set<String> read = new HashSet<>();
        nodes.forEach(n -> read.addAll(n.getInputList()));
        List<OnnxMl.TensorProto> kept = new ArrayList<>();
        model.getGraph().getInitializerList().stream()
                .filter(t -> read.contains(t.getName()))
                .forEach(kept::add);
        kept.addAll(initializers);
        graph.clearInitializer().addAllInitializer(kept);
        return model.toBuilder().setGraph(graph).build();
    }

    private static String dequantized(String tensor) {
        return tensor + "_dequantized";
    }

    private void quantizeAfter(String tensor) {
        ActivationRange range = ranges.get(plan.quantized.get(tensor));
        if (range == null) {
            throw new IllegalStateException("calibration measured no range for " + plan.quantized.get(tensor));
        }
        String scale = tensor + "_scale";
        String zero = tensor + "_zero_point";
        initializers.add(Tensors.scalar(scale, range.scale()));
        initializers.add(Tensors.uint8(zero, range.zeroPoint()));
        nodes.add(node(
                "QuantizeLinear", tensor + "_quantize", new String[] {tensor, scale, zero}, tensor + "_quantized"));
        nodes.add(node(
                "DequantizeLinear",
                tensor + "_dequantize",
                new String[] {tensor + "_quantized", scale, zero},
                dequantized(tensor)));
    }

    private void weights(WeightedOp op, OnnxMl.NodeProto.Builder b) {
        OnnxMl.TensorProto w = op.weight();
        long[] dims = Tensors.dims(w);
        ChannelWeights q = ChannelWeights.of(Tensors.floats(w), dims, op.axis(), bits);
        String name = w.getName() + (op.axis() >= 0 ? "_axis" + op.axis() : "");
        if (weightsDone.add(name)) {
            int channels = q.scales().length;
            long[] channelDims = op.axis() >= 0 ? new long[] {channels} : new long[0];
            initializers.add(Tensors.int8(name + "_int8", q.values(), dims));
            initializers.add(Tensors.float32(name + "_scale", q.scales(), channelDims));
            initializers.add(Tensors.int8(name + "_zero_point", new byte[channels], channelDims));
            nodes.add(dequantize(name + "_int8", name, op.axis()));
        }
        b.setInput(1, name + "_dequantized");
        if (op.bias() != null) {
            float inputScale =
                    ranges.get(plan.quantized.get(op.node().getInput(0))).scale();
            float[] bias = Tensors.floats(op.bias());
            String biasName = op.output() + "_bias";
            initializers.add(Tensors.int32(biasName + "_int32", q.bias(bias, inputScale), bias.length));
            initializers.add(Tensors.float32(biasName + "_scale", q.biasScales(bias.length, inputScale), bias.length));
            initializers.add(Tensors.int32(biasName + "_zero_point", new int[bias.length], bias.length));
            nodes.add(dequantize(biasName + "_int32", biasName, 0));
            b.setInput(2, biasName + "_dequantized");
        }
    }

    private static OnnxMl.NodeProto dequantize(String quantized, String name, int axis) {
        OnnxMl.NodeProto.Builder dq = node(
                "DequantizeLinear",
                name + "_dequantize",
                new String[] {quantized, name + "_scale", name + "_zero_point"},
                name + "_dequantized")
                .toBuilder();
        if (axis >= 0) {
            dq.addAttribute(OnnxMl.AttributeProto.newBuilder()
                    .setName("axis")
                    .setType(OnnxMl.AttributeProto.AttributeType.INT)
                    .setI(axis));
        }
        return dq.build();
    }

    private static OnnxMl.NodeProto node(String op, String name, String[] inputs, String output) {
        OnnxMl.NodeProto.Builder node =
                OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            node.addInput(in);
        }
        return node.build();
    }
}
