package io.fovea.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.PrimitiveIterator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FreePortsTest {
    @Test
    void aPortAlreadyTakenIsProbedAgainUntilAnotherComes() {
        PrimitiveIterator.OfInt probes = IntStream.of(9001, 9002, 9001, 9003).iterator();

        assertEquals(9003, FreePorts.other(probes::nextInt, 9001, 9002));
    }

    @Test
    void aFreePortCanBeBoundAndIsNotTheOneTaken() throws Exception {
        int first = FreePorts.one();
        int second = FreePorts.other(first);

        assertNotEquals(first, second);
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", second));
            assertEquals(second, socket.getLocalPort());
        }
    }
}
