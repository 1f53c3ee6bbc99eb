package io.fovea.core.runtime;

import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * The graph configuration a model is served with: the same layers, computing the same numbers,
 * with max pooling on the faster kernel ({@link PlainMaxPooling}). Bundles keep the standard
 * configuration ({@link #standard}), so DL4J alone can still read them.
 */
public final class ServingGraph {
    private ServingGraph() {}

    /** A copy of {@code configuration} to build the served graph from. */
    public static ComputationGraphConfiguration forServing(ComputationGraphConfiguration configuration) {
        return rewritten(
                configuration,
                layer -> layer instanceof SubsamplingLayer pooling
                                && !(layer instanceof PlainMaxPooling)
                                && PlainMaxPooling.applies(pooling)
                        ? PlainMaxPooling.copyOf(pooling)
                        : layer);
    }

    /**
     * A copy of {@code configuration} to train: as served, with convolutions whose backward pass
     * reuses their forward output ({@link ForwardOnceConvolution}), batch norm on cheaper ops
     * ({@link FastBatchNormalization}) and ReLU layers whose backward pass is one op
     * ({@link ReluInPlace}).
     */
    public static ComputationGraphConfiguration forTraining(ComputationGraphConfiguration configuration) {
        return rewritten(forServing(configuration), ServingGraph::trainingForm);
    }

    private static Layer trainingForm(Layer layer) {
        if (layer instanceof ConvolutionLayer conv && ForwardOnceConvolution.applies(conv)) {
            return ForwardOnceConvolution.copyOf(conv);
        }
        if (layer instanceof BatchNormalization bn && FastBatchNormalization.applies(bn)) {
            return FastBatchNormalization.copyOf(bn);
        }
        if (layer instanceof ActivationLayer act && ReluInPlace.applies(act)) {
            return ReluInPlace.copyOf(act);
        }
        return layer;
    }

    /** A copy of {@code configuration} with standard DL4J layers only: what goes to disk. */
    public static ComputationGraphConfiguration standard(ComputationGraphConfiguration configuration) {
        return rewritten(configuration, layer -> layer instanceof StandInLayer standIn ? standIn.toStandard() : layer);
    }

    private static ComputationGraphConfiguration rewritten(
            ComputationGraphConfiguration configuration, UnaryOperator<Layer> rewrite) {
        ComputationGraphConfiguration copy = configuration.clone();
        for (GraphVertex vertex : copy.getVertices().values()) {
            if (vertex instanceof LayerVertex layerVertex) {
                layerVertex
                        .getLayerConf()
                        .setLayer(rewrite.apply(layerVertex.getLayerConf().getLayer()));
            }
        }
        return copy;
    }
}
