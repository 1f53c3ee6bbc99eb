package io.fovea.core.onnx.quant;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Who makes and who reads each tensor of a graph, its constant initializers, and its outputs. */
final class GraphIndex {
    private final Map<String, OnnxMl.TensorProto> initializers = new HashMap<>();
    private final Map<String, OnnxMl.NodeProto> producers = new HashMap<>();
    private final Map<String, List<OnnxMl.NodeProto>> consumers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<String> graphInputs = new HashSet<>();

    GraphIndex(OnnxMl.GraphProto graph, List<OnnxMl.NodeProto> nodes) {
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        graph.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
        graph.getInputList().stream()
                .map(OnnxMl.ValueInfoProto::getName)
                .filter(name -> !initializers.containsKey(name))
                .forEach(graphInputs::add);
        for (OnnxMl.NodeProto node : nodes) {
            node.getOutputList().forEach(o -> producers.put(o, node));
            for (String in : node.getInputList()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
                }
            }
        }
    }

    /** A constant float tensor, if {@code name} is one. */
    Optional<OnnxMl.TensorProto> floatInitializer(String name) {
        return Optional.ofNullable(initializers.get(name)).filter(Tensors::isFloat);
    }

    /** A tensor computed while the model runs (a graph input or a node's output), not a constant. */
    boolean isActivation(String name) {
        return !name.isEmpty()
                && !initializers.containsKey(name)
                && (graphInputs.contains(name) || producers.containsKey(name));
    }

    Optional<OnnxMl.NodeProto> producer(String tensor) {
        return Optional.ofNullable(producers.get(tensor));
    }

    List<OnnxMl.NodeProto> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    boolean isGraphOutput(String tensor) {
        return graphOutputs.contains(tensor);
    }

    Set<String> graphInputs() {
        return graphInputs;
    }

    static long intAttribute(OnnxMl.NodeProto node, String name, long otherwise) {
        return node.getAttributeList().stream()
                .filter(a -> a.getName().equals(name))
                .mapToLong(OnnxMl.AttributeProto::getI)
                .findFirst()
                .orElse(otherwise);
    }

    static float floatAttribute(OnnxMl.NodeProto node, String name, float otherwise) {
        return node.getAttributeList().stream()
                .filter(a -> a.getName().equals(name))
                .map(OnnxMl.AttributeProto::getF)
                .findFirst()
                .orElse(otherwise);
    }
}
