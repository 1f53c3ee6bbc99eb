package io.fovea.core.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an ONNX model, node by node, with the ONNX protobuf classes Tribuo ships: for Fovea's
 * exporter, and for tests that need a model Fovea's exporter did not write. A dimension of -1 is
 * the dynamic batch dimension, named {@code batch}.
 */
public final class OnnxGraph {
    /** The opset the nodes are written against: every operator used here is unchanged since. */
    public static final int OPSET = 13;

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();

    public OnnxGraph(String name) {
        graph.setName(name);
    }

    public OnnxGraph input(String name, long... dims) {
        graph.addInput(valueInfo(name, dims));
        return this;
    }

    public OnnxGraph output(String name, long... dims) {
        graph.addOutput(valueInfo(name, dims));
        return this;
    }

    /** A constant tensor (weights), stored little-endian as ONNX requires. */
    public OnnxGraph initializer(String name, float[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        OnnxMl.TensorProto.Builder tensor = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : dims) {
            tensor.addDims(d);
        }
        graph.addInitializer(tensor);
        return this;
    }

    /** A 64-bit integer constant tensor, e.g. the shape a Reshape takes. */
    public OnnxGraph initializer(String name, long[] values) {
        graph.addInitializer(OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
                .addDims(values.length)
                .addAllInt64Data(java.util.Arrays.stream(values).boxed().toList()));
        return this;
    }

    /** One operator; attributes as name, value pairs (int, long, float or long[]). */
    public OnnxGraph node(String op, String[] inputs, String output, Object... attributes) {
        OnnxMl.NodeProto.Builder node =
                OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
        for (String in : inputs) {
            node.addInput(in);
        }
        for (int i = 0; i < attributes.length; i += 2) {
            node.addAttribute(attribute((String) attributes[i], attributes[i + 1]));
        }
        graph.addNode(node);
        return this;
    }

    public byte[] toBytes() {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("fovea")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(OPSET))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    public void write(Path file) {
        try {
            Files.write(file, toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static OnnxMl.AttributeProto attribute(String name, Object value) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name);
        if (value instanceof Integer || value instanceof Long) {
            a.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(((Number) value).longValue());
        } else if (value instanceof Float || value instanceof Double) {
            a.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(((Number) value).floatValue());
        } else if (value instanceof long[] ints) {
            a.setType(OnnxMl.AttributeProto.AttributeType.INTS);
            for (long v : ints) {
                a.addInts(v);
            }
        } else {
            throw new IllegalArgumentException("attribute " + name + ": unsupported value " + value);
        }
        return a.build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(
                    d < 0
                            ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                            : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                                .setShape(shape)))
                .build();
    }
}
