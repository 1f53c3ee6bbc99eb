package io.fovea.core.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatusLineTest {
    @Test
    void offATerminalEachUpdateIsAPlainLineAndUpdatesWithinTheIntervalAreNotPrinted() {
        StringWriter text = new StringWriter();
        StatusLine line = new StatusLine(new PrintWriter(text), false, Duration.ofHours(1));
        line.update(() -> "first");
        line.update(() -> "second, too soon");
        assertEquals("first" + System.lineSeparator(), text.toString());
        assertFalse(text.toString().contains("\r"), "no carriage return in a file or a pipe");
    }

    @Test
    void inATerminalTheLineIsRedrawnInPlace() {
        StringWriter text = new StringWriter();
        StatusLine line = new StatusLine(new PrintWriter(text), true, Duration.ZERO);
        line.update(() -> "one");
        line.update(() -> "two");
        assertTrue(text.toString().startsWith("\rone"), text.toString());
        assertTrue(text.toString().contains("\rtwo"), text.toString());
        assertFalse(text.toString().contains(System.lineSeparator()), "redrawn, never a new line");
    }
}
