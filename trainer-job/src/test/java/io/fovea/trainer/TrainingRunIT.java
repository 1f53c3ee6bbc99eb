package io.fovea.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.ModelRelease;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.Topics;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import io.fovea.trainer.data.TrainingData;
import io.fovea.trainer.data.TrainingDataLoader;
import io.fovea.trainer.fit.TrainSettings;
import io.fovea.trainer.model.ResNet9Architecture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A training run end to end, with the release announced on a real broker. */
class TrainingRunIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        TrainerFixtures.init();
    }

    @Test
    void publishedBundlePredictsExactlyLikeTheTrainedModelAndIsAnnouncedOnKafka() throws IOException {
        Path data = TrainerFixtures.cifarFolder(dir.resolve("cifar"), 120, 30);
        TrainingData trainingData =
                new TrainingDataLoader().load(data, null, 0.1, Integer.MAX_VALUE, Integer.MAX_VALUE, 7);
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        ResNet9Architecture arch = new ResNet9Architecture(32, 10, 7);
        TrainSettings settings = new TrainSettings(
                TrainSettings.Phase.FULL,
                1,
                16,
                0.2,
                1e-4,
                3,
                true,
                7,
                50,
                TrainSettings.Optimizer.SGD_ONE_CYCLE,
                5e-4,
                0.1);
        String name = "run-" + System.nanoTime();

        TrainingRun.Result result = new TrainingRun(new PrintWriter(new StringWriter()))
                .run(
                        new TrainingRun.Request(name, arch, "none", settings, store, KafkaTestBroker.connection()),
                        trainingData);

        VerifiedBundle bundle = store.verified(name, 1, ModelFiles.NAMES);
        assertEquals(Preprocessing.FITTED, bundle.manifest().preprocessing().normalization());
        INDArray input =
                bundle.preprocessor().toBatch(trainingData.test().images().subList(0, 30));
        INDArray expected = result.model().outputSingle(false, input);
        INDArray actual = ModelFiles.graph(bundle).outputSingle(false, input);
        assertEquals(expected, actual, "same weights, same preprocessing, same outputs");
        assertEquals(1, result.history().size());
        assertEquals("full", result.history().get(0).phase());

        List<ModelRelease> releases =
                KafkaTestClients.readCommitted(Topics.MODEL_RELEASES, 50, Duration.ofSeconds(20)).stream()
                        .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(name + "@1"))
                        .map(ConsumerRecord::value)
                        .map(FoveaRecords.MODEL_RELEASE::decode)
                        .toList();
        assertEquals(1, releases.size());
        ModelRelease release = releases.get(0);
        assertEquals(ReleaseAction.PUBLISHED, release.getAction());
        assertEquals(bundle.manifest().sha256(), release.getSha256());
        assertEquals(32, release.getInputSize());
        assertTrue(release.getBundleUri().endsWith("/" + name + "/1/"), release.getBundleUri());
        assertEquals(
                bundle.manifest().metrics().get("test_accuracy"),
                release.getMetrics().get("test_accuracy"));
    }
}
