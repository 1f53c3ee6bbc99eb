package io.fovea.stream.validate;

import io.fovea.avro.ImageEvent;
import io.fovea.core.image.RgbImage;

/** An input record that passed validation: the event and its decoded pixels. */
public record AcceptedImage(ImageEvent event, RgbImage image) {}
