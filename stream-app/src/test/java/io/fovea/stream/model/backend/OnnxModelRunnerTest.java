package io.fovea.stream.model.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.image.RandomImages;
import io.fovea.core.image.RgbImage;
import io.fovea.core.preprocess.ImagePreprocessor;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.model.Probabilities;
import io.fovea.testing.ForeignOnnxModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX Runtime serving a model another framework made: layouts, logits, fixed batches, refusals. */
class OnnxModelRunnerTest {
    private static final int SIDE = 8;
    private static final List<String> FIVE = List.of("a", "b", "c", "d", "e");
    private static final Preprocessing UNIT =
            new Preprocessing(SIDE, Preprocessing.BILINEAR, "unit", new double[3], new double[] {255, 255, 255});

    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void aChannelsLastLogitsModelAnswersWhatItsWeightsSay() {
        ForeignOnnxModels.Dense model = ForeignOnnxModels.dense(dir.resolve("model.onnx"), SIDE, 5, true, true, 0, 7);
        List<RgbImage> images = RandomImages.of(6, 11, 3); // 11x11: resized to 8x8 on the way in

        try (OnnxModelRunner runner =
                OnnxModelRunner.checked(bundle(ModelFormat.onnx("model.onnx", "NHWC", "logits")), OnnxSessions.cpu())) {
            assertAnswers(model, images, runner.predict(images));
            assertEquals(0, runner.fixedBatch());
        }
    }

    @Test
    void aModelWithAFixedBatchRunsEveryPassAtThatSizeAndAnswersTheSame() {
        ForeignOnnxModels.Dense model = ForeignOnnxModels.dense(dir.resolve("model.onnx"), SIDE, 5, false, false, 4, 9);
        List<RgbImage> images = RandomImages.of(6, SIDE, 5); // 4 + 2 padded

        try (OnnxModelRunner runner = OnnxModelRunner.checked(
                bundle(ModelFormat.onnx("model.onnx", "NCHW", "probabilities")), OnnxSessions.cpu())) {
            assertEquals(4, runner.fixedBatch());
            assertAnswers(model, images, runner.predict(images));
            assertAnswers(model, images.subList(0, 1), runner.predict(images.subList(0, 1)));
        }
    }

    @Test
    void twoPassesAtOnceOnOneSessionEachGetTheirOwnImagesAnswers() {
        ForeignOnnxModels.Dense model =
                ForeignOnnxModels.dense(dir.resolve("model.onnx"), SIDE, 5, false, false, 0, 13);
        ExecutorService two = Executors.newFixedThreadPool(2); // the common pool may have one thread
        try (OnnxModelRunner runner = OnnxModelRunner.checked(
                bundle(ModelFormat.onnx("model.onnx", "NCHW", "probabilities")), new OnnxSessions("cpu", 0, 1))) {
            assertTrue(runner.concurrentPasses());
            List<CompletableFuture<Void>> passes = IntStream.range(0, 2)
                    .mapToObj(t -> CompletableFuture.runAsync(
                            () -> {
                                for (int i = 0; i < 40; i++) {
                                    List<RgbImage> images = RandomImages.of(3 + t, SIDE, 100 * t + i);
                                    assertAnswers(model, images, runner.predict(images));
                                }
                            },
                            two))
                    .toList();
            passes.forEach(CompletableFuture::join);
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void aModelWhoseInputIsNotTheDeclaredImageIsRefusedSayingWhat() {
        ForeignOnnxModels.dense(dir.resolve("model.onnx"), 16, 5, false, false, 0, 1);

        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> OnnxModelRunner.checked(
                        bundle(ModelFormat.onnx("model.onnx", "NCHW", "probabilities")), OnnxSessions.cpu()));
        assertTrue(e.getMessage().contains("has shape [-1, 3, 16, 16]"), e.getMessage());
        assertTrue(e.getMessage().contains("needs [batch, 3, 8, 8]"), e.getMessage());
    }

    @Test
    void aModelWithADifferentClassCountThanItsLabelsIsRefused() {
        ForeignOnnxModels.dense(dir.resolve("model.onnx"), SIDE, 4, false, false, 0, 1);

        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> OnnxModelRunner.checked(
                        bundle(ModelFormat.onnx("model.onnx", "NCHW", "probabilities")), OnnxSessions.cpu()));
        assertTrue(e.getMessage().contains("there are 5 labels"), e.getMessage());
    }

    @Test
    void logitsDeclaredAsProbabilitiesAreRefusedByTheProbe() {
        ForeignOnnxModels.dense(dir.resolve("model.onnx"), SIDE, 5, false, true, 0, 3);

        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> OnnxModelRunner.checked(
                        bundle(ModelFormat.onnx("model.onnx", "NCHW", "probabilities")), OnnxSessions.cpu()));
        assertTrue(
                e.getMessage().contains("--output logits") || e.getMessage().contains("a probe output is"),
                e.getMessage());
    }

    @Test
    void aGpuProviderThatCannotStartIsAClearErrorNotACrash() {
        ForeignOnnxModels.dense(dir.resolve("model.onnx"), SIDE, 5, false, false, 0, 1);

        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> OnnxModelRunner.checked(
                        bundle(ModelFormat.onnx("model.onnx", "NCHW", "probabilities")),
                        new OnnxSessions("cuda", 0, 0)));
        assertTrue(e.getMessage().contains("cuda execution provider cannot start"), e.getMessage());
        assertTrue(e.getMessage().contains("onnxruntime_gpu"), e.getMessage());
    }

    private void assertAnswers(ForeignOnnxModels.Dense model, List<RgbImage> images, Probabilities out) {
        ImagePreprocessor pre = new ImagePreprocessor(UNIT);
        assertEquals(images.size(), out.rows());
        IntStream.range(0, images.size()).forEach(i -> {
            float[] chw = new float[3 * SIDE * SIDE];
            pre.writeInto(images.get(i), chw, 0);
            double[] expected = ForeignOnnxModels.expected(model, chw);
            for (int k = 0; k < expected.length; k++) {
                assertEquals(expected[k], out.get(i, k), 1e-5, "image " + i + ", class " + k);
            }
        });
    }

    private VerifiedBundle bundle(ModelFormat onnx) {
        BundleManifest manifest = new BundleManifest(
                "foreign",
                1,
                Instant.now(),
                "onnx",
                "imported",
                FIVE,
                UNIT,
                List.of("model.onnx"),
                io.fovea.core.bundle.ModelFiles.sha256(dir, List.of("model.onnx")),
                Map.of(),
                Map.of(),
                Map.of(),
                "test",
                List.of(onnx));
        try {
            return new VerifiedBundle(
                    manifest, Map.of("model.onnx", Files.readAllBytes(dir.resolve("model.onnx"))), dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
