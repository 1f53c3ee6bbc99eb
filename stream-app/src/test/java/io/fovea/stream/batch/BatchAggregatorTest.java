package io.fovea.stream.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.image.RgbImage;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.FakeModel;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.ModelSlot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class BatchAggregatorTest {
    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    private static List<RgbImage> images(int n, int value) {
        List<RgbImage> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] chw = new byte[12];
            java.util.Arrays.fill(chw, (byte) (value + i));
            images.add(new RgbImage(2, 2, chw));
        }
        return images;
    }


    @Test
    void batchesSubmittedWhileTheModelIsBusyShareTheNextForwardPassUpToTheSizeLimit() throws Exception {
        CountDownLatch firstPassStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FakeModel fake = new FakeModel(1);
        io.fovea.stream.model.ModelRunner gated = new io.fovea.stream.model.ModelRunner() {
            @Override
            public String name() {
                return fake.name();
            }

            @Override
            public int version() {
                return 1;
            }

            @Override
            public List<String> labels() {
                return fake.labels();
            }

            @Override
            public INDArray predict(List<RgbImage> batch) {
                firstPassStarted.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return fake.predict(batch);
            }

            @Override
            public void close() {
            }
        };
        try (BatchAggregator aggregator = new BatchAggregator(new ModelSlot(gated), 8, new StreamMetrics(new SimpleMeterRegistry(), 10))) {
            CompletableFuture<BatchResult> first = CompletableFuture.supplyAsync(() -> aggregator.classify(images(2, 0)));
            assertTrue(firstPassStarted.await(10, TimeUnit.SECONDS));
            // while the model is busy, three more partitions close batches: 3 + 4 fit in 8, the last 2 do not
            CompletableFuture<BatchResult> a = CompletableFuture.supplyAsync(() -> aggregator.classify(images(3, 10)));
            Thread.sleep(100);
            CompletableFuture<BatchResult> b = CompletableFuture.supplyAsync(() -> aggregator.classify(images(4, 20)));
            Thread.sleep(100);
            CompletableFuture<BatchResult> c = CompletableFuture.supplyAsync(() -> aggregator.classify(images(2, 30)));
            Thread.sleep(100);
            release.countDown();

            assertEquals(2, first.get(10, TimeUnit.SECONDS).batchSize());
            assertEquals(7, a.get(10, TimeUnit.SECONDS).batchSize());
            assertEquals(7, b.get(10, TimeUnit.SECONDS).batchSize());
            assertEquals(2, c.get(10, TimeUnit.SECONDS).batchSize());
            assertEquals(List.of(2, 7, 2), fake.batchSizes);
            // each submission gets its own rows back, in order
            assertEquals(4, b.get().probabilities().rows());
            assertEquals((20 + 1) % 4, b.get().probabilities().getRow(1).argMax().getInt(0));
        }
    }

    @Test
    void aSwappedInVersionServesFromTheNextPassAndTheOldOneIsClosed() throws Exception {
        FakeModel v1 = new FakeModel(1);
        FakeModel v2 = new FakeModel(2);
        try (BatchAggregator aggregator = new BatchAggregator(new ModelSlot(v1), 8, new StreamMetrics(new SimpleMeterRegistry(), 10))) {
            assertEquals(1, aggregator.classify(images(2, 0)).modelVersion());
            assertEquals(1, aggregator.swap(v2).get(10, TimeUnit.SECONDS).replaced().version());
            assertTrue(v1.closed);
            assertEquals(2, aggregator.classify(images(2, 0)).modelVersion());
        }
    }
}
