package io.fovea.trainer.fit;

import io.fovea.trainer.model.ResNet9Architecture;
import io.fovea.trainer.model.Vgg16Architecture;

/**
 * A training run's defaults, by where its weights start; every one can be overridden on the
 * command line.
 *
 * <p>From random weights (docs/training.md, "From scratch"): the half-width ResNet-9, every layer
 * trained for five epochs of SGD with Nesterov momentum on a one-cycle schedule peaking at 0.2,
 * batches of 128, L2 5e-4, label smoothing 0.1, random crops and flips. Five epochs so the run
 * stays within the hour on two noisy cores; one cycle over them because a schedule that ends
 * at a small rate converges in few epochs where a fixed Adam rate keeps wandering; label
 * smoothing and weight decay because so short a run overfits its first epochs otherwise.
 */
public record Recipe(
        String architecture,
        TrainSettings.Phase phase,
        TrainSettings.Optimizer optimizer,
        int epochs,
        int batchSize,
        double learningRate,
        boolean augment,
        double weightDecay,
        double labelSmoothing) {

    /** Pretrained backbone: the classic Keras recipe, Adam, head then block 5. */
    public static Recipe transfer() {
        return new Recipe(
                Vgg16Architecture.Variant.VGG16.id(),
                TrainSettings.Phase.BOTH,
                TrainSettings.Optimizer.ADAM,
                10,
                32,
                1e-3,
                false,
                0,
                0);
    }

    public static Recipe fromScratch() {
        return new Recipe(
                ResNet9Architecture.ID,
                TrainSettings.Phase.FULL,
                TrainSettings.Optimizer.SGD_ONE_CYCLE,
                5,
                128,
                0.2,
                true,
                5e-4,
                0.1);
    }
}
