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
                    s.setSoTimeout((int) (HttpEndpoints.DEADLINE_MS * 3));
                    assertEquals(-1, readOrTimeout(s.getInputStream()), "a slow client is closed");
                }
                long closedAfterMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue(
                        closedAfterMs < HttpEndpoints.DEADLINE_MS + 1000, "closed at the deadline: " + closedAfterMs);
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
    void aFullPoolRefusesTheNextConnectionAtOnceAndServesAgainAfterTheDeadline() throws IOException {
        try (HttpEndpoints http = endpoints("127.0.0.1")) {
            // every worker and queue slot taken by a half request, and one more
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < HttpEndpoints.WORKERS + HttpEndpoints.QUEUED + 1; i++) {
                    Socket s = new Socket("127.0.0.1", http.port());
                    s.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                    slow.add(s);
                }
                assertEquals(1, closedWithin(slow, HttpEndpoints.DEADLINE_MS / 2), "one refused before its deadline");
                // the refusal did not stop the server: once the deadline frees the workers, it answers
                assertEquals(
                        HttpEndpoints.WORKERS + HttpEndpoints.QUEUED,
                        closedWithin(slow, HttpEndpoints.DEADLINE_MS * 2));
                assertEquals("HTTP/1.1 200 OK", get(http.port(), "/health"));
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    /** How many of the sockets the server closes within this long; those are removed from the list. */
    private static int closedWithin(List<Socket> sockets, long millis) throws IOException {
        long end = System.nanoTime() + millis * 1_000_000;
        int closed = 0;
        while (System.nanoTime() < end && !sockets.isEmpty()) {
            for (var it = sockets.iterator(); it.hasNext(); ) {
                Socket s = it.next();
                s.setSoTimeout(10);
                if (readOrTimeout(s.getInputStream()) != -2) {
                    s.close();
                    it.remove();
                    closed++;
                }
            }
        }
        return closed;
    }

    @Test
    void readyNamesWhyItIsNotReadyInItsBody() throws IOException {
        String why = "waiting for the schema registry to give writer schema 7";
        try (HttpEndpoints http = new HttpEndpoints(
                        "127.0.0.1", 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true, () -> why);
                Socket socket = new Socket("127.0.0.1", http.port())) {
            socket.setSoTimeout(1000);
            socket.getOutputStream()
                    .write("GET /ready HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), answer);
            assertTrue(answer.endsWith("\r\n\r\nNOT READY: " + why + "\n"), answer);
        }
    }

    @Test
    void headAnswersTheStatusAndTypeWithoutABody() throws IOException {
        try (HttpEndpoints http = endpoints("127.0.0.1");
                Socket socket = new Socket("127.0.0.1", http.port())) {
            socket.setSoTimeout(1000);
            socket.getOutputStream()
                    .write("HEAD /ready HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), answer);
            assertTrue(answer.toLowerCase().contains("content-type: text/plain; charset=utf-8\r\n"), answer);
            assertTrue(answer.endsWith("\r\n\r\n"), "no body: " + answer);
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
            assertEquals("HTTP/1.1 404 Not Found", get(http.port(), "/healthz"), "exact paths, not prefixes");
            try (Socket socket = new Socket("127.0.0.1", http.port())) {
                OutputStream out = socket.getOutputStream();
                out.write("POST /health HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 405"), answer);
            }
        }
    }
}
