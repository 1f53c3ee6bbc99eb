package io.fovea.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A way to run {@code serve}'s JVM: which {@code java}, which options, and the options of a
 * training run that must come first (to write a class-data archive or an ahead-of-time cache).
 */
record JvmSetup(String name, Path java, List<String> options, List<String> training) {
    /** The setups {@code bench --warm-up} compares: JDK 17 (this JVM) and, where one is installed, JDK 25. */
    static List<JvmSetup> all(Path work, Path jdk25) {
        Path java17 = Path.of(System.getProperty("java.home"), "bin", "java");
        Path archive = work.resolve("serve.jsa");
        List<JvmSetup> setups = new ArrayList<>(List.of(
                new JvmSetup("JDK 17, tiered (default)", java17, List.of(), null),
                new JvmSetup("JDK 17, C1 only", java17, List.of("-XX:TieredStopAtLevel=1"), null),
                new JvmSetup(
                        "JDK 17, AppCDS",
                        java17,
                        List.of("-XX:SharedArchiveFile=" + archive),
                        List.of("-XX:ArchiveClassesAtExit=" + archive))));
        if (jdk25 != null) {
            Path java25 = jdk25.resolve("bin").resolve("java");
            Path cache = work.resolve("serve.aot");
            List<String> quiet = List.of("--enable-native-access=ALL-UNNAMED");
            setups.add(new JvmSetup("JDK 25, tiered", java25, quiet, null));
            setups.add(new JvmSetup(
                    "JDK 25, AOT cache",
                    java25,
                    concat(quiet, List.of("-XX:AOTCache=" + cache)),
                    concat(quiet, List.of("-XX:AOTCacheOutput=" + cache))));
        }
        return setups;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** A JDK 25 under /usr/lib/jvm (where Debian and Temurin's packages put theirs), if any. */
    static Optional<Path> findJdk(int feature) {
        Path root = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(root)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> release(home).contains("JAVA_VERSION=\"" + feature + "."))
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String release(Path home) {
        try {
            return Files.isRegularFile(home.resolve("release")) ? Files.readString(home.resolve("release")) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
