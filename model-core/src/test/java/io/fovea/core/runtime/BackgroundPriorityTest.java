package io.fovea.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BackgroundPriorityTest {
    private static boolean reniceAvailable() {
        return Files.exists(Path.of("/proc/thread-self"))
                && Stream.of(System.getenv("PATH").split(":"))
                        .anyMatch(dir -> Files.isExecutable(Path.of(dir, "renice")));
    }

    @Test
    void theCallingThreadAloneDropsToTheNiceItAsksForAndThreadsItStartsInheritIt() throws Exception {
        assumeTrue(reniceAvailable(), "needs Linux and renice");
        CountDownLatch lowered = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        CompletableFuture<Integer> bystander = CompletableFuture.supplyAsync(() -> {
            try {
                lowered.await(10, TimeUnit.SECONDS);
                return BackgroundPriority.niceOfCurrentThread();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                checked.countDown();
            }
        });
        CompletableFuture<int[]> background = new CompletableFuture<>();
        Thread loader = new Thread(() -> {
            int before = BackgroundPriority.niceOfCurrentThread();
            boolean done = BackgroundPriority.lowerCurrentThread(12);
            lowered.countDown();
            CompletableFuture<Integer> child = new CompletableFuture<>();
            new Thread(() -> child.complete(BackgroundPriority.niceOfCurrentThread())).start();
            background.complete(
                    new int[] {before, done ? 1 : 0, BackgroundPriority.niceOfCurrentThread(), child.join()});
        });
        loader.start();
        int[] seen = background.get(10, TimeUnit.SECONDS);
        assertTrue(checked.await(10, TimeUnit.SECONDS));
        assertEquals(1, seen[1], "lowerCurrentThread reports success");
        assertEquals(12, seen[2], "the loader runs at nice 12 (was " + seen[0] + ")");
        assertEquals(12, seen[3], "a thread it starts inherits nice 12");
        assertEquals(seen[0], bystander.get(), "another thread keeps its priority");
    }
}
