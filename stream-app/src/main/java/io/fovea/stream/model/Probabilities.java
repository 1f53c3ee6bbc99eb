package io.fovea.stream.model;

/**
 * A forward pass's output, row by row: one row of {@code labels} class probabilities per image,
 * in a plain array on the Java heap. Every backend hands its output over in this form, once, on
 * the inference thread: the stream thread then reads each prediction's row without crossing into
 * native code, and nothing has native memory to free.
 */
public final class Probabilities {
    private final int rows;
    private final int labels;
    private final float[] values;

    /** @param values row after row, {@code rows * labels} of them */
    public Probabilities(int rows, int labels, float[] values) {
        if (rows < 0 || labels < 1 || values.length != (long) rows * labels) {
            throw new IllegalArgumentException(
                    values.length + " values are not " + rows + " rows of " + labels + " labels");
        }
        this.rows = rows;
        this.labels = labels;
        this.values = values;
    }

    /** These rows, each of the same length. */
    public static Probabilities of(float[][] rows) {
        int labels = rows.length == 0 ? 1 : rows[0].length;
        float[] values = new float[rows.length * labels];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != labels) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " labels, row 0 " + labels);
            }
            System.arraycopy(rows[r], 0, values, r * labels, labels);
        }
        return new Probabilities(rows.length, labels, values);
    }

    /** Rows of zeros, to be filled with {@link #copyRows}. */
    static Probabilities empty(int rows, int labels) {
        return new Probabilities(rows, labels, new float[rows * labels]);
    }

    public int rows() {
        return rows;
    }

    public int labels() {
        return labels;
    }

    public float get(int row, int label) {
        return values[row * labels + label];
    }

    /** The label with the highest probability in row {@code row} (the first of equals). */
    public int argMax(int row) {
        int best = 0;
        for (int label = 1; label < labels; label++) {
            if (get(row, label) > get(row, best)) {
                best = label;
            }
        }
        return best;
    }

    /** The largest difference between a value here and the same one in {@code other}: two models compared. */
    public double maxAbsDifference(Probabilities other) {
        if (other.rows != rows || other.labels != labels) {
            throw new IllegalArgumentException(
                    "[" + rows + ", " + labels + "] against [" + other.rows + ", " + other.labels + "]");
        }
        double worst = 0;
        for (int i = 0; i < values.length; i++) {
            worst = Math.max(worst, Math.abs(values[i] - other.values[i]));
        }
        return worst;
    }

    /** A copy of row {@code row}. */
    public float[] row(int row) {
        float[] copy = new float[labels];
        System.arraycopy(values, row * labels, copy, 0, labels);
        return copy;
    }

    /** Copies {@code count} rows from row {@code from} into {@code to}, from its row {@code at}. */
    void copyRows(int from, int count, Probabilities to, int at) {
        if (to.labels != labels) {
            throw new IllegalArgumentException(labels + " labels copied into rows of " + to.labels);
        }
        System.arraycopy(values, from * labels, to.values, at * labels, count * labels);
    }
}
