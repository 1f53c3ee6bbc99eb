package io.fovea.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A way to run {@code serve}: which {@code java}, which JVM options, which serve settings, and the
 * JVM options of a training run that must come first (to write a class-data archive or an
 * ahead-of-time cache).
 */
record JvmSetup(String name, Path java, List<String> options, Map<String, String> settings, List<String> training) {
    private static final Map<String, String> NO_WARM_UP = Map.of("warm.up.ms", "0");
    private static final Map<String, String> WARM_UP = Map.of();
    static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    /** The setups {@code bench warm-up} compares: JDK 17 (this JVM) and, where one is installed, JDK 25. */
    static List<JvmSetup> all(Path work, Path jdk25) {
        Path java17 = Path.of(System.getProperty("java.home"), "bin", "java");
        Path archive = work.resolve("serve.jsa");
        List<JvmSetup> setups = new ArrayList<>(List.of(
                new JvmSetup("JDK 17, tiered, no warm-up (before)", java17, List.of(), NO_WARM_UP, null),
                new JvmSetup("JDK 17, C1 only, no warm-up", java17, List.of(C1_ONLY), NO_WARM_UP, null),
                new JvmSetup(
                        "JDK 17, AppCDS, no warm-up",
                        java17,
                        List.of("-XX:SharedArchiveFile=" + archive),
                        NO_WARM_UP,
                        List.of("-XX:ArchiveClassesAtExit=" + archive))));
        if (jdk25 != null) {
            Path java25 = jdk25.resolve("bin").resolve("java");
            Path cache = work.resolve("serve.aot");
            setups.add(new JvmSetup(
                    "JDK 25, AOT cache, no warm-up",
                    java25,
                    List.of("--enable-native-access=ALL-UNNAMED", "-XX:AOTCache=" + cache),
                    NO_WARM_UP,
                    List.of("--enable-native-access=ALL-UNNAMED", "-XX:AOTCacheOutput=" + cache)));
        }
        setups.add(new JvmSetup("JDK 17, tiered, warm-up", java17, List.of(), WARM_UP, null));
        setups.add(new JvmSetup("JDK 17, C1 only, warm-up (serve's default)", java17, List.of(C1_ONLY), WARM_UP, null));
        return setups;
    }

    /** A JDK of this feature release under /usr/lib/jvm (where Debian and Temurin's packages put theirs), if any. */
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
