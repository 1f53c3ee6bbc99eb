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
public class PlainMaxPooling extends SubsamplingLayer {

    /** Jackson and DL4J's {@code clone()} need it; use {@link #copyOf}. */
    public PlainMaxPooling() {}

    /** Whether the layer is one this class serves faster: max pooling on NCHW data. */
    static boolean applies(SubsamplingLayer layer) {
        return layer.getPoolingType() == org.deeplearning4j.nn.conf.layers.PoolingType.MAX
                && layer.getCnn2dDataFormat() == CNN2DFormat.NCHW;
    }

    static PlainMaxPooling copyOf(SubsamplingLayer standard) {
        return copy(standard, new PlainMaxPooling());
    }

    /** The standard DL4J configuration of the same layer, for writing a model that DL4J alone can read. */
    SubsamplingLayer toStandard() {
        return copy(this, new SubsamplingLayer());
    }

    private static <T extends SubsamplingLayer> T copy(SubsamplingLayer from, T to) {
        to.setLayerName(from.getLayerName());
        to.setIDropout(from.getIDropout());
        to.setConstraints(from.getConstraints());
        to.setConvolutionMode(from.getConvolutionMode());
        to.setPoolingType(from.getPoolingType());
        to.setKernelSize(from.getKernelSize());
        to.setStride(from.getStride());
        to.setPadding(from.getPadding());
        to.setDilation(from.getDilation());
        to.setPnorm(from.getPnorm());
        to.setEps(from.getEps());
        to.setCudnnAllowFallback(from.isCudnnAllowFallback());
        to.setCnn2dDataFormat(from.getCnn2dDataFormat());
        to.setDefaultValueOverridden(from.isDefaultValueOverridden());
        to.setAvgPoolIncludePadInDivisor(from.isAvgPoolIncludePadInDivisor());
        return to;
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
