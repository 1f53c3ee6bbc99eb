package io.fovea.core.preprocess;

import java.util.Arrays;

/**
 * How an {@link io.fovea.core.image.RgbImage} becomes model input: bilinear resize to
 * {@code inputSize} x {@code inputSize}, then per channel (value - mean) / std on the 0..255
 * scale. Stored in every bundle's manifest, so the stream app preprocesses exactly as the
 * trainer did.
 *
 * @param normalization a name for where mean and std came from: {@code vgg-imagenet-mean}
 *                      (what ImageNet VGG16 weights expect) or {@code fitted} (measured on the training data)
 */
public record Preprocessing(int inputSize, String resize, String normalization, double[] mean, double[] std) {
    public static final String BILINEAR = "bilinear";
    public static final String VGG_IMAGENET_MEAN = "vgg-imagenet-mean";
    public static final String FITTED = "fitted";

    public Preprocessing {
        if (inputSize < 1) {
            throw new IllegalArgumentException("input size must be positive, got " + inputSize);
        }
        if (!BILINEAR.equals(resize)) {
            throw new IllegalArgumentException("unknown resize '" + resize + "'; only " + BILINEAR + " is implemented");
        }
        if (mean.length != 3 || std.length != 3 || Arrays.stream(std).anyMatch(s -> !(s > 0))) {
            throw new IllegalArgumentException(
                    "need 3 means and 3 positive stds, got " + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
    }

    /** The per-channel RGB mean subtraction of the original VGG16 (Simonyan and Zisserman), no scaling. */
    public static Preprocessing vggImagenetMean(int inputSize) {
        return new Preprocessing(
                inputSize, BILINEAR, VGG_IMAGENET_MEAN, new double[] {123.68, 116.779, 103.939}, new double[] {1, 1, 1
                });
    }

    public static Preprocessing fitted(int inputSize, double[] mean, double[] std) {
        return new Preprocessing(inputSize, BILINEAR, FITTED, mean.clone(), std.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p
                && p.inputSize == inputSize
                && p.resize.equals(resize)
                && p.normalization.equals(normalization)
                && Arrays.equals(p.mean, mean)
                && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * inputSize + Arrays.hashCode(mean) + 7 * Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return inputSize + "x" + inputSize + " " + resize + ", " + normalization + " mean " + Arrays.toString(mean)
                + " std " + Arrays.toString(std);
    }
}
