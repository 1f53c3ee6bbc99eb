package io.fovea.cli.models;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.dataset.Dataset;
import io.fovea.core.onnx.Int8Bundles;
import io.fovea.core.onnx.quant.AccuracyGate;
import io.fovea.core.onnx.quant.CalibrationMethod;
import io.fovea.core.onnx.quant.QuantizationData;
import io.fovea.core.onnx.quant.WeightBits;
import io.fovea.core.store.ModelRef;
import io.fovea.core.store.ModelStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "quantize",
        mixinStandardHelpOptions = true,
        description = {
            "Adds model.int8.onnx to a version (exported or imported): its ONNX model quantized to int8, served"
                    + " under model.precision=int8.",
            "Activation ranges are calibrated on training images only; the int8 model is kept only if, on the test"
                    + " set, its top-1 is within 1 point of the fp32 model's and it agrees with it on at least 98%%"
                    + " of images (agreement alone when the test set's classes are not the model's). Otherwise it"
                    + " is refused, saying by how much it missed (docs/quantization.md)."
        })
public final class QuantizeCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;

    @Parameters(paramLabel = "MODEL@VERSION")
    String spec;

    @Option(
            names = "--data",
            paramLabel = "PATH",
            description = {
                "Calibration images: a CIFAR-10 batch folder (its data_batch_*.bin only) or a folder of class"
                        + " sub-folders (default: $CIFAR10_HOME, else data/cifar-10-batches-bin or"
                        + " ../shared/datasets/cifar-10-batches-bin beside Fovea)."
            })
    Path data;

    @Option(
            names = "--test-data",
            paramLabel = "PATH",
            description = "The gate's test set (default: test_batch.bin in the --data folder).")
    Path testData;

    @Option(
            names = "--calibration-images",
            defaultValue = "512",
            description = "Training images the ranges are measured on (default: ${DEFAULT-VALUE}).")
    int calibrationImages;

    @Option(
            names = "--calibration",
            defaultValue = "minmax",
            paramLabel = "minmax|percentile",
            description = "How a range is taken from the values seen (default: ${DEFAULT-VALUE}).")
    String calibration;

    @Option(
            names = "--weight-bits",
            defaultValue = WeightBits.DEFAULT_BITS,
            paramLabel = "7|8",
            description = {
                "Weight width: 7 gives the same model on every x86-64 CPU (without VNNI, ONNX Runtime adds pairs of"
                        + " int8 products in 16 bits, which 8-bit weights can overflow); 8 is finer where every CPU"
                        + " serving it has VNNI, or is ARM (default: ${DEFAULT-VALUE}; docs/quantization.md)."
            })
    String weightBits;

    @Option(names = "--test-limit", paramLabel = "N", description = "Gate on the first N test images (default: all).")
    int testLimit = Integer.MAX_VALUE;

    @Override
    public Integer call() {
        PrintWriter out = models.out();
        ModelRef ref = ModelRef.parsePinned(spec);
        ModelStore store = models.store();
        int version = ref.version().getAsInt();
        BundleManifest manifest = store.manifest(ref.name(), version);
        WeightBits bits = WeightBits.parse(weightBits);
        Path train = data != null ? data : defaultData();
        Dataset test = QuantizationData.testImages(testData != null ? testData : train);
        QuantizationData images = QuantizationData.load(
                QuantizationData.trainingImages(train), test, manifest.labels(), calibrationImages, testLimit);
        out.printf(
                "Quantizing %s@%d (%d-bit weights): calibrating on %d training images (%s), gating on %d test images%s%n",
                ref.name(),
                version,
                bits.bits(),
                images.calibration().size(),
                calibration,
                images.test().size(),
                images.testLabels() == null ? " (not the model's classes: agreement only)" : "");
        out.flush();
        Int8Bundles.Quantized done;
        try {
            done = Int8Bundles.addTo(store, ref.name(), version, images, CalibrationMethod.parse(calibration), bits);
        } catch (Int8Bundles.Refused refused) {
            models.spec.commandLine().getErr().println(refused.getMessage());
            return 1;
        }
        AccuracyGate gate = done.gate();
        out.printf("Accepted: %s%n", gate.verdict());
        out.printf(
                "%d of its Conv/Gemm/MatMul have int8 weights; ONNX Runtime runs %d integer kernels (%s)%n",
                done.result().quantizedOps(),
                done.result().integerKernels(),
                integerOps(done.result().fusedOps()));
        out.printf(
                "Wrote %s; the manifest's SHA-256 now covers %s%n",
                store.uri(ref.name(), version).resolve(io.fovea.core.bundle.ModelFormat.ONNX_INT8_FILE),
                String.join(", ", done.manifest().modelFiles()));
        out.flush();
        return 0;
    }

    private static String integerOps(Map<String, Integer> ops) {
        List<String> parts = new ArrayList<>();
        ops.forEach((op, n) -> {
            if (op.startsWith("QLinear") || op.equals("QGemm") || op.startsWith("MatMulInteger")) {
                parts.add(op + " x" + n);
            }
        });
        return String.join(", ", parts);
    }

    private static Path defaultData() {
        String env = System.getenv("CIFAR10_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path home = Path.of(System.getProperty("fovea.home", "."));
        for (Path candidate : List.of(
                home.resolve("data/cifar-10-batches-bin"), home.resolve("../shared/datasets/cifar-10-batches-bin"))) {
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(
                "no calibration data: pass --data (a CIFAR-10 batch folder or a folder of class sub-folders)"
                        + " or set CIFAR10_HOME");
    }
}
