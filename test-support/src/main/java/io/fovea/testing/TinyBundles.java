package io.fovea.testing;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.dataset.ClassLabels;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.StagedBundle;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A real but small bundle (32x32 RGB in, 10 CIFAR classes out) published to a store, for tests of serving. */
public final class TinyBundles {
    private TinyBundles() {}

    public static int publish(ModelStore store, String name, long seed) {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(seed)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(32, 32, 3))
                .addLayer(
                        "fc",
                        new DenseLayer.Builder()
                                .nOut(16)
                                .activation(Activation.RELU)
                                .build(),
                        "input")
                .addLayer(
                        "predictions",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nOut(10)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "fc")
                .setOutputs("predictions")
                .build());
        graph.init();
        try (StagedBundle staged = store.stage(name)) {
            String sha256 = ModelFiles.write(graph, staged.dir());
            staged.commit(new BundleManifest(
                    name,
                    staged.version(),
                    Instant.now(),
                    "tiny-dense",
                    "none",
                    ClassLabels.CIFAR10,
                    Preprocessing.fitted(32, new double[] {128, 128, 128}, new double[] {64, 64, 64}),
                    ModelFiles.NAMES,
                    sha256,
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    "test",
                    List.of(ModelFormat.dl4j())));
            return staged.version();
        }
    }
}
