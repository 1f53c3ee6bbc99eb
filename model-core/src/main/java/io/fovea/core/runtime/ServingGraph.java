package io.fovea.core.runtime;

import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * The graph configuration a model is served with: the same layers, computing the same numbers,
 * with max pooling on the faster kernel ({@link PlainMaxPooling}). Bundles keep the standard
 * configuration ({@link #standard}), so DL4J alone can still read them; training adds its own
 * layers on top (the trainer's {@code TrainingGraph}).
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

    /** A copy of {@code configuration} with standard DL4J layers only: what goes to disk. */
    public static ComputationGraphConfiguration standard(ComputationGraphConfiguration configuration) {
        return rewritten(configuration, layer -> layer instanceof StandInLayer standIn ? standIn.toStandard() : layer);
    }

    /** A copy of {@code configuration} with {@code rewrite} applied to every layer. */
    public static ComputationGraphConfiguration rewritten(
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
