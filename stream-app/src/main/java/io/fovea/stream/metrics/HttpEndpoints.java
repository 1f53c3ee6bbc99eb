package io.fovea.stream.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One small HTTP port: {@code /metrics} (Prometheus text), {@code /health} (alive: 200 unless
 * the streams client has failed) and {@code /ready} (200 once the model is loaded and Kafka
 * Streams is RUNNING; 503 while starting, rebalancing, stopping or waiting for the schema
 * registry, with the reason in the body). Served by the JDK's server
 * with time limits and a bounded pool, so a slow client cannot stall {@code /health}.
 */
public final class HttpEndpoints implements AutoCloseable {
    static final int WORKERS = 8;
    static final int QUEUED = 16;
    /** To send the request, and again to take the answer; a probe's own timeout is about 1 s. */
    static final long DEADLINE_MS = 2000;
    /** How often the JDK server looks for connections past their deadline. */
    static final long CHECK_EVERY_MS = 250;

    private static final String TEXT = "text/plain; charset=utf-8";

    static {
        // The JDK server has no time limits by default and reads these once, when its first
        // instance is created in the JVM: so here, before that; a value the user set wins.
        long seconds = TimeUnit.MILLISECONDS.toSeconds(DEADLINE_MS);
        setUnlessSet("sun.net.httpserver.maxReqTime", seconds); // first byte to end of head
        setUnlessSet("sun.net.httpserver.maxRspTime", seconds); // end of head to answer sent
        setUnlessSet("sun.net.httpserver.timerMillis", CHECK_EVERY_MS); // checks the two above
        // closes a connection that never sends a byte after min(idleInterval, maxReqTime); the
        // default tick of 10 s would let it linger that much longer
        setUnlessSet("sun.net.httpserver.clockTick", CHECK_EVERY_MS);
    }

    private static void setUnlessSet(String key, long value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, Long.toString(value));
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor workers;

    /** @param bindAddress a host name or address to listen on; blank: every interface */
    public HttpEndpoints(
            String bindAddress,
            int port,
            PrometheusMeterRegistry registry,
            BooleanSupplier alive,
            BooleanSupplier ready) {
        this(bindAddress, port, registry, alive, () -> ready.getAsBoolean() ? null : "");
    }

    /** @param whyNotReady null when ready, else why not (shown in /ready's body; may be empty) */
    public HttpEndpoints(
            String bindAddress,
            int port,
            PrometheusMeterRegistry registry,
            BooleanSupplier alive,
            Supplier<String> whyNotReady) {
        InetSocketAddress address =
                bindAddress == null || bindAddress.isBlank() ? new InetSocketAddress(port) : resolve(bindAddress, port);
        try {
            server = HttpServer.create(address, 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for HTTP on " + address, e);
        }
        // One context and exact paths: contexts match by prefix, so "/health" would answer "/healthz".
        server.createContext("/", exchange -> {
            try (exchange) {
                route(exchange, registry, alive, whyNotReady);
            }
        });
        workers = pool();
        server.setExecutor(workers);
        server.start();
    }

    /**
     * When every worker is busy and the queue full, execute throws; the JDK's dispatcher catches
     * that (ServerImpl.Dispatcher.handle catches Throwable) and closes just that connection.
     */
    private static ThreadPoolExecutor pool() {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(
                WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUED), r -> {
                    Thread t = new Thread(r, "fovea-http-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    private static InetSocketAddress resolve(String host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(host.strip()), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("http.bind.address: unknown host '" + host + "'", e);
        }
    }

    private static void route(
            HttpExchange exchange,
            PrometheusMeterRegistry registry,
            BooleanSupplier alive,
            Supplier<String> whyNotReady)
            throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            respond(exchange, 405, TEXT, "only GET\n");
            return;
        }
        switch (exchange.getRequestURI().getPath()) {
            case "/metrics" -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            case "/health" -> status(exchange, alive.getAsBoolean());
            case "/ready" -> ready(exchange, whyNotReady.get());
            default -> respond(exchange, 404, TEXT, "not found\n");
        }
    }

    private static void status(HttpExchange exchange, boolean ok) throws IOException {
        respond(exchange, ok ? 200 : 503, TEXT, ok ? "OK\n" : "NOT READY\n");
    }

    private static void ready(HttpExchange exchange, String whyNot) throws IOException {
        if (whyNot == null) {
            respond(exchange, 200, TEXT, "OK\n");
        } else {
            respond(exchange, 503, TEXT, whyNot.isEmpty() ? "NOT READY\n" : "NOT READY: " + whyNot + "\n");
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        // one request a connection, as probes and scrapes make them: no idle connections to keep
        exchange.getResponseHeaders().set("Connection", "close");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Where it really listens, as a URL base: {@code http://127.0.0.1:8080}, {@code http://0.0.0.0:8080}. */
    public String baseUrl() {
        InetAddress host = server.getAddress().getAddress();
        // every interface: the conventional 0.0.0.0, not the IPv6 wildcard's eight zeros
        String text = host.isAnyLocalAddress() ? "0.0.0.0" : host.getHostAddress();
        return "http://" + (text.contains(":") ? "[" + text + "]" : text) + ":" + port();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
