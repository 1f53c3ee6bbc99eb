package io.fovea.bench;

import io.fovea.core.cli.SecretSettings;
import io.fovea.stream.config.ModelOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bench pipeline}'s serve settings: for every serve row (--set), and rows of their own (--variant, --variant-jvm). */
final class ServeRows {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "A serve setting for every serve run, e.g. --set commit.interval.ms=500 (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--variant",
            paramLabel = "KEY=VALUE[,KEY=VALUE]",
            description = {
                "One more serve row, exactly once unless processing.guarantee says otherwise, with these settings over"
                        + " --set's, in the same rounds (repeatable): compares settings in one run, e.g. --variant"
                        + " commit.interval.ms=1000."
            })
    List<String> variants = new ArrayList<>();

    @Option(
            names = "--variant-jvm",
            paramLabel = "OPTIONS",
            description = {
                "One more serve row, exactly once, whose JVM runs with these options in place of --serve-jvm's, in the"
                        + " same rounds (repeatable): e.g. --variant-jvm \"-Xms1g -Xmx1g -XX:+AlwaysPreTouch\" for the"
                        + " JDK's own compilers."
            })
    List<String> jvmVariants = new ArrayList<>();

    /** --set's settings for every serve run; secrets are refused on a command line. */
    Map<String, String> settings() {
        SecretSettings.refuseOnCommandLine(settings);
        return settings;
    }

    /** Each --variant's settings, then each --variant-jvm's options. */
    List<Contender.Variant> variants() {
        List<Contender.Variant> all = new ArrayList<>();
        for (String variant : variants) {
            Map<String, String> settings = new LinkedHashMap<>();
            for (String pair : variant.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new ParameterException(
                            spec.commandLine(), "--variant takes KEY=VALUE[,KEY=VALUE], got '" + variant + "'");
                }
                settings.put(
                        pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
            SecretSettings.refuseOnCommandLine(settings);
            all.add(Contender.Variant.ofSettings(settings));
        }
        for (String options : jvmVariants) {
            List<String> jvm = ServeJvmOption.split(options);
            if (jvm.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--variant-jvm takes JVM options, got none");
            }
            all.add(Contender.Variant.ofJvm(jvm));
        }
        return all;
    }

    /** The precision is --precision's: neither --set nor a --variant may say it. */
    void refusePrecision() {
        if (settings.containsKey(ModelOptions.MODEL_PRECISION.key())) {
            throw new ParameterException(
                    spec.commandLine(),
                    "the precision is --precision's, not --set " + ModelOptions.MODEL_PRECISION.key() + "'s");
        }
        for (String variant : variants) {
            if (variant.contains(ModelOptions.MODEL_PRECISION.key())) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--variant rows run each --precision already; drop " + ModelOptions.MODEL_PRECISION.key());
            }
        }
    }
}
