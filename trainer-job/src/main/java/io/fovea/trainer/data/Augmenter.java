package io.fovea.trainer.data;

import io.fovea.core.image.RgbImage;
import java.util.Random;

/**
 * The standard CIFAR augmentation: pad by 4 pixels of black on each side, take a random crop of
 * the original size, and mirror left-right half of the time. Training only: serving never
 * augments, so this is not part of the shared preprocessing.
 */
public final class Augmenter {
    static final int PAD = 4;
    private final Random random;

    public Augmenter(long seed) {
        this.random = new Random(seed);
    }

    public RgbImage apply(RgbImage image) {
        int w = image.width();
        int h = image.height();
        int dx = random.nextInt(2 * PAD + 1) - PAD;
        int dy = random.nextInt(2 * PAD + 1) - PAD;
        boolean flip = random.nextBoolean();
        byte[] src = image.chw();
        byte[] out = new byte[src.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                if (sy < 0 || sy >= h) {
                    continue; // padding stays black
                }
                for (int x = 0; x < w; x++) {
                    int sx = (flip ? w - 1 - x : x) + dx;
                    if (sx >= 0 && sx < w) {
                        out[(c * h + y) * w + x] = src[(c * h + sy) * w + sx];
                    }
                }
            }
        }
        return new RgbImage(w, h, out);
    }
}
