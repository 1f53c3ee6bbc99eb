package io.fovea.stream.batch;

import io.fovea.avro.DeadLetterReason;
import io.fovea.schemas.registry.RegistryUnavailableException;
import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.predict.Emission;
import io.fovea.stream.predict.Sink;
import io.fovea.stream.predict.SubmittedBatch;
import io.fovea.stream.validate.AcceptedImage;
import io.fovea.stream.validate.RejectedRecordException;
import io.fovea.stream.validate.SourceRecord;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * One task's path: validate each record (refused ones become dead letters at once), hold the
 * accepted ones in {@link PendingImages}, and close a batch when it reaches the size limit, when
 * its oldest image has waited the time limit, or (unless turned off) at the thread's next turn
 * when no images wait for a forward pass: the batch is then next in line, and holding it back
 * only adds to its wait, while the model's queue gathers what comes meanwhile into the next pass
 * anyway. A closed batch goes to the shared
 * {@link InferenceWorker} without waiting: while the model works, this thread keeps reading,
 * committing and filling the next batch. Finished batches are emitted in order (by
 * {@link Emission}), from {@code process} and from the punctuator; at most {@value
 * InFlightBatches#MAX_IN_FLIGHT} full batches' worth of images are in flight per task, after which
 * closing another waits for the oldest (back-pressure), and while a full batch for each inference
 * thread already waits for a pass, closing waits for one to start (up to {@link #ROOM_WAIT}):
 * images read early would only wait in the process, where commits catch them as held copies,
 * rather than in Kafka. No wait outlasts the thread's {@link WaitAllowance}: under exactly-once
 * its transaction must end within the producer's timeout. The decoded images all tasks
 * hold are capped in bytes ({@link DecodedMemory}): an image that would go over closes the batch
 * and waits for this task's batches in flight, which gives their bytes back. The punctuator also
 * asks for a commit when the {@link CommitPace} says so.
 */
public final class ClassifyProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    public static final String PREDICTIONS_SINK = "predictions";
    public static final String DEAD_LETTERS_SINK = "dead-letters";
    /** Predictions of a version under shadow, never served. */
    public static final String SHADOW_SINK = "shadow-predictions";

    /**
     * Longest wait for the model's queue to have room for a batch: a bound, not a pace. A model
     * whose passes take longer than this is held back by the per-task cap alone, as before, so
     * the wait never holds a transaction open for more than a pass or two.
     */
    private static final Duration ROOM_WAIT = Duration.ofSeconds(1);

    private final ClassifySettings settings;
    private final InFlightBatches inFlight;
    /** Held images that failed validation when restored; dead-lettered at the first chance to forward. */
    private List<PendingImages.Refused> refusedOnRestore = List.of();
    /** Held records waiting for the schema registry to give their writer schema. */
    private final AwaitingRegistry awaiting = new AwaitingRegistry();

    private ProcessorContext<byte[], byte[]> context;
    private PendingImages pending;
    private Emission emission;

    public ClassifyProcessor(ClassifySettings settings) {
        this.settings = settings;
        this.inFlight = new InFlightBatches(settings.maxBatchSize(), this::emit, settings.commitPace()::waitedForModel);
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.pending = new PendingImages(context.getStateStore(settings.pendingStore()), settings.memory());
        this.emission = new Emission(
                this::forward,
                settings.topK(),
                settings.budget(),
                settings.metrics(),
                settings.guard(),
                settings.output());
        refusedOnRestore = pending.recover(
                settings.validator(),
                settings.inputTopic(),
                context.taskId().partition(),
                context.currentSystemTimeMs());
        pending.takeAwaitingOnRestore().forEach(source -> awaiting.add(source, context.currentSystemTimeMs()));
        context.schedule(settings.lookEvery(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
        settings.commitPace()
                .lookEvery()
                .ifPresent(every -> context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::askForCommit));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        settings.waits().turn(context);
        deadLetterRefusedOnRestore();
        inFlight.emitFinished();
        retryAwaiting();
        settings.metrics().recordIn();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        Header[] headers = record.headers().toArray();
        SourceRecord source =
                new SourceRecord(meta.topic(), meta.partition(), meta.offset(), record.key(), record.value(), headers);
        AcceptedImage image;
        try {
            image = settings.validator().validate(source, record.timestamp());
        } catch (RejectedRecordException e) {
            emission.deadLetter(e.reason(), e.getMessage(), source);
            return;
        } catch (RegistryUnavailableException e) {
            image = null; // not the record's fault: held until the registry answers
        }
        if (!heldWithinBudget(source)) {
            return;
        }
        if (image == null) {
            pending.hold(meta.offset(), record.key(), record.value(), headers);
            awaiting.add(source, record.timestamp());
            return;
        }
        accept(source, image, false);
    }

    /** Dead-letters a record whose held copy the changelog could not take; true when it fits. */
    private boolean heldWithinBudget(SourceRecord source) {
        int held = HeldCopy.size(source.key(), source.value(), source.headers());
        if (!settings.budget().holds(held)) {
            // Refused up front: a held copy the changelog cannot take would fail the task at commit.
            emission.deadLetter(
                    DeadLetterReason.PAYLOAD_TOO_LARGE,
                    "key and value of " + source.length()
                            + " bytes are more than the changelog of pending images can hold: "
                            + SizeBudget.largestHeld(settings.budget().changelog()) + " bytes, as "
                            + settings.budget().changelog() + " allows",
                    source);
            return false;
        }
        return true;
    }

    private void accept(SourceRecord source, AcceptedImage image, boolean alreadyHeld) {
        makeRoom(PendingImages.decodedBytes(image));
        long now = context.currentSystemTimeMs();
        if (alreadyHeld) {
            pending.addHeld(source.offset(), source.key(), source.value(), source.headers(), image, now);
        } else {
            pending.add(source.offset(), source.key(), source.value(), source.headers(), image, now);
        }
        if (pending.size() >= settings.maxBatchSize()) {
            close("size");
        }
    }

    /** Records held for the registry go on, in order, once it answers. */
    private void retryAwaiting() {
        if (awaiting.isEmpty()) {
            return;
        }
        awaiting.retry(settings.validator(), new AwaitingRegistry.Outcome() {
            @Override
            public void accepted(SourceRecord source, AcceptedImage image) {
                accept(source, image, true);
            }

            @Override
            public void refused(SourceRecord source, RejectedRecordException reason) {
                emission.deadLetter(reason.reason(), reason.getMessage(), source);
                pending.emitted(source.offset());
            }
        });
    }

    /**
     * Reserves an accepted image's decoded bytes, waiting for this task's batches to give theirs
     * back while the instance's cap is full: a valid image is held back, never refused. A task
     * holding nothing takes its image even over the cap, as the other tasks of its own thread
     * cannot give theirs back until it returns.
     */
    private void makeRoom(int bytes) {
        while (!settings.memory().tryReserve(bytes)) {
            long deadline = settings.waits().deadlineNanos();
            boolean gaveBack = pending.isEmpty() ? inFlight.emitOldest(deadline) : close("memory");
            if (!gaveBack) {
                // nothing in flight, or the wait allowance ran out: then a commit comes first
                if (WaitAllowance.passed(deadline)) {
                    context.commit();
                }
                settings.memory().reserveAnyway(bytes);
                return;
            }
        }
    }

    private void punctuate(long nowMillis) {
        settings.waits().turn(context);
        deadLetterRefusedOnRestore();
        inFlight.emitFinished();
        retryAwaiting();
        if (pending.isEmpty()) {
            return;
        }
        if (nowMillis - pending.oldestArrivalMillis() >= settings.maxBatchWait().toMillis()) {
            close("deadline");
        } else if (settings.closeWhenQueueEmpty() && settings.worker().nothingWaiting()) {
            close("queue_empty"); // after this turn's records: next in line for a pass
        }
    }

    private void askForCommit(long nowMillis) {
        if (settings.commitPace().askNow(nowMillis)) {
            context.commit();
        }
    }

    /**
     * Closes a batch and submits it, once the task's batches in flight and the model's queue have
     * room for it. If the thread's {@link WaitAllowance} runs out first, the images stay pending
     * and a commit is asked for: the batch closes at a turn after it, with a new allowance, so no
     * transaction outlasts the producer's timeout and no task holds more in flight than its limit.
     *
     * @return whether the batch was closed
     */
    private boolean close(String cause) {
        long deadline = settings.waits().deadlineNanos();
        if (!inFlight.makeRoomFor(Math.min(pending.size(), settings.maxBatchSize()), deadline)) {
            settings.metrics().waitCut();
            context.commit();
            return false;
        }
        long wait = Math.min(ROOM_WAIT.toNanos(), WaitAllowance.nanosLeft(deadline));
        if (settings.worker().awaitRoom(Duration.ofNanos(wait))) {
            settings.commitPace().waitedForModel();
        }
        if (WaitAllowance.passed(deadline)) {
            context.commit(); // the queue's room is a bound, not a limit: the batch goes on
        }
        List<PendingImages.Pending> batch = pending.take(settings.maxBatchSize());
        settings.metrics().batchClosed(cause);
        // routed by the versions in service now: a key under a canary meets the canary every time
        inFlight.add(LineupRouting.submit(
                batch, topic(), partition(), settings.worker().lineup(), settings.worker()));
        return true;
    }

    /** init() may not forward, so images refused on restore wait for the first process or punctuation. */
    private void deadLetterRefusedOnRestore() {
        for (PendingImages.Refused r : refusedOnRestore) {
            emission.deadLetter(
                    r.reason().reason(),
                    "refused on restore: " + r.reason().getMessage(),
                    source(r.offset(), r.key(), r.value(), r.headers()));
            pending.emitted(r.offset());
        }
        refusedOnRestore = List.of();
    }

    private void emit(SubmittedBatch closed) {
        emission.emit(closed);
        for (SubmittedBatch.Image image : closed.images()) {
            pending.emitted(image.source().offset());
        }
    }

    /** Batches still in the model are dropped, not emitted: see {@link InFlightBatches#clear()}. */
    @Override
    public void close() {
        inFlight.clear();
        awaiting.clear();
        if (pending != null) {
            pending.releaseAll();
        }
    }

    /** Forwards an emitted record to the topology's sink for its output. */
    private void forward(Sink.Output output, Record<byte[], byte[]> record) {
        String sink = switch (output) {
            case PREDICTIONS -> PREDICTIONS_SINK;
            case SHADOW_PREDICTIONS -> SHADOW_SINK;
            case DEAD_LETTERS -> DEAD_LETTERS_SINK;
        };
        context.forward(record, sink);
        settings.commitPace().forwarded();
    }

    /** A held image of this task, as it was read. */
    private SourceRecord source(long offset, byte[] key, byte[] value, Header[] headers) {
        return new SourceRecord(topic(), partition(), offset, key, value, headers);
    }

    private String topic() {
        return settings.inputTopic();
    }

    private int partition() {
        return context.taskId().partition();
    }
}
