package io.fovea.schemas;

import io.fovea.avro.ClassScore;
import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.ModelRelease;
import io.fovea.avro.PixelFormat;
import io.fovea.avro.Prediction;
import io.fovea.avro.ReleaseAction;
import io.fovea.avro.SourcePosition;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One fully populated record of each type, for round-trip tests. */
final class SampleRecords {
    static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");

    static ImageEvent imageEvent() {
        byte[] pixels = new byte[2 * 2 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 20);
        }
        return ImageEvent.newBuilder()
                .setId("img-1")
                .setEventTime(T0)
                .setWidth(2)
                .setHeight(2)
                .setChannels(3)
                .setPixelFormat(PixelFormat.RGB8_HWC)
                .setPixels(ByteBuffer.wrap(pixels))
                .setLabel(3)
                .setAttributes(Map.of("camera", "dock-4"))
                .build();
    }

    static Prediction prediction() {
        return Prediction.newBuilder()
                .setId("img-1")
                .setLabel("cat")
                .setLabelIndex(3)
                .setConfidence(0.8f)
                .setTopK(List.of(new ClassScore(3, "cat", 0.8f), new ClassScore(5, "dog", 0.15f)))
                .setModelName("cifar10")
                .setModelVersion(2)
                .setEventTime(T0)
                .setPredictionTime(T0.plusMillis(12))
                .setBatchSize(32)
                .setQueueMillis(4)
                .setInferenceMillis(7.5)
                .setSource(new SourcePosition(Topics.IMAGES, 1, 42L))
                .setTrueLabel(null)
                .setAttributes(Map.of("camera", "dock-4"))
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setReason(DeadLetterReason.CORRUPT_IMAGE)
                .setMessage("PNG ends early")
                .setSourceTopic(Topics.IMAGES)
                .setSourcePartition(0)
                .setSourceOffset(7L)
                .setKey(ByteBuffer.wrap(new byte[] {'k'}))
                .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setFailedAt(T0)
                .build();
    }

    static ModelRelease modelRelease() {
        return ModelRelease.newBuilder()
                .setModelName("cifar10")
                .setVersion(3)
                .setAction(ReleaseAction.PROMOTED)
                .setBundleUri("file:///models/cifar10/3/")
                .setSha256("ab".repeat(32))
                .setCreatedAt(T0)
                .setReleasedAt(T0.plusSeconds(60))
                .setPreviousVersion(2)
                .setInputSize(32)
                .setLabels(List.of(
                        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"))
                .setMetrics(Map.of("test_accuracy", 0.81))
                .build();
    }

    private SampleRecords() {}
}
