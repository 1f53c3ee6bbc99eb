package io.fovea.trainer.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

/**
 * The unit both networks trained from random weights are built of: a 3x3 convolution (no bias:
 * batch norm's shift replaces it), batch norm, ReLU. DL4J ignores {@code .activation()} on
 * BatchNormalization, so the ReLU is a layer of its own; He initialisation suits ReLU.
 */
final class ConvBnRelu {
    private ConvBnRelu() {}

    /** Adds {@code name}, {@code name_bn} and {@code name_relu}; returns the last. */
    static String add(GraphBuilder g, String name, int filters, String input) {
        g.addLayer(
                name,
                new ConvolutionLayer.Builder(3, 3)
                        .nOut(filters)
                        .stride(1, 1)
                        .convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY)
                        .weightInit(WeightInit.RELU)
                        .hasBias(false)
                        .build(),
                input);
        g.addLayer(name + "_bn", new BatchNormalization.Builder().build(), name);
        g.addLayer(
                name + "_relu",
                new ActivationLayer.Builder().activation(Activation.RELU).build(),
                name + "_bn");
        return name + "_relu";
    }
}
