package io.fovea.trainer;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.image.RgbImage;
import io.fovea.core.onnx.Int8Bundles;
import io.fovea.core.onnx.quant.CalibrationMethod;
import io.fovea.core.onnx.quant.QuantizationData;
import io.fovea.core.onnx.quant.WeightBits;
import io.fovea.trainer.data.TrainingData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The int8 model of a version being published: calibrated on its training images, gated on its
 * test set, written into the staged bundle before it is committed. A model that misses the gate,
 * or a run without a test set to gate on, is published without one, saying why: the training is
 * not lost for it, and {@code bin/fovea models quantize} can try again.
 */
final class Int8Step {
    static final int CALIBRATION_IMAGES = 512;

    private Int8Step() {}

    static BundleManifest apply(BundleManifest manifest, Path dir, TrainingData data, PrintWriter out) {
        String who = manifest.name() + "@" + manifest.version();
        if (data.test() == null) {
            out.printf(
                    "int8: not made, no test set to gate it on (bin/fovea models quantize %s --test-data PATH)%n", who);
            return manifest;
        }
        List<RgbImage> training = data.train().images();
        QuantizationData images = new QuantizationData(
                training.subList(0, Math.min(CALIBRATION_IMAGES, training.size())),
                data.test().images(),
                data.test().labels());
        try {
            byte[] fp32 = Files.readAllBytes(dir.resolve(ModelFormat.ONNX_FILE));
            Int8Bundles.Quantized quantized =
                    Int8Bundles.writeInto(dir, manifest, fp32, images, CalibrationMethod.MINMAX, WeightBits.DEFAULT);
            out.printf(
                    "int8: %s written; %s%n",
                    ModelFormat.ONNX_INT8_FILE, quantized.gate().verdict());
            return quantized.manifest();
        } catch (Int8Bundles.Refused refused) {
            out.printf("int8: %s; published without it%n", refused.getMessage());
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            out.flush();
        }
    }
}
