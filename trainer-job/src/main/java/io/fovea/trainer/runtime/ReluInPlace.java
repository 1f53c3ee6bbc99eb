package io.fovea.trainer.runtime;

import io.fovea.core.runtime.LayerWiring;
import io.fovea.core.runtime.StandInLayer;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's activation layer configuration, for plain ReLU, whose backward pass is one op
 * ({@link ReluInPlaceLayer}). Only {@link TrainingGraph#forTraining} creates it; bundles on disk
 * keep the standard class.
 */
public class ReluInPlace extends ActivationLayer implements StandInLayer {

    /** Jackson and DL4J's {@code clone()} need it; use {@link #copyOf}. */
    public ReluInPlace() {}

    static boolean applies(ActivationLayer layer) {
        return layer.getClass() == ActivationLayer.class
                && new ActivationReLU().equals(layer.getActivationFn())
                && layer.getIDropout() == null;
    }

    static ReluInPlace copyOf(ActivationLayer standard) {
        return LayerWiring.copyFields(ActivationLayer.class, standard, new ReluInPlace());
    }

    @Override
    public ActivationLayer toStandard() {
        return LayerWiring.copyFields(ActivationLayer.class, this, new ActivationLayer());
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int index,
            INDArray paramsView,
            boolean initializeParams,
            DataType networkDataType) {
        return LayerWiring.wire(
                new ReluInPlaceLayer(conf, networkDataType),
                initializer(),
                conf,
                listeners,
                index,
                paramsView,
                initializeParams);
    }
}
