package io.fovea.core.image;

/**
 * A decoded 8-bit RGB image in planar (CHW) layout: all red values, then green, then blue, each
 * plane row-major. The one in-memory form every source is decoded to, so that training and
 * serving preprocess identical bytes.
 */
public record RgbImage(int width, int height, byte[] chw) {
    public static final int CHANNELS = 3;

    public RgbImage {
        if (width <= 0 || height <= 0 || chw.length != (long) width * height * CHANNELS) {
            throw new IllegalArgumentException("an RGB image of " + width + "x" + height + " needs "
                    + (long) width * height * CHANNELS + " bytes, got " + chw.length);
        }
    }

    /** Value 0..255 of channel {@code c} at column {@code x}, row {@code y}. */
    public int at(int c, int y, int x) {
        return chw[(c * height + y) * width + x] & 0xFF;
    }
}
