package io.fovea.stream.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A minimal HTTP/1.1 server for a few GET paths, one request a connection. The JDK's server
 * reads a request on its executor with no time limit, so one client that sends half a request
 * held its only thread and {@code /health} with it: here each connection gets a worker from a
 * small pool and is closed when its deadline passes, whatever it is doing.
 */
final class PlainHttpServer implements AutoCloseable {
    /** What a path answers. */
    record Response(int status, String contentType, String body) {}

    static final int WORKERS = 8;
    static final int QUEUED = 32;
    static final int MAX_HEAD_BYTES = 8192;
    /** Reading the request and writing the answer together; a probe's own timeout is about 1 s. */
    static final long DEADLINE_MS = 2000;

    private final ServerSocket socket;
    private final Function<String, Response> routes;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService reaper;
    private final Thread acceptor;

    PlainHttpServer(InetSocketAddress address, Function<String, Response> routes) {
        this.routes = routes;
        try {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(address, 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for HTTP on " + address, e);
        }
        workers = new ThreadPoolExecutor(
                WORKERS,
                WORKERS,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUED),
                daemon("fovea-http"),
                (task, pool) -> {
                    throw new RejectedExecutionException("busy");
                });
        reaper = Executors.newSingleThreadScheduledExecutor(daemon("fovea-http-deadline"));
        acceptor = daemon("fovea-http-accept").newThread(this::acceptLoop);
        acceptor.start();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** The address and port actually bound (port 0 asks for any free one). */
    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                continue; // closed, or one failed accept: the loop condition tells which
            }
            // The deadline runs from accept, so a connection waiting in the queue is bounded too.
            ScheduledFuture<?> expiry = reaper.schedule(() -> closeQuietly(client), DEADLINE_MS, TimeUnit.MILLISECONDS);
            try {
                workers.execute(() -> serve(client, expiry));
            } catch (RejectedExecutionException e) {
                expiry.cancel(false);
                closeQuietly(client); // every worker and queue slot taken: refuse rather than wait
            }
        }
    }

    private void serve(Socket client, ScheduledFuture<?> expiry) {
        try (client) {
            client.setSoTimeout((int) DEADLINE_MS);
            String requestLine = readHead(client.getInputStream());
            Response response = respond(requestLine);
            write(client.getOutputStream(), response, requestLine.startsWith("HEAD "));
        } catch (IOException | RuntimeException e) {
            // a client that went away, was too slow or sent garbage: nothing to answer
        } finally {
            expiry.cancel(false);
        }
    }

    private Response respond(String requestLine) {
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/")) {
            return new Response(400, "text/plain; charset=utf-8", "bad request\n");
        }
        if (!parts[0].equals("GET") && !parts[0].equals("HEAD")) {
            return new Response(405, "text/plain; charset=utf-8", "only GET\n");
        }
        int query = parts[1].indexOf('?');
        Response found = routes.apply(query < 0 ? parts[1] : parts[1].substring(0, query));
        return found != null ? found : new Response(404, "text/plain; charset=utf-8", "not found\n");
    }

    /** The request line, after reading the whole head (up to the blank line) within its limits. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last = -1;
        int beforeLast = -1;
        int beforeThat = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the request head");
            }
            head.write(b);
            boolean crlfCrlf = beforeThat == '\r' && beforeLast == '\n' && last == '\r' && b == '\n';
            if (crlfCrlf || (last == '\n' && b == '\n')) {
                break;
            }
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("request head over " + MAX_HEAD_BYTES + " bytes");
            }
            beforeThat = beforeLast;
            beforeLast = last;
            last = b;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\n');
        return text.substring(0, end).strip();
    }

    private static void write(OutputStream out, Response response, boolean headOnly) throws IOException {
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + response.status() + " " + reason(response.status()) + "\r\n"
                + "Content-Type: " + response.contentType() + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (!headOnly) {
            out.write(body);
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    private static void closeQuietly(Socket client) {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        workers.shutdownNow();
        reaper.shutdownNow();
    }
}
