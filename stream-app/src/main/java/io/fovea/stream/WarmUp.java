package io.fovea.stream;

import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.avro.Prediction;
import io.fovea.avro.SourcePosition;
import io.fovea.core.image.RandomImages;
import io.fovea.core.image.RgbImage;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.model.BatchResult;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.predict.Predictions;
import io.fovea.stream.validate.AcceptedImage;
import io.fovea.stream.validate.ImageValidator;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before the first record: the path every record takes in this process (decode and validate the
 * Avro event, preprocess, a full forward pass, build and encode the prediction) run on synthetic
 * images for a moment, so that the JIT compiler has compiled it and the model has run a full batch
 * before Kafka Streams joins the group. Until then the instance is not ready and takes no
 * partitions: in a rolling deploy the others keep serving them. docs/benchmarks.md, "Warm-up",
 * has what it buys.
 */
final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    private static final int SIDE = 32;

    private WarmUp() {}

    /** Runs batches of {@code batchSize} synthetic images through the path for about {@code budget}; how many ran. */
    static int run(ImageValidator validator, ModelRunner model, int batchSize, int topK, Duration budget) {
        if (budget.isZero() || budget.isNegative()) {
            return 0;
        }
        List<byte[]> events = new ArrayList<>();
        List<RgbImage> images = RandomImages.of(batchSize, SIDE, 11);
        for (int i = 0; i < batchSize; i++) {
            events.add(FoveaRecords.IMAGE_EVENT.encode(event("warm-up-" + i, images.get(i), i % 10)));
        }
        long start = System.nanoTime();
        int batches = 0;
        while (System.nanoTime() - start < budget.toNanos()) {
            List<AcceptedImage> accepted = new ArrayList<>(batchSize);
            for (byte[] event : events) {
                accepted.add(validator.validate(event));
            }
            INDArray probabilities =
                    model.predict(accepted.stream().map(AcceptedImage::image).toList());
            int[] sizes = new int[batchSize];
            Arrays.fill(sizes, batchSize);
            BatchResult result = new BatchResult(
                    probabilities, model.name(), model.version(), model.labels(), sizes, 0, new long[batchSize]);
            for (int i = 0; i < batchSize; i++) {
                Prediction p = Predictions.of(
                        accepted.get(i).event(),
                        result,
                        i,
                        topK,
                        new SourcePosition("", 0, (long) i),
                        0,
                        Instant.now());
                FoveaRecords.PREDICTION.encode(p);
            }
            probabilities.close();
            batches++;
        }
        LOG.info(
                "Warmed up on {} synthetic batches of {} in {} ms",
                batches,
                batchSize,
                (System.nanoTime() - start) / 1_000_000);
        return batches;
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
