package io.fovea.core.console;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarStyle;

/** The one progress bar style of the CLI: count, rate and ETA. */
public final class Progress {
    private Progress() {}

    public static ProgressBar bar(String task, long total, String unit) {
        return ProgressBar.builder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .build();
    }
}
