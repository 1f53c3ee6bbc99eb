package io.fovea.trainer.fit;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** Copies parameters between graphs built with the same layer names. */
public final class GraphParams {
    private GraphParams() {}

    /** Copies every layer of {@code from} that has parameters into the same-named layer of {@code to}. */
    public static void copyByName(ComputationGraph from, ComputationGraph to) {
        for (Layer layer : from.getLayers()) {
            if (layer.numParams() == 0) {
                continue;
            }
            String name = layer.conf().getLayer().getLayerName();
            if (!to.getConfiguration().getVertices().containsKey(name)) {
                continue; // e.g. the head's layers when copying into the backbone alone
            }
            Layer target = to.getLayer(name);
            if (target.numParams() != layer.numParams()) {
                throw new IllegalStateException("layer " + name + " has " + layer.numParams() + " params here and "
                        + target.numParams() + " there");
            }
            target.setParams(layer.params().dup());
        }
    }
}
