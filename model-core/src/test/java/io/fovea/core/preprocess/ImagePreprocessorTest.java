package io.fovea.core.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fovea.core.image.RgbImage;
import io.fovea.core.runtime.NativeBackend;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ImagePreprocessorTest {
    @BeforeAll
    static void nativeBackend() {
        NativeBackend.configure();
    }

    private static RgbImage uniform(int size, int r, int g, int b) {
        byte[] chw = new byte[3 * size * size];
        int plane = size * size;
        for (int p = 0; p < plane; p++) {
            chw[p] = (byte) r;
            chw[plane + p] = (byte) g;
            chw[2 * plane + p] = (byte) b;
        }
        return new RgbImage(size, size, chw);
    }

    @Test
    void sameSizeImageIsOnlyNormalisedPerChannel() {
        ImagePreprocessor pre =
                new ImagePreprocessor(Preprocessing.fitted(2, new double[] {10, 20, 30}, new double[] {2, 4, 5}));
        INDArray batch = pre.toBatch(List.of(uniform(2, 12, 24, 40), uniform(2, 10, 20, 30)));
        assertArrayEquals(new long[] {2, 3, 2, 2}, batch.shape());
        assertEquals(1.0, batch.getDouble(0, 0, 1, 1), 1e-6);
        assertEquals(1.0, batch.getDouble(0, 1, 0, 0), 1e-6);
        assertEquals(2.0, batch.getDouble(0, 2, 1, 0), 1e-6);
        assertEquals(0.0, batch.getDouble(1, 2, 1, 1), 1e-6);
    }

    @Test
    void vggMeanSubtractsImagenetMeansWithoutScaling() {
        ImagePreprocessor pre = new ImagePreprocessor(Preprocessing.vggImagenetMean(1));
        INDArray x = pre.toBatch(List.of(uniform(1, 200, 100, 0)));
        assertEquals(200 - 123.68, x.getDouble(0, 0, 0, 0), 1e-4);
        assertEquals(100 - 116.779, x.getDouble(0, 1, 0, 0), 1e-4);
        assertEquals(-103.939, x.getDouble(0, 2, 0, 0), 1e-4);
    }

    @Test
    void bilinearUpscaleUsesHalfPixelCentres() {
        // a 2x1 image red 0 | 100, scaled to 4x4: columns sample at x = -0.25, 0.25, 0.75, 1.25 in the source
        byte[] chw = new byte[6];
        chw[1] = 100;
        RgbImage image = new RgbImage(2, 1, chw);
        float[] out = new float[3 * 16];
        new ImagePreprocessor(Preprocessing.fitted(4, new double[] {0, 0, 0}, new double[] {1, 1, 1}))
                .writeInto(image, out, 0);
        assertArrayEquals(new float[] {0, 25, 75, 100}, java.util.Arrays.copyOfRange(out, 0, 4), 1e-4f);
        assertArrayEquals(new float[] {0, 25, 75, 100}, java.util.Arrays.copyOfRange(out, 12, 16), 1e-4f);
    }

    @Test
    void downscaleOfAUniformImageStaysUniform() {
        float[] out = new float[3 * 7 * 7];
        new ImagePreprocessor(Preprocessing.fitted(7, new double[] {0, 0, 0}, new double[] {1, 1, 1}))
                .writeInto(uniform(32, 9, 8, 7), out, 0);
        for (int i = 0; i < 49; i++) {
            assertEquals(9f, out[i], 1e-5f);
            assertEquals(7f, out[98 + i], 1e-5f);
        }
    }
}
