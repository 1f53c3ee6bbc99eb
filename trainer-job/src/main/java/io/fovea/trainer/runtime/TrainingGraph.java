package io.fovea.trainer.runtime;

import io.fovea.core.runtime.ServingGraph;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * The graph configuration a model is trained with: as served ({@link ServingGraph}), with
 * convolutions whose backward pass reuses their forward output ({@link ForwardOnceConvolution}),
 * batch norm on cheaper ops ({@link FastBatchNormalization}) and ReLU layers whose backward pass is
 * one op ({@link ReluInPlace}). What goes to disk is standard DL4J ({@link ServingGraph#standard}).
 */
public final class TrainingGraph {
    private TrainingGraph() {}

    /** A copy of {@code configuration} to train. */
    public static ComputationGraphConfiguration forTraining(ComputationGraphConfiguration configuration) {
        return ServingGraph.rewritten(ServingGraph.forServing(configuration), TrainingGraph::trainingForm);
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
}
