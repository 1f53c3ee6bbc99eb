package io.fovea.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.store.DirectoryModelStore;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        TrainerFixtures.init();
    }

    @Test
    void describeAt224ShowsTheClassicRecipesParameterCounts() {
        TrainerFixtures.Run run = TrainerFixtures.train("--describe", "--input-size", "224");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Total params:         27,828,042"), run.out());
        assertTrue(run.out().contains("Trainable params:     13,113,354"), run.out());
        assertTrue(run.out().contains("Frozen params:        14,714,688"), run.out());
        assertTrue(run.out().contains("block5_pool            SubsamplingLayer     7x7x512"), run.out());
    }

    @Test
    void describeOfTheFineTunePhaseCountsBlock5AsTrainable() {
        TrainerFixtures.Run run = TrainerFixtures.train("--describe", "--input-size", "32", "--phase", "finetune");
        assertEquals(0, run.exitCode(), run.err());
        // head (512*512+512) * 2 + 512*10+10 = 530,442, plus block 5: 3 * 2,359,808 = 7,079,424
        assertTrue(run.out().contains("Trainable params:      7,609,866"), run.out());
    }

    @Test
    void withoutPretrainedWeightsTheFastRecipeIsTheDefault() {
        TrainerFixtures.Run run = TrainerFixtures.train("--describe", "--weights", "none");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("resnet9-half at 32x32"), run.out());
        assertTrue(run.out().contains("layer3_add"), "the residual blocks are listed: " + run.out());
    }

    @Test
    void phasesOfTransferLearningAreRefusedForTheResNet() {
        TrainerFixtures.Run run = TrainerFixtures.train(
                "--data", dir.toString(), "--weights", "none", "--phase", "head", "--name", "toy");
        assertError(run, "resnet9-half trains in the full phase only");
        assertError(
                TrainerFixtures.train(
                        "--data",
                        dir.toString(),
                        "--weights",
                        "none",
                        "--arch",
                        "vgg16-bn",
                        "--optimizer",
                        "sgd-one-cycle",
                        "--name",
                        "toy"),
                "--optimizer sgd-one-cycle trains the full phase only");
    }

    @Test
    void settingsThatWouldTrainNothingOrPublishABrokenModelAreRefusedBeforeAnyDataIsRead() throws IOException {
        Path data = TrainerFixtures.cifarFolder(dir.resolve("cifar"), 40, 10);
        Path store = dir.resolve("refused-store");
        String[][] cases = {
            {"--epochs", "0", "--epochs must be at least 1, got 0"},
            {"--batch", "0", "--batch must be at least 1, got 0"},
            {"--lr", "-1", "--lr must be above 0, got -1.0"},
            {"--lr", "NaN", "--lr must be above 0, got NaN"},
            {"--patience", "0", "--patience must be at least 1, got 0"},
            {"--weight-decay", "-1e-4", "--weight-decay must be 0 or more, got -1.0E-4"},
            {"--label-smoothing", "1", "--label-smoothing must be in [0, 1), got 1.0"},
        };
        for (String[] c : cases) {
            TrainerFixtures.Run run = TrainerFixtures.train(
                    "--data", data.toString(), "--store", store.toString(), "--weights", "none", c[0], c[1]);
            assertError(run, c[2]);
            assertFalse(run.out().contains("Training"), c[0] + " " + c[1] + ": no training starts: " + run.out());
        }
        assertFalse(Files.exists(store), "the store must not even be created");
    }

    @Test
    void quickRunLeavesACompleteBundleThatLoadsAndPredictsLikeTheTrainedModel() throws IOException {
        Path data = TrainerFixtures.cifarFolder(dir.resolve("cifar"), 200, 50);
        Path store = dir.resolve("store");
        TrainerFixtures.Run run = TrainerFixtures.train(
                "--data",
                data.toString(),
                "--store",
                store.toString(),
                "--weights",
                "none",
                "--arch",
                "vgg16-bn",
                "--phase",
                "head",
                "--epochs",
                "2",
                "--batch",
                "16",
                "--name",
                "toy");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Published toy version 1"), run.out());

        DirectoryModelStore models = new DirectoryModelStore(store);
        assertEquals(List.of(1), models.versions("toy"));
        Path bundle = models.versionDir("toy", 1);
        for (String file : List.of(
                "graph.json",
                "params.npy",
                "manifest.json",
                "report/metrics.json",
                "report/confusion_matrix.png",
                "report/loss.png",
                "report/accuracy.png",
                "report/model_card.md")) {
            assertTrue(Files.size(bundle.resolve(file)) > 0, file);
        }
        BundleManifest manifest = models.manifest("toy", 1);
        assertEquals("vgg16-bn", manifest.architecture());
        assertEquals(10, manifest.labels().size());
        assertEquals(180, manifest.data().get("train_images"));
        assertEquals(20, manifest.data().get("validation_images"));
        assertEquals(50, manifest.data().get("test_images"));
        assertTrue(
                manifest.metrics().get("test_accuracy") > 0.3, "a toy problem of ten colours: " + manifest.metrics());

        VerifiedBundle loaded = models.verified("toy", 1, ModelFiles.NAMES);
        assertEquals(manifest, loaded.manifest());
        ModelFiles.graph(loaded).params().close(); // its DL4J model builds from the bytes checked
        try (Stream<String> lines = Files.lines(bundle.resolve("report/model_card.md"))) {
            assertTrue(lines.anyMatch(l -> l.startsWith("- test: accuracy")));
        }
    }

    @Test
    void trainingOnTheTestBatchIsRefused() throws IOException {
        Path data = TrainerFixtures.cifarFolder(dir.resolve("cifar"), 20, 20);
        TrainerFixtures.Run run = TrainerFixtures.train(
                "--data",
                data.resolve("test_batch.bin").toString(),
                "--store",
                dir.resolve("store").toString(),
                "--weights",
                "none");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("is the held-out test batch"), run.err());
    }

    @Test
    void badInputNamesTheFileAndLeavesTheStoreUntouched() throws IOException {
        Path store = dir.resolve("store");
        // missing folder
        assertError(
                TrainerFixtures.train(
                        "--data", dir.resolve("nope").toString(), "--store", store.toString(), "--weights", "none"),
                dir.resolve("nope") + ": does not exist");
        // truncated batch
        Path cut = TrainerFixtures.cifarFolder(dir.resolve("cut"), 30, 10);
        Path batch = cut.resolve("data_batch_1.bin");
        Files.write(batch, Arrays.copyOf(Files.readAllBytes(batch), 30 * 3073 - 5));
        assertError(
                TrainerFixtures.train("--data", cut.toString(), "--store", store.toString(), "--weights", "none"),
                batch + ": truncated");
        // an unreadable image in a folder
        Path folder = dir.resolve("folder");
        for (String cls : List.of("cat", "dog")) {
            Files.createDirectories(folder.resolve(cls));
            for (int i = 0; i < 3; i++) {
                ImageIO.write(
                        new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB),
                        "png",
                        folder.resolve(cls + "/" + i + ".png").toFile());
            }
        }
        Path broken = folder.resolve("dog/broken.png");
        byte[] png = Files.readAllBytes(folder.resolve("dog/0.png"));
        Files.write(broken, Arrays.copyOf(png, png.length / 2));
        assertError(
                TrainerFixtures.train("--data", folder.toString(), "--store", store.toString(), "--weights", "none"),
                broken.toString());
        // a folder with a single class
        Path single = dir.resolve("single");
        Files.createDirectories(single.resolve("cat"));
        ImageIO.write(
                new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB),
                "png",
                single.resolve("cat/1.png").toFile());
        assertError(
                TrainerFixtures.train("--data", single.toString(), "--store", store.toString(), "--weights", "none"),
                single + ": has only one class (cat)");

        assertFalse(Files.exists(store), "the store must not even be created");
    }

    private static void assertError(TrainerFixtures.Run run, String expected) {
        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.err().contains(expected), "expected '" + expected + "' in: " + run.err());
    }
}
