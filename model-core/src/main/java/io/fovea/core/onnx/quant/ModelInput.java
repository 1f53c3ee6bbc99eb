package io.fovea.core.onnx.quant;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.image.RgbImage;
import io.fovea.core.preprocess.ImagePreprocessor;
import io.fovea.core.preprocess.Preprocessing;
import java.util.List;

/**
 * What an ONNX model of a bundle is fed: the bundle's own preprocessing, in the model's layout
 * (channels first or last), as calibration and the accuracy gate must see exactly what serving does.
 */
public record ModelInput(Preprocessing preprocessing, boolean channelsLast, boolean logits) {

    /** The input of the bundle's fp32 ONNX model. */
    public static ModelInput of(BundleManifest manifest) {
        ModelFormat onnx = manifest.model(ModelFormat.ONNX)
                .orElseThrow(() -> new IllegalArgumentException(manifest.name() + "@" + manifest.version()
                        + " holds no ONNX model to quantize; add one first: bin/fovea models export "
                        + manifest.name() + "@" + manifest.version()));
        return new ModelInput(manifest.preprocessing(), onnx.channelsLast(), onnx.logits());
    }

    public int side() {
        return preprocessing.inputSize();
    }

    long[] shape(int batch) {
        int s = side();
        return channelsLast ? new long[] {batch, s, s, 3} : new long[] {batch, 3, s, s};
    }

    /** {@code batch} images' worth of input, the first {@code images.size()} real, the rest zeros. */
    float[] tensor(List<RgbImage> images, int batch) {
        ImagePreprocessor preprocessor = new ImagePreprocessor(preprocessing);
        int s = side();
        int per = 3 * s * s;
        float[] chw = new float[batch * per];
        for (int i = 0; i < images.size(); i++) {
            preprocessor.writeInto(images.get(i), chw, i * per);
        }
        if (!channelsLast) {
            return chw;
        }
        float[] hwc = new float[chw.length];
        int plane = s * s;
        for (int b = 0; b < batch; b++) {
            int base = b * per;
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < plane; p++) {
                    hwc[base + p * 3 + c] = chw[base + c * plane + p];
                }
            }
        }
        return hwc;
    }
}
