package io.fovea.stream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fovea.core.image.RgbImage;
import io.fovea.core.runtime.NativeBackend;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The probe a version passes before it serves refuses one whose outputs are not all finite. */
class ProbeBatchTest {
    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    /** Two labels, even odds, except one output of the third image. */
    private record Runner(float third) implements ModelRunner {
        @Override
        public String name() {
            return "probe";
        }

        @Override
        public int version() {
            return 2;
        }

        @Override
        public List<String> labels() {
            return List.of("cat", "dog");
        }

        @Override
        public Probabilities predict(List<RgbImage> images) {
            float[][] rows = new float[images.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = new float[] {0.5f, i == 2 ? third : 0.5f};
            }
            return Probabilities.of(rows);
        }

        @Override
        public void close() {}
    }

    @Test
    void aVersionWhoseProbeOutputsAreFiniteProbabilitiesPasses() {
        ProbeBatch.check(new Runner(0.5f), 8);
    }

    @Test
    void aVersionWhoseProbeGivesNanIsRefusedNamingTheOutput() {
        IllegalStateException refused =
                assertThrows(IllegalStateException.class, () -> ProbeBatch.check(new Runner(Float.NaN), 8));
        assertEquals(
                "probe@2 refused: the probe batch gives a non-finite output (NaN) for image 2, label dog",
                refused.getMessage());
    }

    @Test
    void aVersionWhoseProbeGivesAnInfinityIsRefused() {
        assertEquals(
                "probe@2 refused: the probe batch gives a non-finite output (Infinity) for image 2, label dog",
                assertThrows(
                                IllegalStateException.class,
                                () -> ProbeBatch.check(new Runner(Float.POSITIVE_INFINITY), 8))
                        .getMessage());
    }
}
