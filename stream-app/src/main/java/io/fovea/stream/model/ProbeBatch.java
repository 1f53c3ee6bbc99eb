package io.fovea.stream.model;

import io.fovea.core.image.RandomImages;

/**
 * The check every version passes before it may serve, whatever runs it: a probe batch of 4
 * images must run (the input shape fits) and give one finite probability per label, each row
 * summing to 1. It also warms the model up.
 */
public final class ProbeBatch {
    static final int IMAGES = 4;

    private ProbeBatch() {}

    /** {@code runner}, once it passed the probe; closed (its native memory freed) if it did not. */
    public static <R extends ModelRunner> R checked(R runner, int inputSize) {
        try {
            check(runner, inputSize);
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
        return runner;
    }

    /** @throws IllegalStateException naming the version and what is wrong */
    public static void check(ModelRunner runner, int inputSize) {
        int labels = runner.labels().size();
        Probabilities out;
        try {
            out = runner.predict(RandomImages.of(IMAGES, inputSize, 4));
        } catch (RuntimeException e) {
            throw refused(runner, "the probe batch does not run (wrong input shape?): " + e.getMessage(), e);
        }
        if (out.rows() != IMAGES || out.labels() != labels) {
            throw refused(
                    runner,
                    "outputs [" + out.rows() + ", " + out.labels() + "] for " + IMAGES + " images, but the bundle has "
                            + labels + " labels",
                    null);
        }
        for (int r = 0; r < out.rows(); r++) {
            double sum = 0;
            for (int c = 0; c < labels; c++) {
                double p = out.get(r, c);
                if (!Double.isFinite(p)) {
                    // served, every image would be dead-lettered as NON_FINITE_OUTPUT
                    throw refused(
                            runner,
                            "the probe batch gives a non-finite output (" + p + ") for image " + r + ", label "
                                    + runner.labels().get(c),
                            null);
                }
                if (p < 0) {
                    throw refused(
                            runner,
                            "a probe output is " + p + ", not a probability (logits? import it with --output logits)",
                            null);
                }
                sum += p;
            }
            if (Math.abs(sum - 1) > 1e-3) {
                throw refused(
                        runner,
                        "probe probabilities sum to " + sum + ", not 1 (logits? import it with --output logits)",
                        null);
            }
        }
    }

    private static IllegalStateException refused(ModelRunner runner, String why, Throwable cause) {
        return new IllegalStateException(runner.name() + "@" + runner.version() + " refused: " + why, cause);
    }
}
