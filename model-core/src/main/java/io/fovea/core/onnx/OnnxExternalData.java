package io.fovea.core.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the tensors of an ONNX model whose data live in another file ({@code data_location =
 * EXTERNAL}): ONNX Runtime would open whatever path such a tensor names, so a model that does not
 * hold all its data could read files outside its bundle. Every graph is searched, subgraphs
 * (If, Loop, Scan) and functions included.
 */
public final class OnnxExternalData {
    private OnnxExternalData() {}

    /** Each external tensor, as "name (in LOCATION)"; empty for a self-contained model. */
    public static List<String> tensors(byte[] model) {
        OnnxMl.ModelProto proto;
        try {
            proto = OnnxMl.ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
        List<String> found = new ArrayList<>();
        graph(proto.getGraph(), found);
        for (OnnxMl.FunctionProto function : proto.getFunctionsList()) {
            nodes(function.getNodeList(), found);
        }
        return found;
    }

    private static void graph(OnnxMl.GraphProto graph, List<String> found) {
        graph.getInitializerList().forEach(t -> tensor(t, found));
        for (OnnxMl.SparseTensorProto sparse : graph.getSparseInitializerList()) {
            tensor(sparse.getValues(), found);
            tensor(sparse.getIndices(), found);
        }
        nodes(graph.getNodeList(), found);
    }

    private static void nodes(List<OnnxMl.NodeProto> nodes, List<String> found) {
        for (OnnxMl.NodeProto node : nodes) {
            for (OnnxMl.AttributeProto attribute : node.getAttributeList()) {
                if (attribute.hasT()) {
                    tensor(attribute.getT(), found);
                }
                attribute.getTensorsList().forEach(t -> tensor(t, found));
                if (attribute.hasSparseTensor()) {
                    tensor(attribute.getSparseTensor().getValues(), found);
                    tensor(attribute.getSparseTensor().getIndices(), found);
                }
                for (OnnxMl.SparseTensorProto sparse : attribute.getSparseTensorsList()) {
                    tensor(sparse.getValues(), found);
                    tensor(sparse.getIndices(), found);
                }
                if (attribute.hasG()) {
                    graph(attribute.getG(), found);
                }
                attribute.getGraphsList().forEach(g -> graph(g, found));
            }
        }
    }

    private static void tensor(OnnxMl.TensorProto tensor, List<String> found) {
        boolean external = tensor.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL
                || tensor.getExternalDataCount() > 0;
        if (external) {
            String location = tensor.getExternalDataList().stream()
                    .filter(e -> e.getKey().equals("location"))
                    .map(OnnxMl.StringStringEntryProto::getValue)
                    .findFirst()
                    .orElse("an unnamed file");
            found.add("'" + tensor.getName() + "' (in " + location + ")");
        }
    }
}
