package io.fovea.core.runtime;

import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * A layer configuration Fovea swaps in for one of DL4J's ({@link ServingGraph}): the same layer,
 * run on a faster implementation. What goes to disk is the standard configuration again.
 */
public interface StandInLayer {
    /** DL4J's own configuration of the same layer, with every field as it is here. */
    Layer toStandard();
}
