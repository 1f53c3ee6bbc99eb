package io.fovea.stream;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT drain serve before the JVM begins to shut down, then exit with the usual
 * 128 + signal number. Why not a shutdown hook alone: hooks run concurrently, and ONNX Runtime's
 * Java binding registers one that releases its native environment; a forward pass still running
 * on the inference thread then crashes the JVM (SIGSEGV in libonnxruntime) instead of finishing
 * and committing. Handling the signal first means every pass is done and every session closed
 * before any hook runs. The shutdown hook stays for any other way the JVM exits.
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    /** 128 + the number of the signal that stopped serve; 0 before one came. */
    private static volatile int signalled;

    private StopSignals() {}

    /** The exit status serve should end with: the signal's, when one stopped it, else {@code otherwise}. */
    static int exitStatus(int otherwise) {
        return signalled != 0 ? signalled : otherwise;
    }

    /** Runs {@code stop} once: on SIGTERM or SIGINT (then exits), or from a shutdown hook. */
    static void install(Runnable stop) {
        AtomicBoolean done = new AtomicBoolean();
        Runnable once = () -> {
            if (done.compareAndSet(false, true)) {
                stop.run();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(once, "fovea-serve-stop"));
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    signalled = 128 + signal.getNumber();
                    Thread drain = new Thread(
                            () -> {
                                once.run();
                                System.exit(signalled); // the main thread exits with the same status
                            },
                            "fovea-serve-drain");
                    drain.start();
                });
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal for itself (e.g. -Xrs): the shutdown hook still drains
                LOG.warn("Cannot handle SIG{}: {}; stopping on shutdown hooks only", name, e.getMessage());
            }
        }
    }
}
