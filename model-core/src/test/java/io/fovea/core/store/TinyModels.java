package io.fovea.core.store;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A small ComputationGraph taking [n, 3, 2, 2], for store and bundle tests. */
public final class TinyModels {
    private TinyModels() {}

    public static ComputationGraph tiny(long seed) {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(seed)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(2, 2, 3))
                .addLayer(
                        "dense",
                        new DenseLayer.Builder()
                                .nOut(4)
                                .activation(Activation.RELU)
                                .build(),
                        "in")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nOut(2)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "dense")
                .setOutputs("out")
                .build());
        graph.init();
        return graph;
    }
}
