package io.fovea.cli.demo;

import io.fovea.core.store.DirectoryModelStore;
import io.fovea.trainer.TrainingRun;
import io.fovea.trainer.data.TrainingData;
import io.fovea.trainer.data.TrainingDataLoader;
import io.fovea.trainer.fit.TrainSettings;
import io.fovea.trainer.model.Vgg16Architecture;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** Makes sure the demo's store holds two versions to serve and promote: trains quick ones if not. */
final class DemoModels {
    private DemoModels() {}

    /** @return the versions to start with and to promote mid-stream */
    static int[] ensureTwo(
            DirectoryModelStore store, String name, Path cifar, String weights, int inputSize, PrintWriter out) {
        List<Integer> versions = servable(store, name);
        int missing = Math.max(0, 2 - versions.size());
        for (int i = 0; i < missing; i++) {
            int have = servable(store, name).size();
            int images = have == 0 ? 2000 : 4000; // the second version sees more data, so it should do better
            out.printf(
                    "Training %s version %d for the demo (%d CIFAR-10 training images, 1 epoch per phase)...%n",
                    name, have + 1, images);
            out.flush();
            TrainingData data = new TrainingDataLoader().load(cifar, null, 0.1, images, 1000, 42 + have);
            Vgg16Architecture.Variant variant =
                    "none".equals(weights) ? Vgg16Architecture.Variant.VGG16_BN : Vgg16Architecture.Variant.VGG16;
            TrainSettings settings =
                    new TrainSettings(TrainSettings.Phase.BOTH, 1, 32, 1e-3, 1e-4, 3, false, 42 + have, 500);
            new TrainingRun(out)
                    .run(
                            new TrainingRun.Request(
                                    name,
                                    new Vgg16Architecture(
                                            variant, inputSize, data.labels().size(), 42 + have),
                                    weights,
                                    settings,
                                    store,
                                    null),
                            data);
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
