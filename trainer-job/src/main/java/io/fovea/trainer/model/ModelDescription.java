package io.fovea.trainer.model;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InputType.InputTypeConvolutional;
import org.deeplearning4j.nn.conf.inputs.InputType.InputTypeFeedForward;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;

/** A layer table with output shapes and parameter counts, split into trainable and frozen. */
public final class ModelDescription {
    private ModelDescription() {}

    /** @param trainable names of the layers trained in the phase described; all others count as frozen */
    public static void print(ComputationGraph graph, InputType input, Set<String> trainable, PrintWriter out) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        Map<String, InputType> outputs = conf.getLayerActivationTypes(input);
        String row = "%-22s %-20s %-16s %,14d  %s%n";
        out.printf("%-22s %-20s %-16s %14s  %s%n", "layer", "type", "output", "params", "trainable");
        long total = 0;
        long trainableCount = 0;
        for (int index : graph.topologicalSortOrder()) {
            GraphVertex vertex = graph.getVertices()[index];
            if (vertex.isInputVertex()) {
                out.printf("%-22s %-20s %-16s %14s%n", vertex.getVertexName(), "Input", shape(input), "");
                continue;
            }
            String name = vertex.getVertexName();
            long params = vertex.hasLayer() ? vertex.getLayer().numParams() : 0;
            boolean isTrainable = trainable.contains(name);
            String type = vertex.hasLayer()
                    ? vertex.getLayer().conf().getLayer().getClass().getSimpleName()
                    : vertex.getClass().getSimpleName();
            out.printf(
                    row,
                    name,
                    type,
                    shape(outputs.get(name)),
                    params,
                    params == 0 ? "" : isTrainable ? "yes" : "frozen");
            total += params;
            trainableCount += isTrainable ? params : 0;
        }
        out.printf("%nTotal params:     %,14d%n", total);
        out.printf("Trainable params: %,14d%n", trainableCount);
        out.printf("Frozen params:    %,14d%n", total - trainableCount);
        out.flush();
    }

    private static String shape(InputType type) {
        if (type instanceof InputTypeConvolutional c) {
            return c.getHeight() + "x" + c.getWidth() + "x" + c.getChannels();
        }
        if (type instanceof InputTypeFeedForward f) {
            return Long.toString(f.getSize());
        }
        return String.valueOf(type);
    }
}
