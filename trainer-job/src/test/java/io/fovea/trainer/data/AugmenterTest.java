package io.fovea.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.image.RgbImage;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AugmenterTest {
    /** Pixel (x, y) of every channel holds a distinct value 1 + x + 8y, so moves are traceable. */
    private static RgbImage numbered() {
        byte[] chw = new byte[3 * 64];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 64; p++) {
                chw[c * 64 + p] = (byte) (1 + p);
            }
        }
        return new RgbImage(8, 8, chw);
    }

    @Test
    void everyOutputPixelIsBlackPaddingOrASourcePixelShiftedAtMostFourAndPossiblyMirrored() {
        Augmenter augmenter = new Augmenter(3);
        Set<String> seen = new HashSet<>();
        for (int n = 0; n < 200; n++) {
            RgbImage out = augmenter.apply(numbered());
            assertEquals(8, out.width());
            int first = -1;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    int v = out.at(0, y, x);
                    if (v == 0) {
                        continue;
                    }
                    int sx = (v - 1) % 8;
                    int sy = (v - 1) / 8;
                    assertTrue(Math.abs(sy - y) <= Augmenter.PAD, "vertical shift");
                    assertTrue(
                            Math.abs(sx - x) <= Augmenter.PAD || Math.abs(sx - (7 - x)) <= Augmenter.PAD, "horizontal");
                    assertEquals(v, out.at(2, y, x), "channels move together");
                    first = first < 0 ? v : first;
                }
            }
            seen.add(out.at(0, 4, 4) + ":" + out.at(0, 0, 0));
        }
        assertTrue(seen.size() > 10, "crops vary: " + seen.size());
    }
}
