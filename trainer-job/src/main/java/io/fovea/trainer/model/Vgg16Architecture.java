package io.fovea.trainer.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * VGG16 without its top (13 conv + 5 pool layers, as Keras' {@code VGG16(include_top=False)})
 * plus the classic head: Flatten, Dense(512, relu), Dropout(0.3), Dense(512, relu), Dropout(0.3),
 * Dense(classes, softmax). Layer names follow Keras ({@code block1_conv1} ... {@code block5_pool}),
 * so weights map one to one.
 *
 * <p>The same builder makes three graphs sharing layer names, so parameters copy between them by
 * name: the whole model, the backbone alone (its output is {@code block5_pool}: features are
 * computed once and cached), and the head alone (its input is those features).
 */
public final class Vgg16Architecture implements Architecture {
    public static final String INPUT = "input";
    public static final String FEATURES = "block5_pool";
    public static final String OUTPUT = "predictions";
    /** Fine-tuning trains block 5 and the head; everything up to here stays frozen. */
    public static final String LAST_FROZEN_WHEN_FINE_TUNING = "block4_pool";

    private static final int[][] BLOCKS = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
    private static final int HEAD_WIDTH = 512;
    /** Keras Dropout(0.3) drops 30%; DL4J's argument is the probability of keeping a unit. */
    private static final double KEEP_PROBABILITY = 0.7;

    private final Variant variant;
    private final int inputSize;
    private final int numClasses;
    private final long seed;

    public Vgg16Architecture(Variant variant, int inputSize, int numClasses, long seed) {
        if (inputSize < 32 || inputSize > 224) {
            throw new IllegalArgumentException("input size must be 32 to 224, got " + inputSize);
        }
        this.variant = variant;
        this.inputSize = inputSize;
        this.numClasses = numClasses;
        this.seed = seed;
    }

    public Variant variant() {
        return variant;
    }

    @Override
    public String id() {
        return variant.id();
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    /** Side of the feature map after five 2x2 poolings. */
    public int featureSize() {
        return inputSize / 32;
    }

    /** The whole network with Adam at this rate, as transfer learning trains it. */
    public ComputationGraphConfiguration whole(double learningRate) {
        return whole(new Adam(learningRate), 0);
    }

    @Override
    public ComputationGraphConfiguration whole(IUpdater updater, double weightDecay) {
        GraphBuilder g = base(updater, weightDecay)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(inputSize, inputSize, 3));
        addHead(g, addBackbone(g, INPUT));
        return g.setOutputs(OUTPUT).build();
    }

    public ComputationGraphConfiguration backbone() {
        GraphBuilder g = base(new Adam(1e-3), 0)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(inputSize, inputSize, 3));
        return g.setOutputs(addBackbone(g, INPUT)).build();
    }

    public ComputationGraphConfiguration head(double learningRate) {
        GraphBuilder g = base(new Adam(learningRate), 0)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(featureSize(), featureSize(), 512));
        addHead(g, INPUT);
        return g.setOutputs(OUTPUT).build();
    }

    /** Names of the backbone's convolution layers, in order: where pretrained weights go. */
    public static List<String> convLayerNames() {
        List<String> names = new ArrayList<>();
        for (int b = 0; b < BLOCKS.length; b++) {
            for (int c = 0; c < BLOCKS[b].length; c++) {
                names.add("block" + (b + 1) + "_conv" + (c + 1));
            }
        }
        return names;
    }

    private NeuralNetConfiguration.Builder base(IUpdater updater, double weightDecay) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .l2(weightDecay)
                // Workspaces stay on: without them DL4J's memory use grows about sixfold.
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
    }

    private String addBackbone(GraphBuilder g, String input) {
        String previous = input;
        for (int b = 0; b < BLOCKS.length; b++) {
            for (int c = 0; c < BLOCKS[b].length; c++) {
                previous = addConv(g, "block" + (b + 1) + "_conv" + (c + 1), BLOCKS[b][c], previous);
            }
            String pool = "block" + (b + 1) + "_pool";
            g.addLayer(
                    pool,
                    new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                            .kernelSize(2, 2)
                            .stride(2, 2)
                            .build(),
                    previous);
            previous = pool;
        }
        return previous;
    }

    private String addConv(GraphBuilder g, String name, int filters, String input) {
        ConvolutionLayer.Builder conv =
                new ConvolutionLayer.Builder(3, 3).nOut(filters).stride(1, 1).convolutionMode(ConvolutionMode.Same);
        if (variant == Variant.VGG16) {
            g.addLayer(
                    name,
                    conv.activation(Activation.RELU)
                            .weightInit(WeightInit.XAVIER)
                            .build(),
                    input);
            return name;
        }
        return ConvBnRelu.add(g, name, filters, input);
    }

    private void addHead(GraphBuilder g, String features) {
        g.addLayer(
                        "fc1",
                        new DenseLayer.Builder()
                                .nOut(HEAD_WIDTH)
                                .activation(Activation.RELU)
                                .weightInit(WeightInit.RELU)
                                .build(),
                        features)
                .addLayer("dropout1", new DropoutLayer.Builder(KEEP_PROBABILITY).build(), "fc1")
                .addLayer(
                        "fc2",
                        new DenseLayer.Builder()
                                .nOut(HEAD_WIDTH)
                                .activation(Activation.RELU)
                                .weightInit(WeightInit.RELU)
                                .build(),
                        "dropout1")
                .addLayer("dropout2", new DropoutLayer.Builder(KEEP_PROBABILITY).build(), "fc2")
                .addLayer(
                        OUTPUT,
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nOut(numClasses)
                                .activation(Activation.SOFTMAX)
                                .weightInit(WeightInit.XAVIER)
                                .build(),
                        "dropout2");
    }

    /** Which VGG16: the plain one that ImageNet weights fit, or one with batch norm for random starts. */
    public enum Variant {
        VGG16("vgg16"),
        VGG16_BN("vgg16-bn");

        private final String id;

        Variant(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Variant of(String id) {
            for (Variant v : values()) {
                if (v.id.equals(id)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown architecture '" + id + "'; use vgg16 or vgg16-bn");
        }
    }
}
