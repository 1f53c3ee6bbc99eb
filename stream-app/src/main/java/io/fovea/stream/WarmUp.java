package io.fovea.stream;

import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.core.image.RandomImages;
import io.fovea.core.image.RgbImage;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.batch.LineupRouting;
import io.fovea.stream.batch.PendingImages;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.CanaryGuard;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.ModelSlot;
import io.fovea.stream.predict.Emission;
import io.fovea.stream.predict.Sink;
import io.fovea.stream.validate.AcceptedImage;
import io.fovea.stream.validate.ImageValidator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before the first record: the path every record takes in this process (decode and validate the
 * Avro event, route the batch, a full forward pass on the inference thread, build, size and encode
 * the predictions) run on synthetic images for a moment, so that the JIT compiler has compiled it
 * and the model has run a full batch before Kafka Streams joins the group. It runs the processor's
 * own steps ({@link LineupRouting}, {@link InferenceWorker}, {@link Emission}), with meters of its
 * own (the app's count none of it) and a sink that drops every record. Until then the instance is not ready
 * and takes no partitions: in a rolling deploy the others keep serving them. docs/benchmarks.md,
 * "Warm-up", has what it buys.
 */
final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    private static final int SIDE = 32;
    private static final String TOPIC = "warm-up";

    /** What a warm-up ran: full batches, and the records they emitted (and dropped), by output. */
    record Ran(int batches, Map<Sink.Output, Integer> emitted) {}

    private WarmUp() {}

    /** Runs batches of {@code batchSize} synthetic images through the path for about {@code duration}. */
    static Ran run(
            ImageValidator validator,
            SizeBudget budget,
            ModelRunner model,
            int batchSize,
            int topK,
            Duration duration) {
        Map<Sink.Output, Integer> emitted = new EnumMap<>(Sink.Output.class);
        if (duration.isZero() || duration.isNegative()) {
            return new Ran(0, emitted);
        }
        List<byte[]> events = new ArrayList<>();
        List<RgbImage> images = RandomImages.of(batchSize, SIDE, 11);
        for (int i = 0; i < batchSize; i++) {
            events.add(FoveaRecords.IMAGE_EVENT.encode(event("warm-up-" + i, images.get(i), i % 10)));
        }
        // Meters of its own: the warm-up's batches and predictions are not the app's.
        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry(), 1);
        ModelSlot slot = new ModelSlot(model);
        Emission emission = new Emission(
                (output, record) -> emitted.merge(output, 1, Integer::sum),
                topK,
                budget,
                metrics,
                new CanaryGuard(slot::lineup));
        long start = System.nanoTime();
        int batches = 0;
        try (InferenceWorker worker = new InferenceWorker(slot, batchSize, metrics)) {
            while (System.nanoTime() - start < duration.toNanos()) {
                List<PendingImages.Pending> batch = new ArrayList<>(batchSize);
                for (int i = 0; i < batchSize; i++) {
                    AcceptedImage image = validator.validate(events.get(i));
                    batch.add(new PendingImages.Pending(
                            i, null, events.get(i), new Header[0], image, 0, System.nanoTime()));
                }
                emission.emit(LineupRouting.submit(batch, TOPIC, 0, worker.lineup(), worker));
                batches++;
            }
        }
        LOG.info(
                "Warmed up on {} synthetic batches of {} in {} ms",
                batches,
                batchSize,
                (System.nanoTime() - start) / 1_000_000);
        return new Ran(batches, emitted);
    }

    private static ImageEvent event(String id, RgbImage image, int label) {
        return ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.now())
                .setWidth(image.width())
                .setHeight(image.height())
                .setChannels(3)
                .setPixelFormat(PixelFormat.RGB8_CHW)
                .setPixels(ByteBuffer.wrap(image.chw()))
                .setLabel(label)
                .setAttributes(Map.of())
                .build();
    }
}
