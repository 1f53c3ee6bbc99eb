package io.fovea.broker;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-compatible server in this JVM, as {@link LocalKafkaBroker} is a real Kafka: s3proxy
 * over its filesystem backend, with AWS signature authentication, on a fixed port so that it can
 * be stopped and started again with its objects kept. For the benchmark and the tests; s3proxy
 * ignores conditional writes (If-None-Match, If-Match), which the object store does not use.
 */
public final class LocalS3Server implements AutoCloseable {
    private final Path data;
    private final int port;
    private final String identity;
    private final String credential;
    private final BlobStoreContext context;
    private S3Proxy proxy;

    /** Serves the objects under {@code data} to clients signing with these credentials. */
    public LocalS3Server(Path data, String identity, String credential) {
        this.data = data;
        this.identity = identity;
        this.credential = credential;
        this.port = FreePorts.one();
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", data.toString());
        this.context = ContextBuilder.newBuilder("filesystem")
                .credentials(identity, credential)
                .overrides(properties)
                .build(BlobStoreContext.class);
        resume();
    }

    /** A new empty bucket; returns its name. */
    public String newBucket() {
        String name = "fovea-" + UUID.randomUUID().toString().substring(0, 8);
        context.getBlobStore().createContainerInLocation(null, name);
        return name;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Where the filesystem backend keeps the objects (a bucket is a folder). */
    public Path dataDir() {
        return data;
    }

    /** Stops serving requests; objects are kept for {@link #resume}. */
    public void pause() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not stop", e);
        }
    }

    /** Serves (again), on the same port, with the same objects. */
    public void resume() {
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(endpoint())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, identity, credential)
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

    @Override
    public void close() {
        pause();
        context.close();
    }
}
