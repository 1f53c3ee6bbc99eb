package io.fovea.bench;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.onnx.OnnxExport;
import io.fovea.core.onnx.quant.CalibrationMethod;
import io.fovea.core.onnx.quant.Int8Quantizer;
import io.fovea.core.onnx.quant.ModelInput;
import io.fovea.core.onnx.quant.WeightBits;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.backend.BackendSettings;
import io.fovea.stream.model.backend.Backends;
import io.fovea.stream.model.backend.Dl4jModelRunner;
import io.fovea.stream.model.backend.OnnxModelRunner;
import io.fovea.stream.model.backend.OnnxRuntimeBackend;
import io.fovea.stream.model.backend.OnnxSessions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fp32 and int8 models the precision benchmarks compare: a stored version's, or the bench's own VGG16's. */
final class PrecisionModels {
    static final String FP32 = "fp32";
    static final String INT8 = "int8";

    private PrecisionModels() {}

    /** A stored version at each precision, opened as serve opens it (model.precision). */
    static ModelRunner stored(DirectoryModelStore store, String model, int version, String precision) {
        return Backends.preferring(OnnxRuntimeBackend.NAME, new BackendSettings(Map.of("model.precision", precision)))
                .open(store, model, version);
    }

    /** The bench's VGG16 (random weights) exported, and quantized with calibration on random images. */
    static Map<String, ModelRunner> benchVgg16(int side, List<String> precisions) {
        Map<String, ModelRunner> models = new LinkedHashMap<>();
        try (Dl4jModelRunner dl4j = (Dl4jModelRunner) BenchModel.runner(side, true)) {
            byte[] fp32 = OnnxExport.build(dl4j.graph(), side).toBytes();
            BundleManifest manifest =
                    dl4j.manifest().withModel(ModelFormat.exportedOnnx(), List.of(ModelFormat.ONNX_FILE), "");
            for (String precision : precisions) {
                if (precision.equals(FP32)) {
                    models.put(FP32, runner(manifest, ModelFormat.exportedOnnx(), fp32));
                } else if (precision.equals(INT8)) {
                    byte[] int8 = Int8Quantizer.quantize(
                                    fp32,
                                    ModelInput.of(manifest),
                                    BenchModel.images(256, side, 5),
                                    CalibrationMethod.MINMAX,
                                    WeightBits.DEFAULT)
                            .model();
                    models.put(INT8, runner(manifest, ModelFormat.int8Of(ModelFormat.exportedOnnx()), int8));
                } else {
                    throw new IllegalArgumentException("precision must be fp32 or int8, got '" + precision + "'");
                }
            }
        }
        return models;
    }

    private static ModelRunner runner(BundleManifest manifest, ModelFormat format, byte[] model) {
        return OnnxModelRunner.checked(
                new VerifiedBundle(manifest, Map.of(format.file(), model), "bench"), OnnxSessions.cpu(), format);
    }
}
