package io.fovea.core.runtime;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's max-pooling layer configuration, but its inference runs on libnd4j's own pooling
 * kernel instead of oneDNN's ({@link PlainMaxPoolingLayer}). Only {@link ServingGraph} creates
 * it, from a standard {@link SubsamplingLayer}; bundles on disk keep the standard class.
 */
public class PlainMaxPooling extends SubsamplingLayer implements StandInLayer {

    /** Jackson and DL4J's {@code clone()} need it; use {@link #copyOf}. */
    public PlainMaxPooling() {}

    /** Whether the layer is one this class serves faster: max pooling on NCHW data. */
    static boolean applies(SubsamplingLayer layer) {
        return layer.getPoolingType() == org.deeplearning4j.nn.conf.layers.PoolingType.MAX
                && layer.getCnn2dDataFormat() == CNN2DFormat.NCHW;
    }

    static PlainMaxPooling copyOf(SubsamplingLayer standard) {
        return LayerWiring.copyFields(SubsamplingLayer.class, standard, new PlainMaxPooling());
    }

    @Override
    public SubsamplingLayer toStandard() {
        return LayerWiring.copyFields(SubsamplingLayer.class, this, new SubsamplingLayer());
    }

    /** As {@link SubsamplingLayer#instantiate}, with the plain-kernel implementation. */
    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int index,
            INDArray paramsView,
            boolean initializeParams,
            DataType networkDataType) {
        return LayerWiring.wire(
                new PlainMaxPoolingLayer(conf, networkDataType),
                initializer(),
                conf,
                listeners,
                index,
                paramsView,
                initializeParams);
    }
}
