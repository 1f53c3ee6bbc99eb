package io.fovea.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.runtime.PlainMaxPoolingLayer;
import io.fovea.core.runtime.ServingGraph;
import io.fovea.core.runtime.TestLayers;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

class ForwardOnceConvolutionTest {
    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    /** conv (identity) + batch norm + ReLU, a residual add, conv with ReLU, conv with tanh, max pools. */
    private static ComputationGraphConfiguration network() {
        return new NeuralNetConfiguration.Builder()
                .seed(5)
                .updater(new Nesterovs(0.05, 0.9))
                .l2(5e-4)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(12, 12, 3))
                .addLayer("c1", TestLayers.conv(8, Activation.IDENTITY), "in")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "c1")
                .addLayer(
                        "relu1",
                        new ActivationLayer.Builder()
                                .activation(Activation.RELU)
                                .build(),
                        "bn1")
                .addLayer("c2", TestLayers.conv(8, Activation.RELU), "relu1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "relu1", "c2")
                .addLayer(
                        "pool",
                        new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                                .kernelSize(2, 2)
                                .stride(2, 2)
                                .build(),
                        "add")
                .addLayer("c3", TestLayers.conv(6, Activation.TANH), "pool")
                .addLayer("global", new GlobalPoolingLayer.Builder(PoolingType.MAX).build(), "c3")
                .addLayer("out", TestLayers.softmax(4), "global")
                .setOutputs("out")
                .build();
    }

    private static DataSet batch() {
        Nd4j.getRandom().setSeed(11);
        INDArray features = Nd4j.randn(DataType.FLOAT, 6, 3, 12, 12);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 6, 4);
        for (int i = 0; i < 6; i++) {
            labels.putScalar(i, i % 4, 1.0);
        }
        return new DataSet(features, labels);
    }

    @Test
    void identityAndReluConvolutionsTrainOnTheForwardOnceKernelOthersStayStandard() {
        ComputationGraph trained = new ComputationGraph(TrainingGraph.forTraining(network()));
        trained.init();
        assertInstanceOf(ForwardOnceConvolutionLayer.class, trained.getLayer("c1"));
        assertInstanceOf(ForwardOnceConvolutionLayer.class, trained.getLayer("c2"));
        assertEquals(
                org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class,
                trained.getLayer("c3").getClass(),
                "tanh's derivative needs its input: DL4J's path");
    }

    /** Both backward passes each layer may settle on: 0 oneDNN's (pooling: libnd4j's), 1 the other. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void gradientsAndTrainedWeightsEqualStandardDl4jOverSeveralSteps(int backward) {
        ComputationGraph standard = new ComputationGraph(network());
        standard.init();
        ComputationGraph forwardOnce = new ComputationGraph(TrainingGraph.forTraining(network()));
        forwardOnce.init(standard.params().dup(), true);
        ((ForwardOnceConvolutionLayer) forwardOnce.getLayer("c1")).useBackward(backward);
        ((ForwardOnceConvolutionLayer) forwardOnce.getLayer("c2")).useBackward(backward);
        ((PlainMaxPoolingLayer) forwardOnce.getLayer("pool")).useBackward(backward);
        DataSet batch = batch();

        standard.setInputs(batch.getFeatures());
        standard.setLabels(batch.getLabels());
        standard.computeGradientAndScore();
        forwardOnce.setInputs(batch.getFeatures());
        forwardOnce.setLabels(batch.getLabels());
        forwardOnce.computeGradientAndScore();
        INDArray expected = standard.gradient().gradient();
        INDArray actual = forwardOnce.gradient().gradient();
        assertTrue(expected.amaxNumber().doubleValue() > 0, "the gradient is not all zero");
        assertTrue(
                expected.equalsWithEps(actual, 1e-5),
                "same gradients: " + expected.sub(actual).amaxNumber());

        for (int step = 0; step < 5; step++) {
            standard.fit(batch);
            forwardOnce.fit(batch);
        }
        assertTrue(
                standard.params().equalsWithEps(forwardOnce.params(), 1e-5),
                "same weights after five steps: "
                        + standard.params().sub(forwardOnce.params()).amaxNumber());
        assertEquals(standard.score(), forwardOnce.score(), 1e-5);
    }

    @Test
    void bundlesKeepTheStandardLayer() {
        ComputationGraphConfiguration written = ServingGraph.standard(TrainingGraph.forTraining(network()));
        ComputationGraph reread = new ComputationGraph(ComputationGraphConfiguration.fromJson(written.toJson()));
        reread.init();
        assertEquals(
                org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class,
                reread.getLayer("c1").getClass());
        assertEquals(network().toJson(), written.toJson(), "the configuration on disk is DL4J's own");
    }
}
