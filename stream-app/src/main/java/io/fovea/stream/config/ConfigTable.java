package io.fovea.stream.config;

import java.util.List;

/** docs/operations.md's configuration table, generated from the options so the two cannot drift apart. */
public final class ConfigTable {
    public static final String HEADER = "| key | default | meaning |\n| --- | --- | --- |\n";

    private ConfigTable() {}

    /** The Markdown table of {@code options}, one row each, header included. */
    public static String markdown(List<ConfigOption<?>> options) {
        StringBuilder table = new StringBuilder(HEADER);
        for (ConfigOption<?> option : options) {
            table.append("| `")
                    .append(option.key())
                    .append("` | ")
                    .append(option.documentedDefault())
                    .append(" | ")
                    .append(option.description())
                    .append(" |\n");
        }
        return table.toString();
    }

    /** Prints the stream app's table, to paste into docs/operations.md. */
    public static void main(String[] args) {
        System.out.print(markdown(StreamOptions.ALL));
    }
}
