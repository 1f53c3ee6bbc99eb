package io.fovea.testing;

import io.fovea.broker.LocalS3Server;
import io.fovea.core.store.object.ObjectStoreSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The tests' S3-compatible server ({@link LocalS3Server}), with credentials this JVM's AWS SDK
 * clients find through the default chain (system properties), and the store settings that reach it.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String IDENTITY = "fovea-test-access-key";
    public static final String CREDENTIAL = "fovea-test-secret-key";

    private final LocalS3Server server;

    private S3TestServer(LocalS3Server server) {
        this.server = server;
    }

    public static S3TestServer start() {
        try {
            S3TestServer started =
                    new S3TestServer(new LocalS3Server(Files.createTempDirectory("fovea-s3-"), IDENTITY, CREDENTIAL));
            System.setProperty("aws.accessKeyId", IDENTITY);
            System.setProperty("aws.secretAccessKey", CREDENTIAL);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String newBucket() {
        return server.newBucket();
    }

    public URI endpoint() {
        return server.endpoint();
    }

    /** The store.* settings that reach this server, caching under {@code cacheDir}. */
    public Map<String, String> settings(Path cacheDir) {
        return Map.of(
                ObjectStoreSettings.ENDPOINT, endpoint().toString(),
                ObjectStoreSettings.REGION, "us-east-1",
                ObjectStoreSettings.CACHE_DIR, cacheDir.toString());
    }

    /** Environment variables that give a child JVM this server's credentials through the SDK's default chain. */
    public static Map<String, String> credentialsEnvironment() {
        return Map.of("AWS_ACCESS_KEY_ID", IDENTITY, "AWS_SECRET_ACCESS_KEY", CREDENTIAL, "AWS_REGION", "us-east-1");
    }

    public void pause() {
        server.pause();
    }

    public void resume() {
        server.resume();
    }

    public Path dataDir() {
        return server.dataDir();
    }

    @Override
    public void close() {
        server.close();
    }
}
