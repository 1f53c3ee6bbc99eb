package io.fovea.bench;

/** A measurement taken between two runs of the bare model at the same batch size. */
record AroundBare(double before, double measured, double after) {
    /** The bare model: the mean of the runs just before and just after. */
    double bare() {
        return (before + after) / 2;
    }

    double ratio() {
        return measured / bare();
    }
}
