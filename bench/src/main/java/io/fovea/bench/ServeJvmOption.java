package io.fovea.bench;

import java.util.List;
import picocli.CommandLine.Option;

/** The JVM options of a serve the benchmark starts in a process of its own. */
final class ServeJvmOption {
    @Option(
            names = "--serve-jvm",
            paramLabel = "OPTIONS",
            defaultValue = "-Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:TieredStopAtLevel=1",
            description = {
                "JVM options of the serve measured (default: ${DEFAULT-VALUE}). A fixed, pre-touched heap (as"
                        + " deploy/ runs it): resident memory then moves only with what lives outside the heap, where a"
                        + " model's memory is."
            })
    String options;

    List<String> list() {
        return split(options);
    }

    /** JVM options written as one string, as a shell would pass them unquoted. */
    static List<String> split(String options) {
        String trimmed = options.trim();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }
}
