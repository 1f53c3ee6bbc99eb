package io.fovea.stream.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.function.BooleanSupplier;

/**
 * One small HTTP port: {@code /metrics} (Prometheus text), {@code /health} (alive: 200 unless
 * the streams client has failed) and {@code /ready} (200 once the model is loaded and Kafka
 * Streams is RUNNING; 503 while starting, rebalancing or stopping).
 */
public final class HttpEndpoints implements AutoCloseable {
    private static final String TEXT = "text/plain; charset=utf-8";

    private final PlainHttpServer server;

    /** @param bindAddress a host name or address to listen on; blank: every interface */
    public HttpEndpoints(
            String bindAddress,
            int port,
            PrometheusMeterRegistry registry,
            BooleanSupplier alive,
            BooleanSupplier ready) {
        InetSocketAddress address =
                bindAddress == null || bindAddress.isBlank() ? new InetSocketAddress(port) : resolve(bindAddress, port);
        server = new PlainHttpServer(address, path -> switch (path) {
            case "/metrics" ->
                new PlainHttpServer.Response(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            case "/health" -> status(alive.getAsBoolean());
            case "/ready" -> status(ready.getAsBoolean());
            default -> null;
        });
    }

    private static InetSocketAddress resolve(String host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(host.strip()), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("http.bind.address: unknown host '" + host + "'", e);
        }
    }

    private static PlainHttpServer.Response status(boolean ok) {
        return new PlainHttpServer.Response(ok ? 200 : 503, TEXT, ok ? "OK\n" : "NOT READY\n");
    }

    public int port() {
        return server.address().getPort();
    }

    /** Where it really listens, as a URL base: {@code http://127.0.0.1:8080}, {@code http://0.0.0.0:8080}. */
    public String baseUrl() {
        InetAddress host = server.address().getAddress();
        // every interface: the conventional 0.0.0.0, not the IPv6 wildcard's eight zeros
        String text = host.isAnyLocalAddress() ? "0.0.0.0" : host.getHostAddress();
        return "http://" + (text.contains(":") ? "[" + text + "]" : text) + ":" + port();
    }

    @Override
    public void close() {
        server.close();
    }
}
