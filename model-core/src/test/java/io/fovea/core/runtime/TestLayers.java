package io.fovea.core.runtime;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The layers the runtime tests (here and in trainer-job) build their small networks from. */
public final class TestLayers {
    private TestLayers() {}

    /** A 3x3 convolution that keeps the image size. */
    public static ConvolutionLayer conv(int filters, Activation activation) {
        return new ConvolutionLayer.Builder(3, 3)
                .nOut(filters)
                .convolutionMode(ConvolutionMode.Same)
                .activation(activation)
                .build();
    }

    /** Softmax over {@code classes} with cross-entropy loss. */
    public static OutputLayer softmax(int classes) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(classes)
                .activation(Activation.SOFTMAX)
                .build();
    }
}
