package io.fovea.cli.demo;

import io.fovea.core.store.DirectoryModelStore;
import io.fovea.trainer.TrainingRun;
import io.fovea.trainer.data.TrainingData;
import io.fovea.trainer.data.TrainingDataLoader;
import io.fovea.trainer.fit.Recipe;
import io.fovea.trainer.fit.TrainSettings;
import io.fovea.trainer.model.Architecture;
import io.fovea.trainer.model.BackboneWeights;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** Makes sure the demo's store holds two versions to serve and promote: trains quick ones if not. */
final class DemoModels {
    private DemoModels() {}

    /**
     * From random weights, version 1 is the from-scratch recipe cut to one epoch over 2,500 images
     * and version 2 the same recipe over 20,000 images for two epochs: a model worth promoting
     * (docs/training.md, "The demo's two versions", has the figures). With pretrained weights both are transfer learning, one
     * epoch per phase, on 2,000 and 4,000 images.
     *
     * @return the versions to start with and to promote mid-stream
     */
    static int[] ensureTwo(
            DirectoryModelStore store, String name, Path cifar, String weights, int inputSize, PrintWriter out) {
        List<Integer> versions = servable(store, name);
        int missing = Math.max(0, 2 - versions.size());
        boolean fromScratch = BackboneWeights.NONE.equals(weights);
        Recipe recipe = fromScratch ? Recipe.fromScratch() : Recipe.transfer();
        for (int i = 0; i < missing; i++) {
            int have = servable(store, name).size();
            boolean first = have == 0;
            int images = fromScratch ? (first ? 2500 : 20000) : (first ? 2000 : 4000);
            int epochs = fromScratch && !first ? 2 : 1;
            long seed = 42 + have;
            out.printf(
                    "Training %s version %d for the demo (%s, %,d CIFAR-10 training images, %d epoch%s)...%n",
                    name, have + 1, recipe.architecture(), images, epochs, epochs == 1 ? "" : "s");
            out.flush();
            TrainingData data = new TrainingDataLoader().load(cifar, null, 0.1, images, 1000, seed);
            TrainSettings settings = new TrainSettings(
                    recipe.phase(),
                    epochs,
                    recipe.batchSize(),
                    recipe.learningRate(),
                    1e-4,
                    3,
                    recipe.augment(),
                    seed,
                    500,
                    recipe.optimizer(),
                    recipe.weightDecay(),
                    recipe.labelSmoothing());
            Architecture architecture = Architecture.of(
                    recipe.architecture(), inputSize, data.labels().size(), seed);
            new TrainingRun(out).run(new TrainingRun.Request(name, architecture, weights, settings, store, null), data);
        }
        versions = servable(store, name);
        return new int[] {versions.get(versions.size() - 2), versions.get(versions.size() - 1)};
    }

    /** Versions in this Fovea's bundle format; a store kept from an older one gets new versions trained beside them. */
    static List<Integer> servable(DirectoryModelStore store, String name) {
        return store.versions(name).stream()
                .filter(v -> store.manifest(name, v).modelFiles() != null)
                .toList();
    }
}
