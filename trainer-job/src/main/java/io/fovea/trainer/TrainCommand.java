package io.fovea.trainer;

import io.fovea.core.cli.InputSizeOption;
import io.fovea.core.cli.KafkaOption;
import io.fovea.core.cli.ModelNameOption;
import io.fovea.core.cli.StoreOption;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.trainer.data.TrainingData;
import io.fovea.trainer.data.TrainingDataLoader;
import io.fovea.trainer.fit.TrainSettings;
import io.fovea.trainer.fit.Trainer;
import io.fovea.trainer.model.BackboneWeights;
import io.fovea.trainer.model.ModelDescription;
import io.fovea.trainer.model.Vgg16Architecture;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
            "Trains VGG16 transfer learning on labelled images and publishes a versioned bundle.",
            "Backbone: VGG16 without its top, frozen; head: Dense 512, Dropout 0.3, Dense 512, Dropout 0.3,",
            "softmax. Phases: head (on cached backbone features unless --augment), then finetune (block 5",
            "unfrozen at a lower rate); full trains every layer, the right choice with --weights none."
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

    @Option(
            names = "--arch",
            paramLabel = "vgg16|vgg16-bn",
            description = "Backbone variant (default: vgg16, or vgg16-bn with batch norm for --weights none).")
    String arch;

    @Option(
            names = "--phase",
            defaultValue = "both",
            paramLabel = "head|finetune|both|full",
            description = "What to train (default: ${DEFAULT-VALUE}).")
    String phase;

    @Option(names = "--augment", description = "Random crop (4-pixel padding) and horizontal flip while training.")
    boolean augment;

    @Option(
            names = "--epochs",
            defaultValue = "10",
            description = "Most epochs per phase; early stopping may end sooner (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--patience",
            defaultValue = "3",
            description =
                    "Stop a phase after this many epochs without a better validation loss (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--batch", defaultValue = "32", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--lr",
            defaultValue = "1e-3",
            description = "Adam learning rate for the head and full training (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--finetune-lr",
            defaultValue = "1e-4",
            description = "Adam learning rate while fine-tuning block 5 (default: ${DEFAULT-VALUE}).")
    double fineTuneLr;

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
        Vgg16Architecture.Variant variant = arch != null
                ? Vgg16Architecture.Variant.of(arch)
                : BackboneWeights.NONE.equals(weights)
                        ? Vgg16Architecture.Variant.VGG16_BN
                        : Vgg16Architecture.Variant.VGG16;
        if (variant == Vgg16Architecture.Variant.VGG16_BN && !BackboneWeights.NONE.equals(weights)) {
            throw new IllegalArgumentException("vgg16-bn has no pretrained weights; use it with --weights none");
        }
        TrainSettings.Phase trainPhase = parsePhase(phase);
        if (describe) {
            Vgg16Architecture architecture = new Vgg16Architecture(variant, input.side(), 10, seed);
            ComputationGraph model = new ComputationGraph(architecture.whole(lr));
            model.init();
            out.printf(
                    "%s at %dx%d, 10 classes; trainable = what the %s phase trains%n%n",
                    variant.id(), input.side(), input.side(), trainPhase == TrainSettings.Phase.BOTH ? "head" : phase);
            ModelDescription.print(
                    model,
                    InputType.convolutional(input.side(), input.side(), 3),
                    Trainer.trainableInFirstPhase(model, trainPhase),
                    out);
            return 0;
        }
        if (data == null) {
            throw new IllegalArgumentException("--data is required to train (or pass --describe)");
        }
        if (publish && !kafka.given()) {
            throw new IllegalArgumentException("--publish needs --bootstrap HOST:PORT");
        }
        DirectoryModelStore.checkModelName(modelName.name());
        TrainingData trainingData =
                new TrainingDataLoader().load(data, testData, validationSplit, limit, testLimit, seed);
        Vgg16Architecture architecture = new Vgg16Architecture(
                variant, input.side(), trainingData.labels().size(), seed);
        TrainSettings settings =
                new TrainSettings(trainPhase, epochs, batch, lr, fineTuneLr, patience, augment, seed, 2000);
        TrainingRun.Result result = new TrainingRun(out)
                .run(
                        new TrainingRun.Request(
                                modelName.name(),
                                architecture,
                                weights,
                                settings,
                                new DirectoryModelStore(store.path()),
                                publish ? kafka.connection() : null),
                        trainingData);
        out.printf(
                "%nPublished %s version %d in %s%n",
                modelName.name(), result.manifest().version(), result.bundleDir());
        result.manifest().metrics().forEach((k, v) -> out.printf("  %-20s %.4f%n", k, v));
        out.flush();
        return 0;
    }

    private static TrainSettings.Phase parsePhase(String phase) {
        try {
            return TrainSettings.Phase.valueOf(phase.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--phase must be head, finetune, both or full, got '" + phase + "'");
        }
    }
}
