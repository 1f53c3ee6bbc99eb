package io.fovea.stream.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fovea.schemas.Topics;
import io.fovea.stream.TestImages;
import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.ModelSlot;
import io.fovea.stream.validate.ImageValidator;
import java.time.Duration;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A classify processor of one partition on a mock context, started at 1,000 ms, with its own
 * inference worker (one pass at a time), and the moves tests make on it: an image in, a look of
 * its batch punctuator, its predictions awaited.
 */
final class ProcessorUnderTest implements AutoCloseable {
    final MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    final InferenceWorker worker;
    final ClassifyProcessor processor;

    /** @param pace the commit pace, given the worker (whose backlog it may look at) */
    ProcessorUnderTest(
            int maxBatchSize,
            boolean closeWhenQueueEmpty,
            ModelRunner model,
            StreamMetrics metrics,
            Function<InferenceWorker, CommitPace> pace) {
        this(maxBatchSize, closeWhenQueueEmpty, new DecodedMemory(1 << 20), model, metrics, pace);
    }

    /** The same, under the decoded-bytes cap {@code memory}. */
    ProcessorUnderTest(
            int maxBatchSize,
            boolean closeWhenQueueEmpty,
            DecodedMemory memory,
            ModelRunner model,
            StreamMetrics metrics,
            Function<InferenceWorker, CommitPace> pace) {
        this(maxBatchSize, closeWhenQueueEmpty, memory, 1, model, metrics, pace);
    }

    /**
     * The same, with {@code queueBatches} full batches allowed to wait for the pass (one by
     * default, as serve's {@code inference.queue.batches} for one pass at a time).
     */
    ProcessorUnderTest(
            int maxBatchSize,
            boolean closeWhenQueueEmpty,
            DecodedMemory memory,
            int queueBatches,
            ModelRunner model,
            StreamMetrics metrics,
            Function<InferenceWorker, CommitPace> pace) {
        ProcessorFixtures.added(context);
        worker = new InferenceWorker(new ModelSlot(model), maxBatchSize, 1, 0, queueBatches, metrics);
        processor = ProcessorFixtures.processor(
                maxBatchSize,
                closeWhenQueueEmpty,
                new ImageValidator(100_000, 10_000),
                memory,
                worker,
                metrics,
                pace.apply(worker));
        context.setCurrentSystemTimeMs(1_000);
        processor.init(context);
    }

    /** A one-image record at {@code offset}, arriving at {@code nowMillis}. */
    void process(long offset, long nowMillis) {
        context.setCurrentSystemTimeMs(nowMillis);
        context.setRecordMetadata(Topics.IMAGES, 0, offset);
        processor.process(new Record<>(null, TestImages.bytes("k" + offset, 1, 1), nowMillis));
    }

    /** The batch punctuator's look at {@code nowMillis}: finished batches out, due ones closed. */
    void punctuate(long nowMillis) {
        context.setCurrentSystemTimeMs(nowMillis);
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(nowMillis);
    }

    /** Punctuates at {@code nowMillis} until {@code count} predictions are forwarded, for up to 10 s. */
    void awaitForwarded(int count, long nowMillis) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (context.forwarded().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
            punctuate(nowMillis);
        }
        assertEquals(count, context.forwarded().size(), "the predictions");
    }

    @Override
    public void close() {
        processor.close();
        worker.close();
    }
}
