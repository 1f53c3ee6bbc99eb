package io.fovea.core.onnx.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtSession;
import io.fovea.core.image.RandomImages;
import io.fovea.core.image.RgbImage;
import io.fovea.core.onnx.OnnxGraph;
import io.fovea.core.preprocess.Preprocessing;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class Int8QuantizerTest {
    private static final ModelInput FEED = new ModelInput(
            Preprocessing.fitted(SmallModels.SIDE, new double[] {128, 128, 128}, new double[] {64, 64, 64}),
            false,
            false);
    private static final List<RgbImage> CALIBRATION = RandomImages.of(96, SmallModels.SIDE, 1);
    private static final List<RgbImage> HELD_OUT = RandomImages.of(64, SmallModels.SIDE, 2);

    @ParameterizedTest
    @EnumSource(WeightBits.class)
    void aVggLikeModelBecomesQdqWithPerChannelWeightsThatOnnxRuntimeFuses(WeightBits bits) throws Exception {
        Int8Quantizer.Result result =
                Int8Quantizer.quantize(SmallModels.vggLike(7), FEED, CALIBRATION, CalibrationMethod.MINMAX, bits);
        OnnxMl.GraphProto graph = OnnxMl.ModelProto.parseFrom(result.model()).getGraph();
        List<String> ops =
                graph.getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();

        assertEquals(3, result.quantizedOps());
        assertFalse(ops.contains("BatchNormalization") || ops.contains("Relu"), ops.toString());
        assertTrue(ops.contains("QuantizeLinear") && ops.contains("DequantizeLinear"), ops.toString());
        // each Conv reads its input, weight and bias through DequantizeLinear, and its output goes to a QuantizeLinear
        for (OnnxMl.NodeProto conv : graph.getNodeList().stream()
                .filter(n -> n.getOpType().equals("Conv"))
                .toList()) {
            for (String in : conv.getInputList()) {
                assertEquals("DequantizeLinear", producerOf(graph, in).getOpType(), in);
            }
            assertEquals(
                    List.of("QuantizeLinear"),
                    consumersOf(graph, conv.getOutput(0)).stream()
                            .map(OnnxMl.NodeProto::getOpType)
                            .toList());
        }
        // the first Conv's weight: int8, one scale per output channel along axis 0, zero points 0
        OnnxMl.NodeProto weightDq = producerOf(
                graph,
                graph.getNodeList().stream()
                        .filter(n -> n.getOpType().equals("Conv"))
                        .findFirst()
                        .orElseThrow()
                        .getInput(1));
        assertEquals(0, GraphIndex.intAttribute(weightDq, "axis", -1));
        OnnxMl.TensorProto weight = initializer(graph, weightDq.getInput(0));
        OnnxMl.TensorProto scales = initializer(graph, weightDq.getInput(1));
        assertEquals(OnnxMl.TensorProto.DataType.INT8.getNumber(), weight.getDataType());
        assertEquals(List.of(8L), scales.getDimsList());
        float[] s = Tensors.floats(scales);
        assertNotEquals(s[0], s[1]);
        byte[] q = weight.getRawData().toByteArray();
        int perChannel = q.length / 8;
        for (int c = 0; c < 8; c++) {
            int maxAbs = 0;
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(q[i]));
            }
            // seven bits: 255 x 64 x 2 = 32,640, a pair of products within 16 bits on x86 without VNNI
            assertEquals(bits == WeightBits.SEVEN ? 64 : 127, maxAbs, "channel " + c + " uses its whole range");
        }

        // what ONNX Runtime runs: integer kernels, no float convolution or dense layer left
        Map<String, Integer> fused = result.fusedOps();
        assertEquals(2, fused.get("QLinearConv"), fused.toString());
        assertEquals(1, fused.get("QGemm"), fused.toString());
        assertFalse(
                fused.containsKey("Conv") || fused.containsKey("Gemm") || fused.containsKey("FusedConv"),
                fused.toString());
        assertEquals(3, result.integerKernels());
        String recorded = OnnxMl.ModelProto.parseFrom(result.model()).getMetadataPropsList().stream()
                .filter(p -> p.getKey().equals("fovea.quantization"))
                .findFirst()
                .orElseThrow()
                .getValue();
        assertTrue(recorded.contains("(" + bits.bits() + " bits)"), recorded);
    }

    @Test
    void aResidualAddIsFusedToo() {
        Int8Quantizer.Result result = Int8Quantizer.quantize(
                SmallModels.resnetLike(3), FEED, CALIBRATION, CalibrationMethod.PERCENTILE, WeightBits.EIGHT);
        Map<String, Integer> fused = result.fusedOps();
        assertEquals(3, fused.get("QLinearConv"), fused.toString());
        assertEquals(1, fused.get("QLinearAdd"), fused.toString());
        assertFalse(
                fused.containsKey("Conv") || fused.containsKey("Add") || fused.containsKey("FusedConv"),
                fused.toString());
    }

    @Test
    void theInt8ModelAnswersAsTheFp32OneDoes() {
        byte[] fp32 = SmallModels.vggLike(11);
        byte[] int8 = Int8Quantizer.quantize(fp32, FEED, CALIBRATION, CalibrationMethod.MINMAX, WeightBits.DEFAULT)
                .model();
        float[] a = outputs(fp32);
        float[] b = outputs(int8);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        assertTrue(worst < 0.05, "largest probability difference " + worst);
        AccuracyGate gate = AccuracyGate.measure(fp32, int8, FEED, HELD_OUT, null, SmallModels.CLASSES);
        assertTrue(gate.agreement() >= 0.9, gate.verdict());
        assertFalse(gate.labelled());
    }

    @Test
    void opsItCannotQuantizeStayFloat() {
        // a MatMul whose weight is computed at run time, and a Sigmoid: nothing the quantizer knows
        byte[] model = new OnnxGraph("unknown")
                .input("image", -1, 3, SmallModels.SIDE, SmallModels.SIDE)
                .node("Flatten", new String[] {"image"}, "flat", "axis", 1L)
                .node("Sigmoid", new String[] {"flat"}, "out")
                .output("out", -1, 3 * SmallModels.SIDE * SmallModels.SIDE)
                .toBytes();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Int8Quantizer.quantize(model, FEED, CALIBRATION, CalibrationMethod.MINMAX, WeightBits.EIGHT));
        assertTrue(e.getMessage().contains("nothing to quantize"), e.getMessage());
    }

    @Test
    void theGateSaysByHowMuchItMissed() {
        AccuracyGate missed = new AccuracyGate(1000, 0.90, 0.875, 0.95);
        assertFalse(missed.passes());
        assertTrue(missed.verdict().contains("top-1 missed by 1.50 points"), missed.verdict());
        assertTrue(missed.verdict().contains("agreement missed by 3.00 points"), missed.verdict());
        AccuracyGate met = new AccuracyGate(1000, 0.90, 0.893, 0.985);
        assertTrue(met.passes());
        assertFalse(met.verdict().contains("missed"), met.verdict());
        AccuracyGate unlabelled = new AccuracyGate(1000, null, null, 0.97);
        assertFalse(unlabelled.passes());
        assertEquals(
                Set.of("int8_agreement", "int8_gate_images"),
                unlabelled.metrics().keySet());
    }

    private static float[] outputs(byte[] model) {
        try (OrtModel session = OrtModel.open(model, OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
            String out = session.firstOutput();
            return session.run(HELD_OUT.subList(0, 32), FEED, Set.of(out)).get(out);
        }
    }

    private static OnnxMl.NodeProto producerOf(OnnxMl.GraphProto graph, String tensor) {
        return graph.getNodeList().stream()
                .filter(n -> n.getOutputList().contains(tensor))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing makes " + tensor));
    }

    private static List<OnnxMl.NodeProto> consumersOf(OnnxMl.GraphProto graph, String tensor) {
        return graph.getNodeList().stream()
                .filter(n -> n.getInputList().contains(tensor))
                .toList();
    }

    private static OnnxMl.TensorProto initializer(OnnxMl.GraphProto graph, String name) {
        return graph.getInitializerList().stream()
                .filter(t -> t.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no initializer " + name));
    }
}
