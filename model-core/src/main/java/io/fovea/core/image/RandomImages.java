package io.fovea.core.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Images of random pixels, reproducible from a seed: probe batches, warm-ups and benchmarks. */
public final class RandomImages {
    private RandomImages() {}

    public static List<RgbImage> of(int count, int side, long seed) {
        Random random = new Random(seed);
        List<RgbImage> images = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] chw = new byte[RgbImage.CHANNELS * side * side];
            random.nextBytes(chw);
            images.add(new RgbImage(side, side, chw));
        }
        return images;
    }
}
