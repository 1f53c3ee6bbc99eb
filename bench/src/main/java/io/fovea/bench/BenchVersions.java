package io.fovea.bench;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.dataset.ClassLabels;
import io.fovea.core.onnx.Int8Bundles;
import io.fovea.core.onnx.OnnxBundles;
import io.fovea.core.onnx.quant.AccuracyGate;
import io.fovea.core.onnx.quant.CalibrationMethod;
import io.fovea.core.onnx.quant.Int8Quantizer;
import io.fovea.core.onnx.quant.ModelInput;
import io.fovea.core.onnx.quant.WeightBits;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.StagedBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** Versions of the benchmark's model in a store, for the benchmarks and tests that serve them. */
final class BenchVersions {
    static final int CALIBRATION_IMAGES = 256;
    static final int GATE_IMAGES = 256;

    private BenchVersions() {}

    /** A new version of the benchmark's VGG16 (random weights), with its ONNX export. */
    static void publish(ModelStore store) {
        publish(store, false);
    }

    /** As {@link #publish(ModelStore)}, for inputs resized to {@code inputSize} x {@code inputSize}. */
    static void publish(ModelStore store, int inputSize) {
        publish(store, inputSize, false);
    }

    /**
     * A new version of the benchmark's VGG16 (random weights), with its ONNX export and, with
     * {@code int8}, {@value ModelFormat#ONNX_INT8_FILE} beside it, calibrated on random images.
     * The accuracy gate is measured (agreement only: random weights have no test set) but not
     * applied: a random-weight network's nearly uniform scores flip their top class under any
     * rounding, so its agreement says nothing of a trained model's, and the speed is what is benched.
     *
     * @return the gate's figures, null without int8
     */
    static AccuracyGate publish(ModelStore store, boolean int8) {
        return publish(store, 32, int8);
    }

    /** int8 is calibrated on 32x32 images: only at that size. */
    private static AccuracyGate publish(ModelStore store, int inputSize, boolean int8) {
        ComputationGraph graph =
                new ComputationGraph(BenchModel.architecture(inputSize).whole(1e-3));
        graph.init();
        try (StagedBundle staged = store.stage("bench")) {
            ModelFiles.write(graph, staged.dir());
            List<String> files = OnnxBundles.writeBeside(graph, inputSize, staged.dir());
            String sha256 = ModelFiles.sha256(staged.dir(), files);
            BundleManifest manifest = new BundleManifest(
                    "bench",
                    staged.version(),
                    Instant.now(),
                    "vgg16",
                    "none",
                    ClassLabels.CIFAR10,
                    Preprocessing.vggImagenetMean(inputSize),
                    files,
                    sha256,
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    "bench",
                    List.of(ModelFormat.dl4j(), ModelFormat.exportedOnnx()));
            AccuracyGate gate = null;
            if (int8) {
                gate = writeInt8(staged.dir(), manifest);
                List<String> all = new ArrayList<>(files);
                all.add(ModelFormat.ONNX_INT8_FILE);
                // its weight width, as models quantize records it: serve warns of 8-bit weights where pairs saturate
                manifest = manifest.withModel(
                                ModelFormat.int8Of(ModelFormat.exportedOnnx()),
                                List.copyOf(all),
                                ModelFiles.sha256(staged.dir(), all))
                        .withMetrics(Map.of(Int8Bundles.WEIGHT_BITS, (double) WeightBits.DEFAULT.bits()));
            }
            staged.commit(manifest);
            return gate;
        } finally {
            graph.close();
        }
    }

    /** Quantizes the folder's model.onnx into model.int8.onnx without the gate; returns what the gate would see. */
    private static AccuracyGate writeInt8(Path dir, BundleManifest manifest) {
        try {
            byte[] fp32 = Files.readAllBytes(dir.resolve(ModelFormat.ONNX_FILE));
            ModelInput feed = ModelInput.of(manifest);
            byte[] int8 = Int8Quantizer.quantize(
                            fp32,
                            feed,
                            BenchModel.images(CALIBRATION_IMAGES, 32, 5),
                            CalibrationMethod.MINMAX,
                            WeightBits.DEFAULT)
                    .model();
            Files.write(dir.resolve(ModelFormat.ONNX_INT8_FILE), int8);
            return AccuracyGate.measure(
                    fp32,
                    int8,
                    feed,
                    BenchModel.images(GATE_IMAGES, 32, 7),
                    null,
                    manifest.labels().size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flips bits in the middle of {@code file}: a version whose parameters no longer match its checksum. */
    static void corrupt(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 0x55;
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
