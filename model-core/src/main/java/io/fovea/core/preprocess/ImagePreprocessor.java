package io.fovea.core.preprocess;

import io.fovea.core.image.RgbImage;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns images into the NCHW float batch a model takes, per its {@link Preprocessing}. The only
 * implementation of it: the trainer and the stream app both call this class.
 */
public final class ImagePreprocessor {
    private final Preprocessing spec;
    private final int size;
    private final float[] mean = new float[3];
    private final float[] invStd = new float[3];

    public ImagePreprocessor(Preprocessing spec) {
        this.spec = spec;
        this.size = spec.inputSize();
        for (int c = 0; c < 3; c++) {
            mean[c] = (float) spec.mean()[c];
            invStd[c] = (float) (1.0 / spec.std()[c]);
        }
    }

    public Preprocessing spec() {
        return spec;
    }

    /** A batch [n, 3, size, size]. */
    public INDArray toBatch(List<RgbImage> images) {
        int per = 3 * size * size;
        float[] data = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            writeInto(images.get(i), data, i * per);
        }
        return Nd4j.create(data, new long[] {images.size(), 3, size, size}, 'c');
    }

    /** Writes one preprocessed image, CHW, at {@code offset} of {@code dest}. */
    public void writeInto(RgbImage image, float[] dest, int offset) {
        if (image.width() == size && image.height() == size) {
            byte[] chw = image.chw();
            int plane = size * size;
            for (int c = 0; c < 3; c++) {
                // the channel's constants in locals: serve runs C1 only, which reloads fields in a loop
                float m = mean[c];
                float scale = invStd[c];
                int to = (c + 1) * plane;
                for (int i = c * plane, d = offset + i; i < to; i++, d++) {
                    dest[d] = ((chw[i] & 0xFF) - m) * scale;
                }
            }
            return;
        }
        resizeBilinear(image, dest, offset);
    }

    /**
     * Bilinear resize with half-pixel centres (as OpenCV, PIL and TensorFlow 2 do), so an image
     * is not shifted by half a pixel when scaled.
     */
    private void resizeBilinear(RgbImage image, float[] dest, int offset) {
        int inW = image.width();
        int inH = image.height();
        double scaleX = (double) inW / size;
        double scaleY = (double) inH / size;
        int[] x0 = new int[size];
        int[] x1 = new int[size];
        float[] wx = new float[size];
        for (int x = 0; x < size; x++) {
            double src = Math.min(Math.max((x + 0.5) * scaleX - 0.5, 0), inW - 1);
            x0[x] = (int) src;
            x1[x] = Math.min(x0[x] + 1, inW - 1);
            wx[x] = (float) (src - x0[x]);
        }
        for (int y = 0; y < size; y++) {
            double srcY = Math.min(Math.max((y + 0.5) * scaleY - 0.5, 0), inH - 1);
            int y0 = (int) srcY;
            int y1 = Math.min(y0 + 1, inH - 1);
            float wy = (float) (srcY - y0);
            for (int c = 0; c < 3; c++) {
                for (int x = 0; x < size; x++) {
                    float top = image.at(c, y0, x0[x]) * (1 - wx[x]) + image.at(c, y0, x1[x]) * wx[x];
                    float bottom = image.at(c, y1, x0[x]) * (1 - wx[x]) + image.at(c, y1, x1[x]) * wx[x];
                    float value = top * (1 - wy) + bottom * wy;
                    dest[offset + (c * size + y) * size + x] = (value - mean[c]) * invStd[c];
                }
            }
        }
    }
}
