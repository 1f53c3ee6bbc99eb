package io.fovea.core.console;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The one progress bar style of the CLI: count, rate and ETA. In a terminal it redraws in place;
 * elsewhere (a file, a pipe, CI, {@code kubectl logs}) a redraw would pile up on one line, so it
 * prints a plain line every few seconds instead.
 */
public final class Progress {
    /** How often a plain line is printed when output is not a terminal. */
    static final Duration PLAIN_EVERY = Duration.ofSeconds(5);
    /** Width of a plain line: the bar itself is drawn in what is left of it. */
    private static final int PLAIN_WIDTH = 120;

    private Progress() {}

    public static ProgressBar bar(String task, long total, String unit) {
        return System.console() != null
                ? redrawn(task, total, unit)
                : plain(task, total, unit, System.err, PLAIN_EVERY);
    }

    private static ProgressBar redrawn(String task, long total, String unit) {
        return style(task, total, unit).setUpdateIntervalMillis(250).build();
    }

    /** A bar printed as a new line to {@code out} every {@code every}, and once more when it closes. */
    static ProgressBar plain(String task, long total, String unit, PrintStream out, Duration every) {
        return style(task, total, unit)
                .setConsumer(new DelegatingProgressBarConsumer(out::println, PLAIN_WIDTH))
                .setUpdateIntervalMillis(Math.toIntExact(every.toMillis()))
                .build();
    }

    private static ProgressBarBuilder style(String task, long total, String unit) {
        return ProgressBar.builder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII);
    }
}
