package io.fovea.trainer.runtime;

import io.fovea.core.runtime.LayerWiring;
import io.fovea.core.runtime.StandInLayer;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's convolution layer configuration whose training backward pass reuses the forward pass's
 * output instead of convolving again ({@link ForwardOnceConvolutionLayer}). Only {@link
 * TrainingGraph#forTraining} creates it, from a standard {@link ConvolutionLayer}; bundles on
 * disk keep the standard class.
 */
public class ForwardOnceConvolution extends ConvolutionLayer implements StandInLayer {

    /** Jackson and DL4J's {@code clone()} need it; use {@link #copyOf}. */
    public ForwardOnceConvolution() {}

    /**
     * Whether the forward output alone gives the activation's derivative: identity (a batch norm
     * follows) or plain ReLU, whose derivative is 1 exactly where its output is above zero.
     */
    static boolean applies(ConvolutionLayer layer) {
        IActivation activation = layer.getActivationFn();
        return layer.getClass() == ConvolutionLayer.class
                && (activation instanceof ActivationIdentity || new ActivationReLU().equals(activation));
    }

    static ForwardOnceConvolution copyOf(ConvolutionLayer standard) {
        return LayerWiring.copyFields(ConvolutionLayer.class, standard, new ForwardOnceConvolution());
    }

    @Override
    public ConvolutionLayer toStandard() {
        return LayerWiring.copyFields(ConvolutionLayer.class, this, new ConvolutionLayer());
    }

    /** As {@link ConvolutionLayer#instantiate}, with the forward-once implementation. */
    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int index,
            INDArray paramsView,
            boolean initializeParams,
            DataType networkDataType) {
        return LayerWiring.wire(
                new ForwardOnceConvolutionLayer(conf, networkDataType),
                initializer(),
                conf,
                listeners,
                index,
                paramsView,
                initializeParams);
    }
}
