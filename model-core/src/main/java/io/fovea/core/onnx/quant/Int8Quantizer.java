package io.fovea.core.onnx.quant;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import io.fovea.core.image.RgbImage;
import java.util.List;
import java.util.Map;

/**
 * Static int8 quantization of an ONNX model, in QDQ form: ONNX Runtime's basic optimizations
 * first (BatchNormalization folded into its Conv, so the folded weight is what gets quantized),
 * then activation ranges calibrated on the given images, then weights per channel (symmetric
 * int8, seven or eight bits of it: {@link WeightBits}) and activations (uint8) behind QuantizeLinear/DequantizeLinear pairs placed where ONNX
 * Runtime's CPU optimizer fuses them into integer kernels. Ops it does not know stay float.
 */
public final class Int8Quantizer {
    /** Per-channel DequantizeLinear (its {@code axis}) needs opset 13; QuantizeLinear itself 10. */
    static final int PER_CHANNEL_OPSET = 13;

    static final int QDQ_OPSET = 10;

    private Int8Quantizer() {}

    /**
     * @param fusedOps what ONNX Runtime runs for the quantized model, by op type (QLinearConv, QGemm, ...)
     * @param quantizedOps Conv, Gemm and MatMul nodes given int8 weights
     */
    public record Result(byte[] model, int quantizedOps, Map<String, Integer> fusedOps) {
        /** The integer kernels among {@link #fusedOps}. */
        public int integerKernels() {
            return fusedOps.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("QLinear")
                            || e.getKey().equals("QGemm")
                            || e.getKey().startsWith("MatMulInteger"))
                    .mapToInt(Map.Entry::getValue)
                    .sum();
        }
    }

    public static Result quantize(
            byte[] fp32, ModelInput feed, List<RgbImage> calibration, CalibrationMethod method, WeightBits bits) {
        if (calibration.isEmpty()) {
            throw new IllegalArgumentException("quantizing needs calibration images; none were given");
        }
        long opset = opset(parse(fp32));
        if (opset < QDQ_OPSET) {
            throw new IllegalArgumentException("the model is opset " + opset + "; QuantizeLinear needs " + QDQ_OPSET
                    + " or later: convert the model to a newer opset first");
        }
        OnnxMl.ModelProto prepared = OrtOptimized.basic(fp32);
        QdqPlan plan = QdqPlan.of(prepared.getGraph(), opset >= PER_CHANNEL_OPSET);
        if (plan.weighted.isEmpty()) {
            throw new IllegalArgumentException(
                    "nothing to quantize: the model has no Conv, Gemm or MatMul with constant weights");
        }
        Map<String, ActivationRange> ranges =
                Calibrator.ranges(prepared, QdqPlan.toCalibrate(prepared.getGraph()), calibration, feed, method);
        byte[] model = QdqRewriter.rewrite(prepared, plan, ranges, bits).toBuilder()
                .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey("fovea.quantization")
                        .setValue("static int8 QDQ: weights per channel symmetric int8 (" + bits.bits() + " bits),"
                                + " activations uint8, "
                                + method.name().toLowerCase(java.util.Locale.ROOT) + " calibration on "
                                + calibration.size() + " training images"))
                .build()
                .toByteArray();
        return new Result(model, plan.weighted.size(), OrtOptimized.opCounts(model));
    }

    static OnnxMl.ModelProto parse(byte[] model) {
        try {
            return OnnxMl.ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
    }

    /** The default domain's opset version. */
    static long opset(OnnxMl.ModelProto model) {
        return model.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(OnnxMl.OperatorSetIdProto::getVersion)
                .findFirst()
                .orElse(0);
    }
}
