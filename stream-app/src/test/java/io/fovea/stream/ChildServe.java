package io.fovea.stream;

import io.fovea.core.runtime.NativeBackend;
import picocli.CommandLine;

/** {@code bin/fovea serve} in a JVM of its own, for tests that kill it. */
public final class ChildServe {
    private ChildServe() {
    }

    public static void main(String[] args) {
        NativeBackend.configure();
        System.exit(new CommandLine(new ServeCommand()).execute(args));
    }
}
