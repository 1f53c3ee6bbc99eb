package io.fovea.stream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fovea.core.image.RgbImage;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.FakeModel;
import io.fovea.stream.metrics.StreamMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the queue shares what waits between two inference threads, on a clock the test moves: evenly
 * when the other thread is idle, and when it is still in a pass, so that both end together.
 */
class PassQueueTest {
    private long nowNanos;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    private PassQueue queue() {
        FakeModel model = new FakeModel(1);
        model.concurrent = true;
        ModelSlot slot = new ModelSlot(model);
        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry(), 10);
        return new PassQueue(slot, new PendingSwap(slot, metrics), 16, 2, 2, () -> nowNanos);
    }

    private static Submission submission(int images) {
        List<RgbImage> list = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            list.add(new RgbImage(2, 2, new byte[12]));
        }
        return new Submission(list, Lineup.Role.PRIMARY);
    }

    private void at(long millis) {
        nowNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Two passes of 5 images that took 10 ms each: the model's time is 2 ms an image. */
    private PassQueue learned() throws InterruptedException {
        PassQueue queue = queue();
        at(0);
        queue.add(submission(10));
        PassQueue.Pass a = queue.next();
        PassQueue.Pass b = queue.next();
        assertEquals(List.of(5, 5), List.of(a.size(), b.size()), "an idle thread: even halves");
        at(10);
        queue.ended(a, null);
        queue.ended(b, null);
        return queue;
    }

    @Test
    void aThreadAboutToFinishTakesTheRestAndBothPassesEndTogether() throws Exception {
        PassQueue queue = learned();
        queue.add(submission(1));
        PassQueue.Pass busy = queue.next(); // one image, 2 ms: formed at 10, due at 12
        at(11);
        queue.add(submission(12));
        // the busy thread is free in half an image's time: this pass takes (12 + 0.5) / 2, rounded up
        assertEquals(7, queue.next().size());
        at(12);
        queue.ended(busy, null);
        assertEquals(5, queue.next().size(), "the thread that freed takes the rest");
    }

    @Test
    void aThreadBusyForLongerThanTheRestLeavesItWholeToThisPass() throws Exception {
        PassQueue queue = learned();
        queue.add(submission(17));
        assertEquals(9, queue.next().size(), "an idle thread: 9 and 8");
        // the other thread, due at 28, would start on a share of the 8 only after they were done
        assertEquals(8, queue.next().size());
    }

    @Test
    void aThreadHalfWayThroughItsPassIsLeftTheShareThatEndsWithThisPass() throws Exception {
        PassQueue queue = learned();
        queue.add(submission(17));
        PassQueue.Pass first = queue.next(); // 9 images from 10 ms: due at 28
        at(20);
        // the first is busy for 4 images' time: (8 + 4) / 2 now, and 2 for the first at 28, both done at 32
        assertEquals(6, queue.next().size());
        at(28);
        queue.ended(first, null);
        assertEquals(2, queue.next().size());
    }

    @Test
    void beforeAnyPassHasEndedABusyThreadIsNotCountedOn() throws Exception {
        PassQueue queue = queue();
        at(0);
        queue.add(submission(1));
        queue.next();
        at(1);
        queue.add(submission(12));
        assertEquals(12, queue.next().size(), "no time per image known yet: one pass");
    }
}
