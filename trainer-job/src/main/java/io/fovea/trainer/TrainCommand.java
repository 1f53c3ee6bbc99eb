package io.fovea.trainer;

import io.fovea.core.cli.InputSizeOption;
import io.fovea.core.cli.KafkaOption;
import io.fovea.core.cli.ModelNameOption;
import io.fovea.core.cli.StoreOption;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.trainer.data.TrainingData;
import io.fovea.trainer.data.TrainingDataLoader;
import io.fovea.trainer.fit.Recipe;
import io.fovea.trainer.fit.TrainSettings;
import io.fovea.trainer.fit.Trainer;
import io.fovea.trainer.model.Architecture;
import io.fovea.trainer.model.BackboneWeights;
import io.fovea.trainer.model.ModelDescription;
import io.fovea.trainer.model.ResNet9Architecture;
import io.fovea.trainer.model.Vgg16Architecture;
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

    @Option(
            names = "--arch",
            paramLabel = "resnet9-half|vgg16|vgg16-bn",
            description = "Network (default: vgg16 for pretrained weights, resnet9-half for --weights none).")
    String arch;

    @Option(
            names = "--phase",
            paramLabel = "head|finetune|both|full",
            description = "What to train (default: both; full for resnet9-half).")
    String phase;

    @Option(
            names = "--optimizer",
            paramLabel = "adam|sgd-one-cycle",
            description =
                    "Adam at --lr, or SGD with Nesterov momentum on a one-cycle schedule peaking at --lr (default: adam; sgd-one-cycle for resnet9-half).")
    String optimizer;

    @Option(
            names = "--augment",
            negatable = true,
            description =
                    "Random crop (4-pixel padding) and horizontal flip while training (default: off; on for resnet9-half).")
    Boolean augment;

    @Option(
            names = "--epochs",
            description = "Most epochs per phase; early stopping may end sooner (default: 10; 5 for resnet9-half).")
    Integer epochs;

    @Option(
            names = "--patience",
            defaultValue = "3",
            description =
                    "Stop a phase after this many epochs without a better validation loss (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--batch", description = "Minibatch size (default: 32; 128 for resnet9-half).")
    Integer batch;

    @Option(
            names = "--lr",
            description = "Adam's learning rate, or the one-cycle peak (default: 1e-3; 0.2 for resnet9-half).")
    Double lr;

    @Option(names = "--weight-decay", description = "L2 penalty on the weights (default: 0; 5e-4 for resnet9-half).")
    Double weightDecay;

    @Option(
            names = "--label-smoothing",
            description = "Share of each training label spread over all classes (default: 0; 0.1 for resnet9-half).")
    Double labelSmoothing;

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
        boolean fromScratch = BackboneWeights.NONE.equals(weights);
        String archId = arch != null
                ? arch
                : fromScratch ? ResNet9Architecture.ID : Recipe.transfer().architecture();
        if (!fromScratch && !archId.equals(Vgg16Architecture.Variant.VGG16.id())) {
            throw new IllegalArgumentException(archId + " has no pretrained weights; use it with --weights none");
        }
        // the defaults follow the network: the fast recipe is tuned for the ResNet
        Recipe recipe = archId.equals(ResNet9Architecture.ID) ? Recipe.fromScratch() : Recipe.transfer();
        TrainSettings.Phase trainPhase = phase != null ? parsePhase(phase) : recipe.phase();
        TrainSettings.Optimizer trainOptimizer =
                optimizer != null ? TrainSettings.Optimizer.of(optimizer) : recipe.optimizer();
        Trainer.requirePhaseFits(archId, trainPhase);
        if (trainPhase != TrainSettings.Phase.FULL && trainOptimizer != TrainSettings.Optimizer.ADAM) {
            throw new IllegalArgumentException(
                    "--optimizer " + trainOptimizer.id() + " trains the full phase only; head and finetune use Adam");
        }
        if (describe) {
            describe(out, archId, trainPhase);
            return 0;
        }
        if (data == null) {
            throw new IllegalArgumentException("--data is required to train (or pass --describe)");
        }
        if (publish && !kafka.given()) {
            throw new IllegalArgumentException("--publish needs --bootstrap HOST:PORT");
        }
        DirectoryModelStore.checkModelName(modelName.name());
        TrainSettings settings = settings(recipe, trainPhase, trainOptimizer);
        TrainingData trainingData =
                new TrainingDataLoader().load(data, testData, validationSplit, limit, testLimit, seed);
        Architecture architecture =
                Architecture.of(archId, input.side(), trainingData.labels().size(), seed);

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

    /** The flags given, the recipe's values for the rest. */
    private TrainSettings settings(
            Recipe recipe, TrainSettings.Phase trainPhase, TrainSettings.Optimizer trainOptimizer) {
        return new TrainSettings(
                trainPhase,
                epochs != null ? epochs : recipe.epochs(),
                batch != null ? batch : recipe.batchSize(),
                lr != null ? lr : recipe.learningRate(),
                fineTuneLr,
                patience,
                augment != null ? augment : recipe.augment(),
                seed,
                2000,
                trainOptimizer,
                weightDecay != null ? weightDecay : recipe.weightDecay(),
                labelSmoothing != null ? labelSmoothing : recipe.labelSmoothing());
    }

    private static TrainSettings.Phase parsePhase(String phase) {
        try {
            return TrainSettings.Phase.valueOf(phase.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--phase must be head, finetune, both or full, got '" + phase + "'");
        }
    }
}
