package io.fovea.trainer.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The from-scratch network: the nine-layer residual network of Page's DAWNBench CIFAR-10 entry
 * ("How to train your ResNet") at half its width, 32-64-128-256 channels, about 1.6 M
 * parameters. Prep conv; a conv and pool with a two-conv residual block; a conv and pool; a
 * conv and pool with a residual block; global max pooling; a fixed scale of 1/8; softmax. Every conv is 3x3, batch
 * norm, ReLU.
 *
 * <p>Why not VGG16 from scratch: its 15 M convolution parameters take about twelve times this
 * network's arithmetic per image, so on two CPU cores an hour holds three epochs of VGG16 and
 * about eight of this; ResNet-9 is the network the fast CIFAR-10 recipes were built around.
 */
public final class ResNet9Architecture implements Architecture {
    public static final String ID = "resnet9-half";
    public static final String INPUT = "input";
    public static final String OUTPUT = "predictions";
    private static final int WIDTH = 32;
    private static final double LOGIT_SCALE = 0.125;

    private final int inputSize;
    private final int numClasses;
    private final long seed;

    public ResNet9Architecture(int inputSize, int numClasses, long seed) {
        if (inputSize < 8 || inputSize > 224) {
            throw new IllegalArgumentException("input size must be 8 to 224, got " + inputSize);
        }
        this.inputSize = inputSize;
        this.numClasses = numClasses;
        this.seed = seed;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public ComputationGraphConfiguration whole(IUpdater updater, double weightDecay) {
        GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .l2(weightDecay)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(inputSize, inputSize, 3));
        String x = conv(g, "prep", WIDTH, INPUT);
        x = residual(g, "layer1", pool(g, "layer1_pool", conv(g, "layer1_conv", 2 * WIDTH, x)), 2 * WIDTH);
        x = pool(g, "layer2_pool", conv(g, "layer2_conv", 4 * WIDTH, x));
        x = residual(g, "layer3", pool(g, "layer3_pool", conv(g, "layer3_conv", 8 * WIDTH, x)), 8 * WIDTH);
        g.addLayer("global_pool", new GlobalPoolingLayer.Builder(PoolingType.MAX).build(), x);
        // Page's scale: unscaled, the pooled features of a fresh network give logits large
        // enough that the first SGD steps diverge (initial loss about 5.5 rather than ln 10)
        g.addVertex("scale", new ScaleVertex(LOGIT_SCALE), "global_pool");
        g.addLayer(
                OUTPUT,
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(numClasses)
                        .activation(Activation.SOFTMAX)
                        .weightInit(WeightInit.XAVIER)
                        .build(),
                "scale");
        return g.setOutputs(OUTPUT).build();
    }

    /** x + conv(conv(x)): the block's output. */
    private static String residual(GraphBuilder g, String name, String input, int filters) {
        String branch = conv(g, name + "_res2", filters, conv(g, name + "_res1", filters, input));
        g.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), input, branch);
        return name + "_add";
    }

    private static String pool(GraphBuilder g, String name, String input) {
        g.addLayer(
                name,
                new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build(),
                input);
        return name;
    }

    private static String conv(GraphBuilder g, String name, int filters, String input) {
        return ConvBnRelu.add(g, name, filters, input);
    }
}
