package io.fovea.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.runtime.TestLayers;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

class FastBatchNormalizationTest {
    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    /** Two conv + batch norm + ReLU units, the second batch norm with DL4J's defaults but a decay of 0.5. */
    private static ComputationGraphConfiguration network() {
        return new NeuralNetConfiguration.Builder()
                .seed(9)
                .updater(new Nesterovs(0.1, 0.9))
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(10, 10, 3))
                .addLayer("c1", TestLayers.conv(6, Activation.IDENTITY), "in")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "c1")
                .addLayer(
                        "r1",
                        new ActivationLayer.Builder()
                                .activation(Activation.RELU)
                                .build(),
                        "bn1")
                .addLayer("c2", TestLayers.conv(5, Activation.IDENTITY), "r1")
                .addLayer("bn2", new BatchNormalization.Builder().decay(0.5).build(), "c2")
                .addLayer(
                        "r2",
                        new ActivationLayer.Builder()
                                .activation(Activation.RELU)
                                .build(),
                        "bn2")
                .addLayer("global", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "r2")
                .addLayer("out", TestLayers.softmax(3), "global")
                .setOutputs("out")
                .build();
    }

    /** Inputs far from zero mean and unit variance, so the batch statistics matter. */
    private static DataSet batch() {
        Nd4j.getRandom().setSeed(4);
        INDArray features = Nd4j.randn(DataType.FLOAT, 8, 3, 10, 10).muli(3).addi(2);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, 3);
        for (int i = 0; i < 8; i++) {
            labels.putScalar(i, i % 3, 1.0);
        }
        return new DataSet(features, labels);
    }

    @Test
    void trainingGraphsRunBatchNormOnTheFastHelperAndReluInPlace() {
        ComputationGraph trained = new ComputationGraph(TrainingGraph.forTraining(network()));
        trained.init();
        assertInstanceOf(FastBatchNormHelper.class, trained.getLayer("bn1").getHelper());
        assertInstanceOf(FastBatchNormHelper.class, trained.getLayer("bn2").getHelper());
        assertInstanceOf(ReluInPlaceLayer.class, trained.getLayer("r1"));
        assertInstanceOf(ReluInPlaceLayer.class, trained.getLayer("r2"));
    }

    @Test
    void gradientsRunningStatisticsAndWeightsEqualDl4jsOwnLayers() {
        ComputationGraph standard = new ComputationGraph(network());
        standard.init();
        ComputationGraph fast = new ComputationGraph(TrainingGraph.forTraining(network()));
        fast.init(standard.params().dup(), true);
        DataSet batch = batch();

        standard.setInputs(batch.getFeatures());
        standard.setLabels(batch.getLabels());
        standard.computeGradientAndScore();
        fast.setInputs(batch.getFeatures());
        fast.setLabels(batch.getLabels());
        fast.computeGradientAndScore();
        INDArray expected = standard.gradient().gradient();
        INDArray actual = fast.gradient().gradient();
        assertTrue(expected.amaxNumber().doubleValue() > 1e-3, "the gradient is not all zero");
        assertTrue(
                expected.equalsWithEps(actual, 1e-4),
                "same gradients: largest difference " + expected.sub(actual).amaxNumber());

        for (int step = 0; step < 5; step++) {
            standard.fit(batch);
            fast.fit(batch);
        }
        // the parameters include each batch norm's running mean and variance
        INDArray difference = standard.params().sub(fast.params());
        assertTrue(
                standard.params().equalsWithEps(fast.params(), 1e-4),
                "same weights and running statistics after five steps: " + difference.amaxNumber());
        assertEquals(standard.score(), fast.score(), 1e-4);
        INDArray in = batch.getFeatures();
        assertTrue(
                standard.outputSingle(false, in).equalsWithEps(fast.outputSingle(false, in), 1e-4),
                "same inference outputs");
    }
}
