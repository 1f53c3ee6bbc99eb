package io.fovea.core.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void withoutATerminalEachUpdateIsAPlainLineNotARedraw() throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ProgressBar bar = Progress.plain("epoch 1/3", 100, "img", out, Duration.ofMillis(50))) {
            for (int i = 0; i < 4; i++) {
                bar.stepBy(25);
                Thread.sleep(120);
            }
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(printed.contains("\r"), "no carriage return: " + printed);
        List<String> lines = printed.lines().toList();
        assertTrue(lines.size() >= 3, "a line per update: " + printed);
        assertTrue(lines.stream().allMatch(line -> line.startsWith("epoch 1/3")), printed);
        assertTrue(lines.get(lines.size() - 1).contains("100/100"), "the last line is the whole count: " + printed);
        assertTrue(lines.stream().allMatch(line -> line.length() <= 120), "one line is one update: " + printed);
    }
}
