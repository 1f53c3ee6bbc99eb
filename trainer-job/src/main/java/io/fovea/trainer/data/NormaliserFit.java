package io.fovea.trainer.data;

import io.fovea.core.image.RgbImage;
import io.fovea.core.preprocess.Preprocessing;

/** Per-channel mean and standard deviation of the training images, for models trained from random weights. */
public final class NormaliserFit {
    private NormaliserFit() {}

    public static Preprocessing fit(LabelledImages train, int inputSize) {
        double[] sum = new double[3];
        double[] sumSquares = new double[3];
        long perChannel = 0;
        for (RgbImage image : train.images()) {
            int plane = image.width() * image.height();
            byte[] chw = image.chw();
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < plane; p++) {
                    int v = chw[c * plane + p] & 0xFF;
                    sum[c] += v;
                    sumSquares[c] += (double) v * v;
                }
            }
            perChannel += plane;
        }
        double[] mean = new double[3];
        double[] std = new double[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = sum[c] / perChannel;
            std[c] = Math.max(Math.sqrt(sumSquares[c] / perChannel - mean[c] * mean[c]), 1e-3);
        }
        return Preprocessing.fitted(inputSize, mean, std);
    }
}
