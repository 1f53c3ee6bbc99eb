package io.fovea.trainer.data;

import io.fovea.core.image.RgbImage;
import java.util.List;

/** Decoded images with their class indices, in memory (CIFAR-10's 50,000 take 150 MB). */
public record LabelledImages(List<RgbImage> images, int[] labels) {
    public LabelledImages {
        if (images.size() != labels.length) {
            throw new IllegalArgumentException(images.size() + " images but " + labels.length + " labels");
        }
    }

    public int size() {
        return labels.length;
    }

    public LabelledImages subset(int[] indices) {
        RgbImage[] chosen = new RgbImage[indices.length];
        int[] chosenLabels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            chosen[i] = images.get(indices[i]);
            chosenLabels[i] = labels[indices[i]];
        }
        return new LabelledImages(List.of(chosen), chosenLabels);
    }
}
