package io.fovea.core.events;

import io.fovea.avro.ImageEvent;
import io.fovea.core.dataset.DatasetItem;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

/** Builds {@link ImageEvent}s from dataset images, with the provenance attributes tools rely on. */
public final class ImageEvents {
    /** Attribute holding where the image came from, e.g. {@code test_batch.bin#42}. */
    public static final String ORIGIN = "origin";
    /** Attribute holding the ground-truth class name, so readers need not know the label order. */
    public static final String LABEL_NAME = "label_name";

    private ImageEvents() {}

    public static ImageEvent fromDatasetItem(String id, DatasetItem item, String labelName, Instant eventTime) {
        return ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(eventTime)
                .setWidth(item.width())
                .setHeight(item.height())
                .setChannels(item.channels())
                .setPixelFormat(item.format())
                .setPixels(ByteBuffer.wrap(item.bytes()))
                .setLabel(item.label())
                .setAttributes(Map.of(ORIGIN, item.origin(), LABEL_NAME, labelName))
                .build();
    }
}
