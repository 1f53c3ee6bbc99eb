package io.fovea.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fovea.core.image.RgbImage;
import io.fovea.core.preprocess.ImagePreprocessor;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.runtime.NativeBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ImageBatchesTest {
    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    private static LabelledImages images(int n) {
        List<RgbImage> images = new ArrayList<>();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            images.add(new RgbImage(32, 32, new byte[3 * 32 * 32]));
            labels[i] = i % 4;
        }
        return new LabelledImages(images, labels);
    }

    private static INDArray labelsOfFirstBatch(double smoothing) {
        ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.vggImagenetMean(32));
        return new ImageBatches(images(6), preprocessor, 4, 6, null, 1, smoothing)
                .epoch(false)
                .next()
                .getLabels();
    }

    @Test
    void labelSmoothingSpreadsItsShareEvenlyAndEachRowStillSumsToOne() {
        INDArray labels = labelsOfFirstBatch(0.1);
        for (int row = 0; row < 6; row++) {
            for (int c = 0; c < 4; c++) {
                double expected = c == row % 4 ? 0.9 + 0.025 : 0.025;
                assertEquals(expected, labels.getDouble(row, c), 1e-6, "row " + row + " class " + c);
            }
            assertEquals(1.0, labels.getRow(row).sumNumber().doubleValue(), 1e-6);
        }
    }

    @Test
    void withoutSmoothingLabelsAreOneHot() {
        INDArray labels = labelsOfFirstBatch(0);
        assertEquals(6.0, labels.sumNumber().doubleValue(), 1e-9);
        assertEquals(1.0, labels.getDouble(5, 1), 1e-9);
    }

    @Test
    void aSmoothingOfOneOrMoreIsRefused() {
        ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.vggImagenetMean(32));
        assertThrows(
                IllegalArgumentException.class, () -> new ImageBatches(images(2), preprocessor, 4, 2, null, 1, 1.0));
    }
}
