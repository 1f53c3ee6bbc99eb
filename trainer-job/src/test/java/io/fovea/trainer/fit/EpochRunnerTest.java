package io.fovea.trainer.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.trainer.TrainerFixtures;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class EpochRunnerTest {
    @BeforeAll
    static void backend() {
        TrainerFixtures.init();
    }

    /** Training teaches x -> class x; validation says the opposite, so every epoch makes validation worse. */
    @Test
    void stopsAfterPatienceEpochsWithoutImprovementAndKeepsTheBestEpoch() {
        ComputationGraph model = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new Sgd(0.5))
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.feedForward(2))
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nOut(2)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "in")
                .setOutputs("out")
                .build());
        model.init();
        DataSet train = new DataSet(
                Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}}),
                Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}}));
        DataSet validation = new DataSet(
                Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}}),
                Nd4j.createFromArray(new float[][] {{0, 1}, {1, 0}}));
        List<String> labels = List.of("a", "b");

        List<EpochLog> history = new EpochRunner(labels, 2)
                .run(
                        "test",
                        model,
                        10,
                        2,
                        () -> List.of(train).iterator(),
                        () -> List.of(train).iterator(),
                        () -> List.of(validation).iterator());

        assertEquals(3, history.size(), "epoch 1 is best; epochs 2 and 3 are worse; patience 2 stops there");
        assertTrue(history.get(1).validationLoss() > history.get(0).validationLoss());
        assertTrue(history.get(2).validationLoss() > history.get(1).validationLoss());
        double kept = Scores.of(model, List.of(validation).iterator(), labels).loss();
        assertEquals(history.get(0).validationLoss(), kept, 1e-6, "the model keeps epoch 1's parameters");
    }
}
