package io.fovea.cli.models;

import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.stream.model.backend.OnnxImport;
import io.fovea.stream.model.backend.OnnxSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Makes a new version of NAME from an ONNX model trained elsewhere (PyTorch, Keras, ...).",
            "It is checked first (one image input of the declared shape, one output with a value per label,"
                    + " a probe batch of finite values), then promoted, rolled back and hot-swapped like any version.",
            "It is served by ONNX Runtime."
        })
public final class ImportCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;

    @Parameters(paramLabel = "NAME", description = "The model it becomes a version of.")
    String name;

    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "The ONNX model.")
    Path onnx;

    @Option(
            names = "--labels",
            required = true,
            paramLabel = "A,B,...|FILE",
            description = "Class names in output order: a comma-separated list, or a file with one per line.")
    String labels;

    @Option(names = "--input-size", required = true, paramLabel = "S", description = "The model's input is SxS RGB.")
    int inputSize;

    @Option(
            names = "--layout",
            defaultValue = "NCHW",
            paramLabel = "NCHW|NHWC",
            description = "Channels first (PyTorch) or last (Keras, TensorFlow) (default: ${DEFAULT-VALUE}).")
    String layout;

    @Option(
            names = "--normalize",
            required = true,
            paramLabel = "HOW",
            description = {
                "What the model expects of a 0..255 pixel: none (0..255), unit (x/255), imagenet"
                        + " (torchvision: (x/255 - mean) / std), vgg (Caffe VGG mean subtracted), or"
                        + " mean=R,G,B:std=R,G,B on the 0..255 scale."
            })
    String normalize;

    @Option(
            names = "--output",
            defaultValue = "probabilities",
            paramLabel = "probabilities|logits",
            description = "What the output holds; logits get a softmax (default: ${DEFAULT-VALUE}).")
    String output;

    @Override
    public Integer call() {
        int version = OnnxImport.importModel(
                models.store(),
                name,
                onnx,
                labels(),
                preprocessing(inputSize, normalize),
                ModelFormat.onnx(ModelFormat.ONNX_FILE, layout, output),
                OnnxSessions.cpu(),
                "fovea import");
        models.out()
                .printf(
                        "Imported %s as %s@%d (checked: signature and a probe batch); promote it with"
                                + " bin/fovea models promote %s@%d%n",
                        onnx, name, version, name, version);
        models.out().flush();
        return 0;
    }

    private List<String> labels() {
        Path file = Path.of(labels);
        if (Files.isRegularFile(file)) {
            try {
                return Files.readAllLines(file).stream()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty())
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read labels from " + file, e);
            }
        }
        return Arrays.stream(labels.split(",")).map(String::strip).toList();
    }

    /** The presets, or explicit mean and std, as Fovea's preprocessing on the 0..255 scale. */
    static Preprocessing preprocessing(int size, String how) {
        String h = how.strip().toLowerCase(Locale.ROOT);
        return switch (h) {
            case "none" -> new Preprocessing(size, Preprocessing.BILINEAR, "none", new double[3], ones(1));
            case "unit" -> new Preprocessing(size, Preprocessing.BILINEAR, "unit", new double[3], ones(255));
            case "imagenet" ->
                new Preprocessing(
                        size,
                        Preprocessing.BILINEAR,
                        "imagenet",
                        new double[] {0.485 * 255, 0.456 * 255, 0.406 * 255},
                        new double[] {0.229 * 255, 0.224 * 255, 0.225 * 255});
            case "vgg" -> Preprocessing.vggImagenetMean(size);
            default -> explicit(size, h);
        };
    }

    private static Preprocessing explicit(int size, String how) {
        double[] mean = null;
        double[] std = null;
        for (String part : how.split(":")) {
            String[] kv = part.split("=", 2);
            if (kv.length == 2 && kv[0].strip().equals("mean")) {
                mean = numbers(kv[1]);
            } else if (kv.length == 2 && kv[0].strip().equals("std")) {
                std = numbers(kv[1]);
            }
        }
        if (mean == null || std == null) {
            throw new IllegalArgumentException(
                    "--normalize must be none, unit, imagenet, vgg or mean=R,G,B:std=R,G,B;" + " got '" + how + "'");
        }
        return new Preprocessing(size, Preprocessing.BILINEAR, "custom", mean, std);
    }

    private static double[] numbers(String csv) {
        return Arrays.stream(csv.split(","))
                .mapToDouble(s -> Double.parseDouble(s.strip()))
                .toArray();
    }

    private static double[] ones(double value) {
        return new double[] {value, value, value};
    }
}
