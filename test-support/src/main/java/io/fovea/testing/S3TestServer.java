package io.fovea.testing;

import io.fovea.core.store.object.ObjectStoreSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-compatible server in this JVM, as {@link KafkaTestBroker} is a real Kafka: s3proxy
 * over its filesystem backend, with AWS signature V4 authentication, on a fixed port so that it
 * can be stopped and started again with its objects kept. s3proxy ignores conditional writes
 * (If-None-Match, If-Match), which is why the object store does not use them.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String IDENTITY = "fovea-test-access-key";
    public static final String CREDENTIAL = "fovea-test-secret-key";

    private final Path data;
    private final int port;
    private final BlobStoreContext context;
    private S3Proxy proxy;

    private S3TestServer(Path data, int port) {
        this.data = data;
        this.port = port;
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", data.toString());
        this.context = ContextBuilder.newBuilder("filesystem")
                .credentials(IDENTITY, CREDENTIAL)
                .overrides(properties)
                .build(BlobStoreContext.class);
    }

    /** A server with one empty bucket per call of {@link #newBucket}; credentials set for this JVM's SDK clients. */
    public static S3TestServer start() {
        try {
            S3TestServer server = new S3TestServer(Files.createTempDirectory("fovea-s3-"), freePort());
            server.startProxy();
            System.setProperty("aws.accessKeyId", IDENTITY);
            System.setProperty("aws.secretAccessKey", CREDENTIAL);
            System.setProperty("aws.region", "us-east-1");
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void startProxy() {
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY, CREDENTIAL)
                .build();
        try {
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not start on port " + port, e);
        }
    }

    /** A new empty bucket; returns its name. */
    public String newBucket() {
        String name = "fovea-" + UUID.randomUUID().toString().substring(0, 8);
        BlobStore store = context.getBlobStore();
        store.createContainerInLocation(null, name);
        return name;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The store.* settings that reach this server, caching under {@code cacheDir}. */
    public Map<String, String> settings(Path cacheDir) {
        return Map.of(
                ObjectStoreSettings.ENDPOINT, endpoint().toString(),
                ObjectStoreSettings.REGION, "us-east-1",
                ObjectStoreSettings.CACHE_DIR, cacheDir.toString());
    }

    /** Environment variables that give a child JVM this server's credentials. */
    public static Map<String, String> credentialsEnvironment() {
        return Map.of("AWS_ACCESS_KEY_ID", IDENTITY, "AWS_SECRET_ACCESS_KEY", CREDENTIAL, "AWS_REGION", "us-east-1");
    }

    /** Stops serving requests; objects are kept for {@link #resume}. */
    public void pause() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not stop", e);
        }
    }

    /** Serves again, on the same port, with the same objects. */
    public void resume() {
        startProxy();
    }

    /** Where the filesystem backend keeps the objects, to damage one on purpose. */
    public Path dataDir() {
        return data;
    }

    @Override
    public void close() {
        pause();
        context.close();
    }
}
