package io.fovea.core.store.object;

import io.fovea.core.bundle.BundleIntegrityException;
import io.fovea.core.store.StoreUnavailableException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One bucket and key prefix of an S3-compatible server, through the AWS SDK: objects in and out,
 * with the SDK's standard retries (backoff with jitter, throttling included). What still fails is
 * told apart: an unreachable server, a server error or throttling is {@link
 * StoreUnavailableException} (wait and try again); a missing object is {@link
 * BundleIntegrityException} (the store lost part of a version); anything else (access denied, no
 * such bucket) is an {@link IllegalStateException} that says so.
 */
final class Bucket implements AutoCloseable {
    private static final int ATTEMPTS = 5;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String where;

    Bucket(S3Location location, ObjectStoreSettings settings) {
        this.bucket = location.bucket();
        this.prefix = location.prefix();
        this.where = location + (settings.endpoint() == null ? "" : " at " + settings.endpoint());
        var builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .region(region(settings))
                .forcePathStyle(settings.pathStyle())
                // Our SHA-256 checks every byte; the SDK's newer default checksums are not
                // understood by every S3-compatible server.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(ATTEMPTS)
                        .build()));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.s3 = builder.build();
    }

    private static Region region(ObjectStoreSettings settings) {
        if (settings.region() != null) {
            return Region.of(settings.region());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException none) {
            if (settings.endpoint() != null) {
                return Region.US_EAST_1; // S3-compatible servers mostly ignore it, but requests are signed with one
            }
            throw new IllegalStateException(
                    "no AWS region for the object store: set AWS_REGION or " + ObjectStoreSettings.REGION);
        }
    }

    /** s3://bucket/prefix and the endpoint, for messages. */
    String where() {
        return where;
    }

    URI uri(String key) {
        return URI.create("s3://" + bucket + "/" + fullKey(key));
    }

    private String fullKey(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    /**
     * The object's bytes, refused unread when it is larger than {@code maxBytes}: an object
     * replaced by anyone with write access to the bucket must not take the reader's heap.
     */
    byte[] get(String key, long maxBytes) {
        return call("read " + key, () -> {
            try (ResponseInputStream<GetObjectResponse> in =
                    s3.getObject(b -> b.bucket(bucket).key(fullKey(key)))) {
                Long length = in.response().contentLength();
                if (length == null || length > maxBytes) {
                    throw new BundleIntegrityException(where + ": " + key + " holds " + length
                            + " bytes, more than the " + maxBytes + " such an object may hold");
                }
                return in.readNBytes((int) (long) length);
            } catch (java.io.IOException e) {
                throw SdkClientException.create("cannot read " + key + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * Downloads {@code key} to {@code file}, replacing it, and returns its size. An object larger
     * than {@code maxBytes} is refused before a byte is written, and a server that sends more than
     * it announced is cut off at the bound: an object replaced by anyone with write access to the
     * bucket must not fill the reader's disk.
     */
    long download(String key, Path file, long maxBytes) {
        return call("read " + key, () -> {
            try (ResponseInputStream<GetObjectResponse> in =
                    s3.getObject(b -> b.bucket(bucket).key(fullKey(key)))) {
                Long length = in.response().contentLength();
                if (length != null && length > maxBytes) {
                    in.abort(); // nothing of it is read
                    throw new BundleIntegrityException(
                            where + ": " + key + " holds " + length + " bytes, more than the "
                                    + maxBytes + " left for its version in the store cache (store.cache.max.bytes);"
                                    + " refused before downloading it");
                }
                Files.deleteIfExists(file);
                long written = 0;
                byte[] buffer = new byte[1 << 16];
                try (OutputStream out = Files.newOutputStream(file)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        written += n;
                        if (written > maxBytes) {
                            in.abort();
                            throw new BundleIntegrityException(where + ": " + key + " sent more than the " + maxBytes
                                    + " bytes left for its version in the store cache (store.cache.max.bytes);"
                                    + " cut off there");
                        }
                        out.write(buffer, 0, n);
                    }
                }
                return written;
            } catch (java.io.IOException e) {
                throw SdkClientException.create("cannot read " + key + ": " + e.getMessage(), e);
            }
        });
    }

    void put(String key, byte[] bytes) {
        call("write " + key, () -> s3.putObject(b -> b.bucket(bucket).key(fullKey(key)), RequestBody.fromBytes(bytes)));
    }

    void put(String key, Path file) {
        call("write " + key, () -> s3.putObject(b -> b.bucket(bucket).key(fullKey(key)), RequestBody.fromFile(file)));
    }

    void delete(String key) {
        call("delete " + key, () -> s3.deleteObject(b -> b.bucket(bucket).key(fullKey(key))));
    }

    private <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (NoSuchKeyException e) {
            throw new BundleIntegrityException(where + ": cannot " + what + ": no such object");
        } catch (S3Exception e) {
            int status = e.statusCode();
            String detail = e.awsErrorDetails() == null
                    ? e.getMessage()
                    : e.awsErrorDetails().errorMessage();
            if (status >= 500 || status == 429 || e.isThrottlingException()) {
                throw new StoreUnavailableException(
                        "object store " + where + " cannot " + what + " now (HTTP " + status + ", " + detail
                                + ") after " + ATTEMPTS + " attempts",
                        e);
            }
            throw new IllegalStateException(
                    "object store " + where + " refuses to " + what + ": HTTP " + status + ", " + detail, e);
        } catch (SdkClientException e) {
            throw new StoreUnavailableException(
                    "object store " + where + " unreachable (" + what + "): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
