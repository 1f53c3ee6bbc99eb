package io.fovea.stream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fovea.core.image.RgbImage;
import io.fovea.core.release.Rollout;
import io.fovea.core.runtime.BackgroundPriority;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.FakeModel;
import io.fovea.stream.metrics.StreamMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelSwapperTest {
    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    /** A loader whose every load fails with {@code failure}. */
    private static ModelSwapper.Loader failingWith(Throwable failure) {
        return (model, version) -> {
            if (failure instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) failure;
        };
    }

    @Test
    void aVersionWhoseLoadRunsOutOfMemoryIsRefusedAndCountedAndTheCurrentOneKeepsServing() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StreamMetrics metrics = new StreamMetrics(registry, 10);
        ModelSlot slot = new ModelSlot(new FakeModel(1));
        try (InferenceWorker worker = new InferenceWorker(slot, 4, metrics);
                ModelSwapper swapper = new ModelSwapper(
                        failingWith(new OutOfMemoryError("Cannot allocate 4 GB")), worker, slot, metrics, 19)) {
            ModelSwapper.Outcome outcome =
                    swapper.request("fake", new Rollout(2, null, null)).get(30, TimeUnit.SECONDS);

            assertFalse(outcome.swapped());
            assertTrue(outcome.reason().contains("OutOfMemoryError: Cannot allocate 4 GB"), outcome.reason());
            assertEquals(
                    1.0,
                    registry.get("fovea.model.swaps")
                            .tag("result", "refused")
                            .counter()
                            .count());
            List<RgbImage> one = List.of(new RgbImage(2, 2, new byte[12]));
            assertEquals(1, InferenceWorker.await(worker.submit(one)).modelVersion());
        }
    }

    @Test
    void aVersionWhoseProbeBatchGivesNanIsRefusedAndTheCurrentOneKeepsServing() throws Exception {
        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry(), 10);
        ModelSlot slot = new ModelSlot(new FakeModel(1));
        ModelSwapper.Loader probed = (model, version) -> {
            FakeModel nan = new FakeModel(version);
            nan.nanFor = c -> true;
            ProbeBatch.check(nan, 2); // as every backend's load does
            return nan;
        };
        try (InferenceWorker worker = new InferenceWorker(slot, 4, metrics);
                ModelSwapper swapper = new ModelSwapper(probed, worker, slot, metrics, 19)) {
            ModelSwapper.Outcome outcome =
                    swapper.request("fake", new Rollout(2, null, null)).get(30, TimeUnit.SECONDS);

            assertFalse(outcome.swapped());
            assertTrue(
                    outcome.reason().startsWith("fake@2 refused: the probe batch gives a non-finite output (NaN)"),
                    outcome.reason());
            assertEquals(
                    1,
                    InferenceWorker.await(worker.submit(List.of(new RgbImage(2, 2, new byte[12]))))
                            .modelVersion());
        }
    }

    @Test
    void aVersionLoadsAtTheConfiguredNiceAndThenServes() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "needs Linux");
        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry(), 10);
        ModelSlot slot = new ModelSlot(new FakeModel(1));
        AtomicInteger niceOfLoad = new AtomicInteger(-1);
        ModelSwapper.Loader noting = (model, version) -> {
            niceOfLoad.set(BackgroundPriority.niceOfCurrentThread());
            return new FakeModel(version);
        };
        try (InferenceWorker worker = new InferenceWorker(slot, 4, metrics);
                ModelSwapper swapper = new ModelSwapper(noting, worker, slot, metrics, 7)) {
            ModelSwapper.Outcome outcome =
                    swapper.request("fake", new Rollout(2, null, null)).get(30, TimeUnit.SECONDS);

            assertTrue(outcome.swapped(), outcome.reason());
            assertEquals(7, niceOfLoad.get(), "model.load.nice, not the lowest priority");
            assertEquals(0, BackgroundPriority.niceOfCurrentThread(), "the caller keeps its priority");
            assertEquals(
                    2,
                    InferenceWorker.await(worker.submit(List.of(new RgbImage(2, 2, new byte[12]))))
                            .modelVersion());
        }
    }
}
