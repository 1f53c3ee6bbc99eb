package io.fovea.trainer.fit;

/** One epoch of one phase, as it goes into the report and the curves. */
public record EpochLog(
        String phase,
        int epoch,
        double trainLoss,
        double trainAccuracy,
        double validationLoss,
        double validationAccuracy,
        double seconds,
        double imagesPerSecond) {}
