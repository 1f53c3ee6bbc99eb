package io.fovea.core.store.object;

import java.net.URI;

/** {@code s3://bucket/prefix}: where a store's objects live; the prefix may be empty. */
public record S3Location(String bucket, String prefix) {
    public static final String SCHEME = "s3";

    public static boolean names(String location) {
        return location.startsWith(SCHEME + "://");
    }

    public static S3Location parse(String location) {
        URI uri = URI.create(location);
        if (!SCHEME.equals(uri.getScheme())
                || uri.getHost() == null
                || uri.getHost().isBlank()) {
            throw new IllegalArgumentException(
                    "'" + location + "' is not an object store: expected s3://BUCKET or s3://BUCKET/PREFIX");
        }
        if (uri.getQuery() != null || uri.getUserInfo() != null) {
            throw new IllegalArgumentException("'" + location + "': give the endpoint and credentials in settings"
                    + " (store.s3.endpoint, the AWS credential chain), not in the store's address");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        return new S3Location(uri.getHost(), path.replaceAll("^/+|/+$", ""));
    }

    @Override
    public String toString() {
        return SCHEME + "://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}
