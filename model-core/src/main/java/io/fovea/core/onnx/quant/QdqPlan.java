package io.fovea.core.onnx.quant;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the QuantizeLinear/DequantizeLinear pairs go, decided on the graph alone: the inputs of
 * every constant-weight Conv, Gemm and MatMul (and their outputs where ONNX Runtime's fusion
 * wants them), both sides of Add over two activations, and the outputs of ops that only move
 * values (MaxPool, Flatten, Reshape, ...) at the parameters of their input, so ONNX Runtime runs
 * them on uint8. A ReLU after a quantized output is dropped: the output's range then starts at
 * 0 and its zero point 0 clamps as ReLU does. Everything else stays float, which is how an
 * unknown op in a foreign model is skipped.
 */
final class QdqPlan {
    static final Set<String> MOVERS = Set.of("MaxPool", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze");

    /** The nodes with the dropped ReLUs gone (their producers write the ReLU's output instead). */
    final List<OnnxMl.NodeProto> nodes;

    final GraphIndex graph;
    final Map<OnnxMl.NodeProto, WeightedOp> weighted = new LinkedHashMap<>();
    /** Each tensor to quantize, and the tensor whose calibrated range sets its parameters. */
    final Map<String, String> quantized = new LinkedHashMap<>();

    final int droppedRelus;

    private QdqPlan(List<OnnxMl.NodeProto> nodes, GraphIndex graph, int droppedRelus) {
        this.nodes = nodes;
        this.graph = graph;
        this.droppedRelus = droppedRelus;
    }

    static QdqPlan of(OnnxMl.GraphProto graph, boolean perChannel) {
        GraphIndex original = new GraphIndex(graph, graph.getNodeList());
        Map<String, String> renamed = new HashMap<>();
        Set<OnnxMl.NodeProto> dropped = new HashSet<>();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Relu") && node.getDomain().isEmpty()) {
                String x = node.getInput(0);
                Optional<OnnxMl.NodeProto> producer = original.producer(x);
                boolean foldable = producer.isPresent()
                        && original.consumers(x).size() == 1
                        && !original.isGraphOutput(x)
                        && !original.isGraphOutput(node.getOutput(0))
                        && quantizesOutput(producer.get(), original, perChannel);
                if (foldable) {
                    renamed.put(x, node.getOutput(0));
                    dropped.add(node);
                }
            }
        }
        List<OnnxMl.NodeProto> nodes = new ArrayList<>();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (dropped.contains(node)) {
                continue;
            }
            OnnxMl.NodeProto.Builder b = node.toBuilder();
            for (int i = 0; i < b.getOutputCount(); i++) {
                b.setOutput(i, renamed.getOrDefault(b.getOutput(i), b.getOutput(i)));
            }
            nodes.add(b.build());
        }
        QdqPlan plan = new QdqPlan(nodes, new GraphIndex(graph, nodes), dropped.size());
        plan.decide(perChannel, new HashSet<>(renamed.values()));
        return plan;
    }

    /** Conv and Add always quantize their output (so they fuse); a ReLU after Gemm or MatMul makes them too. */
    private static boolean quantizesOutput(OnnxMl.NodeProto producer, GraphIndex graph, boolean perChannel) {
        return WeightedOp.of(producer, graph, perChannel).isPresent() || isQuantizedAdd(producer, graph);
    }

    private static boolean isQuantizedAdd(OnnxMl.NodeProto node, GraphIndex graph) {
        return node.getOpType().equals("Add")
                && node.getDomain().isEmpty()
                && node.getInputCount() == 2
                && graph.isActivation(node.getInput(0))
                && graph.isActivation(node.getInput(1));
    }

    private void decide(boolean perChannel, Set<String> reluOutputs) {
        for (OnnxMl.NodeProto node : nodes) {
            Optional<WeightedOp> op = WeightedOp.of(node, graph, perChannel);
            if (op.isPresent()) {
                if (op.get().isConv() && graph.isGraphOutput(op.get().output())) {
                    continue; // a Conv fuses only with a Q after it
                }
                weighted.put(node, op.get());
                quantize(node.getInput(0));
                if (op.get().isConv() || reluOutputs.contains(op.get().output())) {
                    quantize(op.get().output());
                }
            } else if (isQuantizedAdd(node, graph) && !graph.isGraphOutput(node.getOutput(0))) {
                quantize(node.getInput(0));
                quantize(node.getInput(1));
                quantize(node.getOutput(0));
            }
        }
        // Gemm and MatMul outputs read only by quantized ops are quantized too: the next op wants them so
        for (WeightedOp op : weighted.values()) {
            List<OnnxMl.NodeProto> readers = graph.consumers(op.output());
            if (!readers.isEmpty() && readers.stream().allMatch(this::readsQuantized)) {
                quantize(op.output());
            }
        }
        // movers pass their input's parameters on, in graph order so chains of them follow
        for (OnnxMl.NodeProto node : nodes) {
            if (MOVERS.contains(node.getOpType())
                    && node.getDomain().isEmpty()
                    && quantized.containsKey(node.getInput(0))
                    && !graph.isGraphOutput(node.getOutput(0))) {
                quantized.put(node.getOutput(0), quantized.get(node.getInput(0)));
            }
        }
    }

    private boolean readsQuantized(OnnxMl.NodeProto reader) {
        return weighted.containsKey(reader) || isQuantizedAdd(reader, graph) || MOVERS.contains(reader.getOpType());
    }

    private void quantize(String tensor) {
        if (!graph.isGraphOutput(tensor)) {
            quantized.putIfAbsent(tensor, tensor);
        }
    }

    /** The tensors whose ranges calibration must measure for a graph: every candidate, before the plan knows which. */
    static Set<String> toCalibrate(OnnxMl.GraphProto graph) {
        GraphIndex index = new GraphIndex(graph, graph.getNodeList());
        Set<String> tensors = new LinkedHashSet<>();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (Set.of("Conv", "Gemm", "MatMul", "Add", "Relu").contains(node.getOpType())) {
                node.getInputList().stream().filter(index::isActivation).forEach(tensors::add);
                tensors.addAll(node.getOutputList());
            }
        }
        return tensors;
    }
}
