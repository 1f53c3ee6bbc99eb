package io.fovea.trainer.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.learning.config.IUpdater;

/** A network the trainer can build: its name in bundles, its input side, and the whole graph. */
public interface Architecture {
    /** The name a bundle's manifest records, and {@code --arch} takes. */
    String id();

    int inputSize();

    /** The whole network, to train with {@code updater} and L2 weight decay on its weights. */
    ComputationGraphConfiguration whole(IUpdater updater, double weightDecay);

    /** The architecture {@code --arch ID} names. */
    static Architecture of(String id, int inputSize, int numClasses, long seed) {
        if (ResNet9Architecture.ID.equals(id)) {
            return new ResNet9Architecture(inputSize, numClasses, seed);
        }
        return new Vgg16Architecture(Vgg16Architecture.Variant.of(id), inputSize, numClasses, seed);
    }
}
