package io.fovea.core.onnx.quant;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads float initializers and writes the quantized ones, little-endian in {@code raw_data} as ONNX stores them. */
final class Tensors {
    private Tensors() {}

    static boolean isFloat(OnnxMl.TensorProto tensor) {
        return tensor.getDataType() == DataType.FLOAT.getNumber();
    }

    static long[] dims(OnnxMl.TensorProto tensor) {
        return tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    static float[] floats(OnnxMl.TensorProto tensor) {
        if (!isFloat(tensor)) {
            throw new IllegalArgumentException(tensor.getName() + " is not a float tensor");
        }
        if (!tensor.getRawData().isEmpty()) {
            ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[raw.remaining() / Float.BYTES];
            raw.asFloatBuffer().get(values);
            return values;
        }
        float[] values = new float[tensor.getFloatDataCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = tensor.getFloatData(i);
        }
        return values;
    }

    static OnnxMl.TensorProto int8(String name, byte[] values, long... dims) {
        return raw(name, DataType.INT8, values, dims);
    }

    static OnnxMl.TensorProto uint8(String name, int value) {
        return raw(name, DataType.UINT8, new byte[] {(byte) value});
    }

    static OnnxMl.TensorProto int32(String name, int[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(values);
        return raw(name, DataType.INT32, bytes.array(), dims);
    }

    static OnnxMl.TensorProto float32(String name, float[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return raw(name, DataType.FLOAT, bytes.array(), dims);
    }

    /** A scalar (no dimensions): what per-tensor scales and zero points are. */
    static OnnxMl.TensorProto scalar(String name, float value) {
        return float32(name, new float[] {value});
    }

    private static OnnxMl.TensorProto raw(String name, DataType type, byte[] bytes, long... dims) {
        OnnxMl.TensorProto.Builder tensor = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(bytes));
        for (long d : dims) {
            tensor.addDims(d);
        }
        return tensor.build();
    }
}
