package io.fovea.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.function.IntSupplier;

/** Ports nothing listens on now, for the servers this repository starts on the loopback address. */
public final class FreePorts {
    private FreePorts() {}

    /** A port free now: the one the kernel gives a socket bound to port 0, closed again at once. */
    public static int one() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /**
     * A port free now and none of {@code taken}: ports probed but not yet bound are free to the
     * kernel, which may give the same one twice, and a server refuses two listeners on one port.
     */
    public static int other(int... taken) {
        return other(FreePorts::one, taken);
    }

    /** {@link #other(int...)} over any source of ports, so that a source repeating itself can be tested. */
    static int other(IntSupplier probe, int... taken) {
        while (true) {
            int port = probe.getAsInt();
            if (Arrays.stream(taken).noneMatch(p -> p == port)) {
                return port;
            }
        }
    }
}
