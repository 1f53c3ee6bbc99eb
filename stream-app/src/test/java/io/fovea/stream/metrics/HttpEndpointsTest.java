package io.fovea.stream.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {
    private static HttpEndpoints endpoints(String bind) {
        return new HttpEndpoints(
                bind, 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true, () -> false);
    }

    /** A whole request on a fresh connection; the answer's status line. */
    private static String get(int port, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(1000); // well within the server's own deadline for a slow client
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return answer.substring(0, answer.indexOf('\r'));
        }
    }

    @Test
    void clientsThatSendNothingOrHalfARequestDoNotStallHealth() throws IOException {
        try (HttpEndpoints http = endpoints("127.0.0.1")) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    Socket s = new Socket("127.0.0.1", http.port());
                    if (i % 2 == 0) {
                        s.getOutputStream().write("GET /health HTTP/1.1\r\nHost:".getBytes(StandardCharsets.US_ASCII));
                    }
                    slow.add(s);
                }
                long start = System.nanoTime();
                assertEquals("HTTP/1.1 200 OK", get(http.port(), "/health"));
                assertEquals("HTTP/1.1 503 Service Unavailable", get(http.port(), "/ready"));
                assertTrue(System.nanoTime() - start < 1_000_000_000L, "answered while slow clients wait");
                // and the slow ones are cut off at the deadline rather than held for ever
                for (Socket s : slow) {
                    s.setSoTimeout((int) (PlainHttpServer.DEADLINE_MS * 3));
                    assertEquals(-1, readOrTimeout(s.getInputStream()), "a slow client is closed");
                }
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    private static int readOrTimeout(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            return -2;
        } catch (IOException e) {
            return -1; // reset: closed as well
        }
    }

    @Test
    void listensOnTheBindAddressAndReportsTheRealPort() throws IOException {
        try (HttpEndpoints http = endpoints("127.0.0.1")) {
            assertTrue(http.port() > 0, "port 0 became a real port");
            assertEquals("http://127.0.0.1:" + http.port(), http.baseUrl());
            assertEquals("HTTP/1.1 200 OK", get(http.port(), "/health"));
        }
        try (HttpEndpoints http = endpoints("")) {
            assertEquals("http://0.0.0.0:" + http.port(), http.baseUrl(), "every interface, as it is");
        }
    }

    @Test
    void servesMetricsAndRefusesWhatItDoesNotKnow() throws IOException {
        try (HttpEndpoints http = endpoints("127.0.0.1")) {
            assertEquals("HTTP/1.1 200 OK", get(http.port(), "/metrics?x=1"));
            assertEquals("HTTP/1.1 404 Not Found", get(http.port(), "/other"));
            try (Socket socket = new Socket("127.0.0.1", http.port())) {
                OutputStream out = socket.getOutputStream();
                out.write("POST /health HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 405"), answer);
            }
        }
    }
}
