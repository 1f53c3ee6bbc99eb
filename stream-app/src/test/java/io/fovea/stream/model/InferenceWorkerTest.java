package io.fovea.stream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.image.RgbImage;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.FakeModel;
import io.fovea.stream.metrics.StreamMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InferenceWorkerTest {
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

    /** A model that runs one forward pass per permit, so a test can hold the model busy. */
    private static final class Gated implements io.fovea.stream.model.ModelRunner {
        final FakeModel fake;
        final Semaphore permits = new Semaphore(0);
        final Semaphore started = new Semaphore(0);
        final boolean concurrent;

        Gated(FakeModel fake) {
            this(fake, false);
        }

        Gated(FakeModel fake, boolean concurrent) {
            this.fake = fake;
            this.concurrent = concurrent;
        }

        @Override
        public boolean concurrentPasses() {
            return concurrent;
        }

        @Override
        public String name() {
            return fake.name();
        }

        @Override
        public int version() {
            return fake.version();
        }

        @Override
        public List<String> labels() {
            return fake.labels();
        }

        @Override
        public Probabilities predict(List<RgbImage> batch) {
            started.release();
            try {
                if (!permits.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no permit for a forward pass in 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return fake.predict(batch);
        }

        @Override
        public void close() {
            fake.close();
        }
    }

    /**
     * Two passes at once, both on v1 and held at its gate, a swap to v2 waiting behind them, and a
     * submission after the swap.
     */
    private record SwapBehindTwoPasses(
            FakeModel v1,
            Gated gated,
            InferenceWorker worker,
            CompletableFuture<BatchResult> a,
            CompletableFuture<BatchResult> b,
            CompletableFuture<InferenceWorker.Switched> swap,
            CompletableFuture<BatchResult> after)
            implements AutoCloseable {
        static SwapBehindTwoPasses start() throws InterruptedException {
            FakeModel v1 = new FakeModel(1);
            Gated gated = new Gated(v1, true);
            InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 4, 2, 0, metrics());
            CompletableFuture<BatchResult> a = worker.submit(images(4, 0));
            CompletableFuture<BatchResult> b = worker.submit(images(4, 0));
            assertTrue(gated.started.tryAcquire(2, 10, TimeUnit.SECONDS));
            CompletableFuture<InferenceWorker.Switched> swap = worker.swap(new FakeModel(2));
            return new SwapBehindTwoPasses(v1, gated, worker, a, b, swap, worker.submit(images(1, 0)));
        }

        @Override
        public void close() {
            worker.close();
        }
    }

    private static StreamMetrics metrics() {
        return new StreamMetrics(new SimpleMeterRegistry(), 10);
    }

    @Test
    void submissionsWaitingForTheModelFillTheNextPassAndOneThatDoesNotFitWholeIsFinishedByTheFollowingPass()
            throws Exception {
        FakeModel fake = new FakeModel(1);
        Gated gated = new Gated(fake);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 8, metrics())) {
            CompletableFuture<BatchResult> first = worker.submit(images(2, 0));
            assertTrue(gated.started.tryAcquire(10, TimeUnit.SECONDS));
            // while the model is busy, three partitions close batches of 3, 4 and 2 images
            CompletableFuture<BatchResult> a = worker.submit(images(3, 10));
            CompletableFuture<BatchResult> b = worker.submit(images(4, 20));
            CompletableFuture<BatchResult> c = worker.submit(images(2, 30));
            gated.permits.release(3);

            assertEquals(2, first.get(10, TimeUnit.SECONDS).batchSize(0));
            assertEquals(8, a.get(10, TimeUnit.SECONDS).batchSize(2));
            assertEquals(8, b.get(10, TimeUnit.SECONDS).batchSize(3));
            BatchResult split = c.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(2, 8, 1), fake.batchSizes); // 3 + 4 + the first of c, then the rest of c
            assertEquals(8, split.batchSize(0));
            assertEquals(1, split.batchSize(1));
            // each submission gets its own rows back, in order, also across passes
            assertEquals(4, b.get().probabilities().rows());
            assertEquals((20 + 1) % 4, b.get().probabilities().argMax(1));
            assertEquals(2, split.probabilities().rows());
            assertEquals(30 % 4, split.probabilities().argMax(0));
            assertEquals((30 + 1) % 4, split.probabilities().argMax(1));
        }
    }

    @Test
    void theModelIsBackloggedOnlyWhileImagesHaveWaitedForAPassAWholePeriodWithoutABreak() throws Exception {
        Gated gated = new Gated(new FakeModel(1));
        Duration period = Duration.ofMillis(150);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 4, metrics())) {
            CompletableFuture<BatchResult> running = worker.submit(images(4, 0));
            assertTrue(gated.started.tryAcquire(10, TimeUnit.SECONDS));
            Thread.sleep(2 * period.toMillis());
            assertFalse(worker.backloggedFor(period), "busy, but nothing waits behind the pass");

            CompletableFuture<BatchResult> waiting = worker.submit(images(4, 0));
            assertFalse(worker.backloggedFor(period), "waiting since just now, not for a whole period");
            Thread.sleep(2 * period.toMillis());
            assertTrue(worker.backloggedFor(period));

            gated.permits.release(2);
            running.get(10, TimeUnit.SECONDS);
            waiting.get(10, TimeUnit.SECONDS);
            assertFalse(worker.backloggedFor(Duration.ZERO), "nothing waits any more");
        }
    }

    @Test
    void aSubmissionWaitingBehindAnExactlyFullPassIsAnsweredByTheNextOne() throws Exception {
        FakeModel fake = new FakeModel(1);
        Gated gated = new Gated(fake);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 4, metrics())) {
            CompletableFuture<BatchResult> first = worker.submit(images(1, 0));
            assertTrue(gated.started.tryAcquire(10, TimeUnit.SECONDS));
            CompletableFuture<BatchResult> full = worker.submit(images(4, 0));
            CompletableFuture<BatchResult> after = worker.submit(images(1, 0));
            gated.permits.release(3);
            first.get(10, TimeUnit.SECONDS);
            assertEquals(4, full.get(10, TimeUnit.SECONDS).batchSize(0));
            assertEquals(1, after.get(10, TimeUnit.SECONDS).batchSize(0));
            assertEquals(List.of(1, 4, 1), fake.batchSizes);
        }
    }

    @Test
    void aSubmissionSplitAcrossTwoPassesIsClassifiedByOneVersionEvenWhenASwapArrivesBetweenThem() throws Exception {
        FakeModel v1 = new FakeModel(1);
        Gated gated = new Gated(v1);
        FakeModel v2 = new FakeModel(2);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 4, metrics())) {
            CompletableFuture<BatchResult> six = worker.submit(images(6, 0));
            assertTrue(gated.started.tryAcquire(10, TimeUnit.SECONDS)); // its first 4 images are in the model
            CompletableFuture<InferenceWorker.Switched> swap = worker.swap(v2);
            gated.permits.release(2);

            BatchResult result = six.get(10, TimeUnit.SECONDS);
            assertEquals(1, result.modelVersion());
            assertEquals(List.of(4, 2), v1.batchSizes);
            assertEquals(1, swap.get(10, TimeUnit.SECONDS).replaced().primary().version());
            assertEquals(2, InferenceWorker.await(worker.submit(images(1, 0))).modelVersion());
        }
    }

    @Test
    void underSteadyLoadASwapFinishesTheHalfDoneSubmissionInAPassOfItsOwnAndSwitchesRightAfter() throws Exception {
        FakeModel v1 = new FakeModel(1);
        Gated gated = new Gated(v1);
        FakeModel v2 = new FakeModel(2);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 4, metrics())) {
            CompletableFuture<BatchResult> six = worker.submit(images(6, 0));
            assertTrue(gated.started.tryAcquire(10, TimeUnit.SECONDS)); // 4 in the model, 2 carried
            // more keeps arriving; filled passes would end mid-submission again and again, and the
            // swap, which waits for a pass that ends on a submission's edge, would wait on and on
            List<CompletableFuture<BatchResult>> later =
                    List.of(worker.submit(images(3, 10)), worker.submit(images(3, 20)), worker.submit(images(3, 30)));
            CompletableFuture<InferenceWorker.Switched> swap = worker.swap(v2);
            gated.permits.release(2);

            assertEquals(1, six.get(10, TimeUnit.SECONDS).modelVersion());
            assertEquals(1, swap.get(10, TimeUnit.SECONDS).replaced().primary().version());
            for (CompletableFuture<BatchResult> result : later) {
                assertEquals(2, result.get(10, TimeUnit.SECONDS).modelVersion());
            }
            assertEquals(List.of(4, 2), v1.batchSizes, "the carried 2 alone, then the switch");
            assertEquals(List.of(4, 4, 1), v2.batchSizes);
        }
    }

    @Test
    void aFailedPassFailsEverySubmissionInItAndTheNextPassServesAgain() throws Exception {
        FakeModel fake = new FakeModel(1);
        Gated gated = new Gated(fake);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 4, metrics())) {
            CompletableFuture<BatchResult> first = worker.submit(images(1, 0));
            assertTrue(gated.started.tryAcquire(10, TimeUnit.SECONDS));
            CompletableFuture<BatchResult> a = worker.submit(images(2, 0));
            CompletableFuture<BatchResult> split = worker.submit(images(3, 0)); // 2 in the failing pass, 1 after
            fake.fail = true;
            gated.permits.release(1);
            assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS));
            assertTrue(gated.started.tryAcquire(10, TimeUnit.SECONDS));
            gated.permits.release(1);
            assertThrows(ExecutionException.class, () -> a.get(10, TimeUnit.SECONDS));
            assertThrows(ExecutionException.class, () -> split.get(10, TimeUnit.SECONDS));
            fake.fail = false;
            gated.permits.release(1);
            assertEquals(
                    1, worker.submit(images(1, 0)).get(10, TimeUnit.SECONDS).modelVersion());
        }
    }

    @Test
    void aSwappedInVersionServesFromTheNextPassAndTheOldOneIsClosed() throws Exception {
        FakeModel v1 = new FakeModel(1);
        FakeModel v2 = new FakeModel(2);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(v1), 8, metrics())) {
            assertEquals(1, InferenceWorker.await(worker.submit(images(2, 0))).modelVersion());
            assertEquals(
                    1,
                    worker.swap(v2)
                            .get(10, TimeUnit.SECONDS)
                            .replaced()
                            .primary()
                            .version());
            assertTrue(v1.closed);
            assertEquals(2, InferenceWorker.await(worker.submit(images(2, 0))).modelVersion());
        }
    }

    @Test
    void withTwoPassesAtOnceTheNextPassRunsWhileTheFirstIsStillInTheModelAndEachGetsItsOwnRows() throws Exception {
        FakeModel fake = new FakeModel(1);
        Gated gated = new Gated(fake, true);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 4, 2, 0, metrics())) {
            CompletableFuture<BatchResult> a = worker.submit(images(4, 10));
            CompletableFuture<BatchResult> b = worker.submit(images(4, 20));
            assertTrue(gated.started.tryAcquire(2, 10, TimeUnit.SECONDS), "both passes in the model at once");
            gated.permits.release(2);
            assertEquals(
                    (10 + 3) % 4, a.get(10, TimeUnit.SECONDS).probabilities().argMax(3));
            assertEquals(
                    (20 + 1) % 4, b.get(10, TimeUnit.SECONDS).probabilities().argMax(1));
            assertEquals(List.of(4, 4), fake.batchSizes);
        }
    }

    @Test
    void aSubmitterWaitsWhileAFullBatchForEachThreadWaitsForAPassAndGoesOnWhenAPassTakesOne() throws Exception {
        Gated gated = new Gated(new FakeModel(1), true);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 4, 2, 0, metrics())) {
            List<CompletableFuture<BatchResult>> results = new ArrayList<>();
            results.add(worker.submit(images(4, 0)));
            results.add(worker.submit(images(4, 0)));
            assertTrue(gated.started.tryAcquire(2, 10, TimeUnit.SECONDS), "both threads in a pass");
            results.add(worker.submit(images(4, 0)));
            results.add(worker.submit(images(3, 0)));
            assertFalse(worker.awaitRoom(Duration.ofSeconds(10)), "7 images wait, one short of a batch a thread");
            results.add(worker.submit(images(1, 0)));

            long start = System.nanoTime();
            assertTrue(worker.awaitRoom(Duration.ofMillis(300)), "8 wait: no room");
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "waited its whole timeout");

            CompletableFuture<Boolean> waiter =
                    CompletableFuture.supplyAsync(() -> worker.awaitRoom(Duration.ofSeconds(10)));
            Thread.sleep(100);
            assertFalse(waiter.isDone(), "still no room while both passes run");
            gated.permits.release(1); // a pass ends, its thread takes the next batch
            assertTrue(waiter.get(5, TimeUnit.SECONDS), "room once a pass took a batch, and it had waited");
            assertFalse(worker.awaitRoom(Duration.ofSeconds(10)));

            gated.permits.release(10);
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSubmitterWaitingForRoomGoesOnWhenTheWorkerStops() throws Exception {
        Gated gated = new Gated(new FakeModel(1), true);
        InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 2, 1, 0, metrics());
        worker.submit(images(2, 0));
        assertTrue(gated.started.tryAcquire(10, TimeUnit.SECONDS));
        worker.submit(images(2, 0));
        CompletableFuture<Boolean> waiter =
                CompletableFuture.supplyAsync(() -> worker.awaitRoom(Duration.ofMinutes(5)));
        Thread.sleep(100);
        assertFalse(waiter.isDone());
        CompletableFuture.runAsync(worker::close);
        gated.permits.release(10);
        assertTrue(waiter.get(5, TimeUnit.SECONDS), "back within a look at the worker, not after five minutes");
    }

    @Test
    void nothingWaitsOnlyWhileNoSubmissionIsQueuedNorHalfPlacedWhateverThePassesRunning() throws Exception {
        Gated gated = new Gated(new FakeModel(1), true);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 4, 2, 0, metrics())) {
            assertTrue(worker.nothingWaiting(), "no pass");
            CompletableFuture<BatchResult> a = worker.submit(images(4, 0));
            CompletableFuture<BatchResult> b = worker.submit(images(4, 0));
            assertTrue(gated.started.tryAcquire(2, 10, TimeUnit.SECONDS));
            assertTrue(worker.nothingWaiting(), "both threads in a pass, none queued");
            CompletableFuture<BatchResult> c = worker.submit(images(1, 0));
            CompletableFuture<BatchResult> d = worker.submit(images(6, 0));
            assertFalse(worker.nothingWaiting(), "two submissions queued");
            gated.permits.release(1);
            // either pass may have had the permit; its thread takes c and 3 of d, and carries d's other 3
            CompletableFuture.anyOf(a, b).get(10, TimeUnit.SECONDS);
            assertTrue(gated.started.tryAcquire(1, 10, TimeUnit.SECONDS));
            assertFalse(worker.nothingWaiting(), "half of d placed, the rest carried");
            gated.permits.release(10);
            CompletableFuture.allOf(a, b, c, d).get(10, TimeUnit.SECONDS);
            assertTrue(worker.nothingWaiting(), "all done");
        }
    }

    @Test
    void withAThreadIdleWaitingImagesAreSplitOverTwoPassesAtOnceAndEachImageKeepsItsRow() throws Exception {
        FakeModel fake = new FakeModel(1);
        Gated gated = new Gated(fake, true);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 8, 2, 2, metrics())) {
            CompletableFuture<BatchResult> a = worker.submit(images(5, 10));
            assertTrue(gated.started.tryAcquire(2, 10, TimeUnit.SECONDS), "both halves in the model at once");
            gated.permits.release(2);
            BatchResult result = a.get(10, TimeUnit.SECONDS);
            for (int row = 0; row < 5; row++) {
                assertEquals((10 + row) % 4, result.probabilities().argMax(row), "row " + row);
            }
            assertEquals(List.of(2, 3), fake.batchSizes.stream().sorted().toList());
            assertEquals(3, result.batchSize(0), "the first half: 3 of 5");
            assertEquals(2, result.batchSize(4), "the second half: the other 2");
        }
    }

    @Test
    void beyondTwoFullBatchesPassesAreFullAndBelowThemEvenNorIsOneImageSplitNorAnyWhenSplittingIsOff()
            throws Exception {
        // {images, split.min.images, passes' sizes}: beyond two full batches, full passes; two
        // full batches, even halves; one image; splitting off
        int[][] cases = {{17, 2, 1, 8, 8}, {12, 2, 6, 6}, {1, 2, 1}, {5, 0, 5}};
        for (int[] c : cases) {
            FakeModel fake = new FakeModel(1);
            Gated gated = new Gated(fake, true);
            try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 8, 2, c[1], metrics())) {
                CompletableFuture<BatchResult> result = worker.submit(images(c[0], 0));
                // passes held until as many have started as can run at once: each is formed while
                // the others still run, as under load
                assertTrue(gated.started.tryAcquire(Math.min(2, c.length - 2), 10, TimeUnit.SECONDS));
                gated.permits.release(10);
                result.get(10, TimeUnit.SECONDS);
                List<Integer> expected =
                        java.util.Arrays.stream(c, 2, c.length).boxed().toList();
                assertEquals(expected, fake.batchSizes.stream().sorted().toList(), c[0] + " images");
            }
        }
    }

    @Test
    void aSplitBatchWhoseHalfFailsFailsWholeAndTheWorkerServesOn() throws Exception {
        FakeModel fake = new FakeModel(1);
        Gated gated = new Gated(fake, true);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 8, 2, 2, metrics())) {
            CompletableFuture<BatchResult> split = worker.submit(images(6, 0));
            assertTrue(gated.started.tryAcquire(2, 10, TimeUnit.SECONDS), "both halves in the model");
            fake.fail = true;
            gated.permits.release(1);
            ExecutionException failed = assertThrows(ExecutionException.class, () -> split.get(10, TimeUnit.SECONDS));
            assertTrue(
                    failed.getCause().getMessage().contains("told to fail"),
                    failed.getCause().getMessage());
            fake.fail = false;
            gated.permits.release(1); // the other half finishes into a result already failed

            gated.permits.release(10); // however the next submission is split
            BatchResult next = worker.submit(images(4, 0)).get(10, TimeUnit.SECONDS);
            assertEquals(4, next.probabilities().rows());
        }
    }

    @Test
    void aRunnerThatTakesNoConcurrentPassesIsNotSplit() throws Exception {
        FakeModel fake = new FakeModel(1);
        Gated gated = new Gated(fake, false);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 8, 2, 2, metrics())) {
            CompletableFuture<BatchResult> a = worker.submit(images(6, 0));
            assertTrue(gated.started.tryAcquire(10, TimeUnit.SECONDS));
            gated.permits.release(1);
            a.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(6), fake.batchSizes);
        }
    }

    @Test
    void aSwapWaitsForBothHalvesOfASplitBatchWhichKeepsOneVersion() throws Exception {
        FakeModel v1 = new FakeModel(1);
        Gated gated = new Gated(v1, true);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 8, 2, 2, metrics())) {
            CompletableFuture<BatchResult> a = worker.submit(images(6, 0));
            assertTrue(gated.started.tryAcquire(2, 10, TimeUnit.SECONDS));
            CompletableFuture<InferenceWorker.Switched> swap = worker.swap(new FakeModel(2));
            gated.permits.release(1);
            Thread.sleep(200);
            assertFalse(swap.isDone(), "one half still runs on v1");
            assertFalse(v1.closed);
            gated.permits.release(1);
            assertEquals(1, a.get(10, TimeUnit.SECONDS).modelVersion());
            swap.get(10, TimeUnit.SECONDS);
            assertTrue(v1.closed);
            assertEquals(
                    2, worker.submit(images(4, 0)).get(10, TimeUnit.SECONDS).modelVersion());
        }
    }

    @Test
    void aRunnerThatTakesNoConcurrentPassesRunsOnePassAtATimeEvenWithTwoThreads() throws Exception {
        FakeModel fake = new FakeModel(1);
        Gated gated = new Gated(fake, false);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(gated), 4, 2, 0, metrics())) {
            CompletableFuture<BatchResult> a = worker.submit(images(4, 10));
            CompletableFuture<BatchResult> b = worker.submit(images(4, 20));
            assertTrue(gated.started.tryAcquire(10, TimeUnit.SECONDS));
            assertFalse(gated.started.tryAcquire(300, TimeUnit.MILLISECONDS), "the second pass waits its turn");
            gated.permits.release(2);
            a.get(10, TimeUnit.SECONDS);
            b.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void withTwoPassesASwapWaitsUntilNeitherPassIsRunningBeforeItClosesTheOldVersion() throws Exception {
        try (SwapBehindTwoPasses s = SwapBehindTwoPasses.start()) {
            s.gated().permits.release(1);
            BatchResult one = CompletableFuture.anyOf(s.a(), s.b())
                    .thenApply(r -> (BatchResult) r)
                    .get(10, TimeUnit.SECONDS);
            assertEquals(1, one.modelVersion());
            Thread.sleep(200);
            assertFalse(s.swap().isDone(), "a pass on v1 is still running");
            assertFalse(s.v1().closed);
            s.gated().permits.release(1);
            assertEquals(1, s.a().get(10, TimeUnit.SECONDS).modelVersion());
            assertEquals(1, s.b().get(10, TimeUnit.SECONDS).modelVersion());
            assertEquals(
                    1, s.swap().get(10, TimeUnit.SECONDS).replaced().primary().version());
            assertTrue(s.v1().closed);
            assertEquals(2, s.after().get(10, TimeUnit.SECONDS).modelVersion());
            assertEquals(List.of(4, 4), s.v1().batchSizes);
        }
    }

    @Test
    void withTwoPassesAFailedPassWhileASwapWaitsFailsItsOwnAndTheSwapStillGoesThrough() throws Exception {
        try (SwapBehindTwoPasses s = SwapBehindTwoPasses.start()) {
            s.v1().fail = true;
            s.gated().permits.release(1);
            Thread.sleep(200); // the first failed; its thread now waits, holding the queue, for the other pass
            s.gated().permits.release(1);
            assertThrows(ExecutionException.class, () -> s.a().get(10, TimeUnit.SECONDS));
            assertThrows(ExecutionException.class, () -> s.b().get(10, TimeUnit.SECONDS));
            assertEquals(
                    1, s.swap().get(10, TimeUnit.SECONDS).replaced().primary().version());
            assertEquals(2, s.after().get(10, TimeUnit.SECONDS).modelVersion());
        }
    }
}
