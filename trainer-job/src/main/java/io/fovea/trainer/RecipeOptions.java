package io.fovea.trainer;

import io.fovea.trainer.fit.Recipe;
import io.fovea.trainer.fit.TrainSettings;
import io.fovea.trainer.fit.Trainer;
import io.fovea.trainer.model.ResNet9Architecture;
import io.fovea.trainer.model.Vgg16Architecture;
import picocli.CommandLine.Option;

/**
 * The flags of {@code train} that choose the network and how it is trained; each one left out
 * takes the value of the recipe the network implies.
 */
final class RecipeOptions {
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

    /** The network, the recipe its defaults come from, and the phase and optimizer it trains with. */
    record Choice(String archId, Recipe recipe, TrainSettings.Phase phase, TrainSettings.Optimizer optimizer) {}

    /** Checks the flags fit together, before any data is read. */
    Choice choose(boolean fromScratch) {
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
        return new Choice(archId, recipe, trainPhase, trainOptimizer);
    }

    /** The flags given, the recipe's values for the rest. */
    TrainSettings settings(Choice choice, long seed) {
        Recipe recipe = choice.recipe();
        return new TrainSettings(
                choice.phase(),
                epochs != null ? epochs : recipe.epochs(),
                batch != null ? batch : recipe.batchSize(),
                lr != null ? lr : recipe.learningRate(),
                fineTuneLr,
                patience,
                augment != null ? augment : recipe.augment(),
                seed,
                2000,
                choice.optimizer(),
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
