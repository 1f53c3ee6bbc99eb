package io.fovea.cli.consume;

/**
 * Makes producer-supplied text safe to print on a terminal: an event id or label can hold an
 * escape sequence that moves the cursor, rewrites earlier lines or retitles the window. Control
 * characters (C0, DEL, C1) and the bidirectional overrides that reorder what is shown become
 * {@code \u001b}-style escapes, which are also valid inside a JSON string; all other Unicode
 * stays as it is.
 */
final class TerminalText {
    private TerminalText() {}

    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (unsafe(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean unsafe(char c) {
        return c < 0x20
                || (c >= 0x7f && c <= 0x9f)
                || c == '\u2028'
                || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
