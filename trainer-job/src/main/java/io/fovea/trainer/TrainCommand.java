package io.fovea.trainer;

import io.fovea.core.cli.InputSizeOption;
import io.fovea.core.cli.KafkaOption;
import io.fovea.core.cli.ModelNameOption;
import io.fovea.core.cli.StoreOption;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.core.store.ModelStore;
import io.fovea.trainer.data.TrainingData;
import io.fovea.trainer.data.TrainingDataLoader;
import io.fovea.trainer.fit.TrainSettings;
import io.fovea.trainer.fit.Trainer;
import io.fovea.trainer.model.Architecture;
import io.fovea.trainer.model.BackboneWeights;
import io.fovea.trainer.model.ModelDescription;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.Adam;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Trains a classifier on labelled images and publishes a versioned bundle.",
            "Pretrained weights: VGG16 transfer learning. Backbone without its top, frozen; head: Dense 512,"
                    + " Dropout 0.3, Dense 512, Dropout 0.3, softmax. Phases: head (on cached backbone features unless"
                    + " --augment), then finetune (block 5 unfrozen at a lower rate).",
            "--weights none: the fast from-scratch recipe, a half-width ResNet-9 trained in full for 5 epochs"
                    + " of SGD with a one-cycle schedule (docs/training.md)."
        })
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--describe", description = "Print the layer table and parameter totals, then exit.")
    boolean describe;

    @Option(
            names = "--data",
            paramLabel = "PATH",
            description =
                    "CIFAR-10 batch folder (trains on data_batch_*.bin, tests on test_batch.bin) or a folder of class sub-folders.")
    Path data;

    @Option(
            names = "--test-data",
            paramLabel = "PATH",
            description =
                    "Held-out test set (default: test_batch.bin beside CIFAR-10 training batches; none for an image folder).")
    Path testData;

    @Mixin
    StoreOption store;

    @Mixin
    ModelNameOption modelName;

    @Mixin
    InputSizeOption input;

    @Option(
            names = "--weights",
            defaultValue = BackboneWeights.IMAGENET,
            paramLabel = "imagenet|none|FILE",
            description =
                    "Backbone weights: the zoo's ImageNet VGG16, random, or a DL4J zip / Keras .h5 (default: ${DEFAULT-VALUE}).")
    String weights;

    @Mixin
    RecipeOptions recipe;

    @Option(
            names = "--validation-split",
            defaultValue = "0.1",
            description = "Share of the training data held out for validation (default: ${DEFAULT-VALUE}).")
    double validationSplit;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Use N training images, drawn at random with the seed (default: all).")
    int limit = Integer.MAX_VALUE;

    @Option(
            names = "--test-limit",
            paramLabel = "N",
            description = "Evaluate on the first N test images (default: all).")
    int testLimit = Integer.MAX_VALUE;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed for the split, shuffling, augmentation and initialisation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--int8",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = {
                "Also quantize the exported model to int8 (model.int8.onnx), kept if it passes the accuracy gate on"
                        + " the test set (default: on; --no-int8 to skip; docs/quantization.md)."
            })
    boolean int8;

    @Option(names = "--publish", description = "Also send a ModelRelease (PUBLISHED) to fovea.model-releases.")
    boolean publish;

    /** For --publish. */
    @Mixin
    KafkaOption kafka;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RecipeOptions.Choice choice = recipe.choose(BackboneWeights.NONE.equals(weights));
        if (describe) {
            describe(out, choice.archId(), choice.phase());
            return 0;
        }
        if (data == null) {
            throw new IllegalArgumentException("--data is required to train (or pass --describe)");
        }
        if (publish && !kafka.given()) {
            throw new IllegalArgumentException("--publish needs --bootstrap HOST:PORT");
        }
        DirectoryModelStore.checkModelName(modelName.name());
        TrainSettings settings = recipe.settings(choice, seed);
        TrainingData trainingData =
                new TrainingDataLoader().load(data, testData, validationSplit, limit, testLimit, seed);
        Architecture architecture = Architecture.of(
                choice.archId(), input.side(), trainingData.labels().size(), seed);

        TrainingRun.Result result;
        try (ModelStore models = store.open(kafka)) {
            result = new TrainingRun(out)
                    .withInt8(int8)
                    .run(
                            new TrainingRun.Request(
                                    modelName.name(),
                                    architecture,
                                    weights,
                                    settings,
                                    models,
                                    publish ? kafka.connection() : null),
                            trainingData);
        }
        out.printf(
                "%nPublished %s version %d in %s%n",
                modelName.name(), result.manifest().version(), result.bundle());
        result.manifest().metrics().forEach((k, v) -> out.printf("  %-20s %.4f%n", k, v));
        out.flush();
        return 0;
    }

    /** The network's layers and what the phase trains, without training. */
    private void describe(PrintWriter out, String archId, TrainSettings.Phase trainPhase) {
        Architecture architecture = Architecture.of(archId, input.side(), 10, seed);
        ComputationGraph model = new ComputationGraph(architecture.whole(new Adam(1e-3), 0));
        model.init();
        out.printf(
                "%s at %dx%d, 10 classes; trainable = what the %s phase trains%n%n",
                archId,
                input.side(),
                input.side(),
                trainPhase == TrainSettings.Phase.BOTH
                        ? "head"
                        : trainPhase.name().toLowerCase());
        ModelDescription.print(
                model,
                InputType.convolutional(input.side(), input.side(), 3),
                Trainer.trainableInFirstPhase(model, trainPhase),
                out);
    }
}
