package io.fovea.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.runtime.TestLayers;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * A convolution's own backward passes (matrix products, and oneDNN called with the step-and-product
 * ReLU derivative) against DL4J's, for the geometries a convolution can have.
 */
class MatmulConvolutionBackwardTest {
    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    static Stream<Arguments> geometries() {
        return Stream.of(
                Arguments.of("3x3 same", conv(3, 3).convolutionMode(ConvolutionMode.Same)),
                Arguments.of(
                        "3x3 stride 2 same (more padding bottom-right)",
                        conv(3, 3).stride(2, 2).convolutionMode(ConvolutionMode.Same)),
                Arguments.of(
                        "5x3 stride 2x1 padding 2x1",
                        conv(5, 3).stride(2, 1).padding(2, 1).convolutionMode(ConvolutionMode.Truncate)),
                Arguments.of("3x3 dilation 2 same", conv(3, 3).dilation(2, 2).convolutionMode(ConvolutionMode.Same)),
                Arguments.of(
                        "2x2 stride 2, the last row and column left out",
                        conv(2, 2).stride(2, 2).convolutionMode(ConvolutionMode.Truncate)),
                Arguments.of("1x1 without bias", conv(1, 1).hasBias(false)),
                Arguments.of(
                        "3x3 identity activation",
                        conv(3, 3).convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY)));
    }

    private static ConvolutionLayer.Builder conv(int kernelHeight, int kernelWidth) {
        return new ConvolutionLayer.Builder(kernelHeight, kernelWidth).nOut(5).activation(Activation.RELU);
    }

    private static ComputationGraphConfiguration network(ConvolutionLayer.Builder convolution) {
        return new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(new Sgd(0.1))
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(9, 7, 4))
                // tanh keeps DL4J's own layer; its weights' gradient checks the input gradient below
                .addLayer(
                        "before",
                        new ConvolutionLayer.Builder(1, 1)
                                .nOut(4)
                                .activation(Activation.TANH)
                                .build(),
                        "in")
                .addLayer("conv", convolution.build(), "before")
                .addLayer("global", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                .addLayer("out", TestLayers.softmax(3), "global")
                .setOutputs("out")
                .build();
    }

    static Stream<Arguments> geometriesOnBothPaths() {
        return geometries().flatMap(g -> Stream.of(0, 1).map(path -> Arguments.of(g.get()[0], g.get()[1], path)));
    }

    @ParameterizedTest(name = "{0}, backward {2}")
    @MethodSource("geometriesOnBothPaths")
    void weightBiasAndInputGradientsEqualDl4jsOwn(String name, ConvolutionLayer.Builder convolution, int backward) {
        ComputationGraph standard = new ComputationGraph(network(convolution));
        standard.init();
        ComputationGraph matmul = new ComputationGraph(TrainingGraph.forTraining(network(convolution)));
        matmul.init(standard.params().dup(), true);
        ForwardOnceConvolutionLayer layer = (ForwardOnceConvolutionLayer) matmul.getLayer("conv");
        layer.useBackward(backward);
        Nd4j.getRandom().setSeed(17);
        DataSet batch = new DataSet(
                Nd4j.randn(DataType.FLOAT, 5, 4, 9, 7),
                Nd4j.eye(3).getRows(0, 1, 2, 0, 1).castTo(DataType.FLOAT));

        for (ComputationGraph graph : new ComputationGraph[] {standard, matmul}) {
            graph.setInputs(batch.getFeatures());
            graph.setLabels(batch.getLabels());
            graph.computeGradientAndScore();
        }
        INDArray expected = standard.gradient().gradient();
        INDArray actual = matmul.gradient().gradient();
        assertTrue(expected.amaxNumber().doubleValue() > 1e-3, "the gradient is not all zero");
        assertTrue(
                expected.equalsWithEps(actual, 1e-5),
                "same gradients: " + expected.sub(actual).amaxNumber());

        standard.fit(batch);
        matmul.fit(batch);
        assertEquals(backward, layer.backwardChoice());
        assertTrue(standard.params().equalsWithEps(matmul.params(), 1e-5), "same weights after a step");
    }

    @Test
    void takesSmallImagesAndLeavesLargeOnesToOneDnn() {
        MatmulConvolutionBackward.Geometry vggFirstLayer = new MatmulConvolutionBackward.Geometry(
                new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[] {32, 32});
        assertTrue(MatmulConvolutionBackward.takes(new long[] {32, 64, 32, 32}, vggFirstLayer), "75 MB of patches");
        MatmulConvolutionBackward.Geometry at224 = new MatmulConvolutionBackward.Geometry(
                new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[] {224, 224});
        assertFalse(MatmulConvolutionBackward.takes(new long[] {32, 64, 224, 224}, at224), "3.7 GB of patches");
    }
}
