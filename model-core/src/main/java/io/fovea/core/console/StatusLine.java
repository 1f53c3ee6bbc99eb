package io.fovea.core.console;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * A status line that changes while a command runs. In a terminal it is redrawn in place every
 * second; elsewhere (a file, a pipe, CI, {@code kubectl logs}) redraws would pile up on one line,
 * so a plain line is printed every few seconds instead, as {@link Progress} does for bars.
 */
public final class StatusLine {
    private final PrintWriter out;
    private final boolean redraw;
    private final long everyNanos;
    private long lastNanos;
    private boolean shown;

    StatusLine(PrintWriter out, boolean redraw, Duration every) {
        this.out = out;
        this.redraw = redraw;
        this.everyNanos = every.toNanos();
    }

    /** A status line on {@code out}, redrawn when the JVM has a terminal. */
    public static StatusLine on(PrintWriter out) {
        boolean terminal = System.console() != null;
        return new StatusLine(out, terminal, terminal ? Duration.ofSeconds(1) : Progress.PLAIN_EVERY);
    }

    /** Shows {@code text} if the last one was shown long enough ago; {@code text} is only built then. */
    public void update(java.util.function.Supplier<String> text) {
        long now = System.nanoTime();
        if (shown && now - lastNanos < everyNanos) {
            return;
        }
        lastNanos = now;
        shown = true;
        if (redraw) {
            out.print("\r" + text.get() + "   ");
        } else {
            out.println(text.get());
        }
        out.flush();
    }
}
