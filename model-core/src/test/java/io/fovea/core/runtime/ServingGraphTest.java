package io.fovea.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fovea.core.bundle.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

class ServingGraphTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    /** conv, 2x2 max pool, conv, 3x3 max pool in Same mode over an odd size, 2x2 average pool, softmax. */
    private static ComputationGraphConfiguration pools() {
        return new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(new Sgd(0.1))
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(14, 14, 3))
                .addLayer("conv1", TestLayers.conv(8, Activation.RELU), "in")
                .addLayer(
                        "max2",
                        new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                                .kernelSize(2, 2)
                                .stride(2, 2)
                                .build(),
                        "conv1")
                .addLayer("conv2", TestLayers.conv(6, Activation.RELU), "max2")
                .addLayer(
                        "max3same",
                        new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                                .kernelSize(3, 3)
                                .stride(2, 2)
                                .convolutionMode(ConvolutionMode.Same)
                                .build(),
                        "conv2")
                .addLayer(
                        "avg",
                        new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG)
                                .kernelSize(2, 2)
                                .stride(2, 2)
                                .build(),
                        "max3same")
                .addLayer("out", TestLayers.softmax(4), "avg")
                .setOutputs("out")
                .build();
    }

    private static ComputationGraph built(ComputationGraphConfiguration configuration, INDArray params) {
        ComputationGraph graph = new ComputationGraph(configuration);
        graph.init(params == null ? null : params.dup(), params == null);
        return graph;
    }

    private static List<String> layerClasses(ComputationGraph graph) {
        return Arrays.stream(graph.getLayers())
                .map(Layer::getClass)
                .map(Class::getSimpleName)
                .toList();
    }

    @Test
    void theServedGraphRunsMaxPoolingOnThePlainKernelAndLeavesOtherPoolingAlone() {
        ComputationGraph served = built(ServingGraph.forServing(pools()), null);
        assertEquals(
                List.of(
                        "ConvolutionLayer",
                        "PlainMaxPoolingLayer",
                        "ConvolutionLayer",
                        "PlainMaxPoolingLayer",
                        "SubsamplingLayer",
                        "OutputLayer"),
                layerClasses(served));
    }

    @Test
    void theServedGraphComputesExactlyWhatTheStandardGraphComputes() {
        ComputationGraph standard = built(pools(), null);
        ComputationGraph served = built(ServingGraph.forServing(pools()), standard.params());
        INDArray images = Nd4j.rand(DataType.FLOAT, 5, 3, 14, 14).subi(0.5).muli(200);
        assertEquals(standard.outputSingle(false, images), served.outputSingle(false, images));
    }

    @Test
    void trainingTheServedGraphChangesTheSameWeightsTheSameWay() {
        ComputationGraph standard = built(pools(), null);
        ComputationGraph served = built(ServingGraph.forServing(pools()), standard.params());
        INDArray images = Nd4j.rand(DataType.FLOAT, 4, 3, 14, 14);
        INDArray labels = Nd4j.eye(4).castTo(DataType.FLOAT);
        standard.fit(new INDArray[] {images}, new INDArray[] {labels});
        served.fit(new INDArray[] {images}, new INDArray[] {labels});
        assertEquals(standard.params(), served.params());
    }

    @Test
    void aModelReadFromDiskIsServedThatWayAndWrittenBackAsStandardDl4j() throws IOException {
        ComputationGraph standard = built(pools(), null);
        ModelFiles.write(standard, dir);
        ComputationGraph read = ModelFiles.read(dir);
        assertEquals("PlainMaxPoolingLayer", layerClasses(read).get(1));

        Path again = Files.createDirectory(dir.resolve("again"));
        ModelFiles.write(read, again);
        String written = Files.readString(again.resolve(ModelFiles.CONFIGURATION));
        assertFalse(written.contains("io.fovea"), written);
        assertEquals(Files.readString(dir.resolve(ModelFiles.CONFIGURATION)), written);
    }
}
