package io.fovea.core.store.object;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * How to reach an S3-compatible store and where to cache what was loaded from it. Credentials are
 * not here: they come from the AWS SDK's default chain (environment, profile, web identity for
 * Kubernetes service accounts, container and instance roles), never from Fovea's settings.
 *
 * @param endpoint  another server than AWS S3 (MinIO, Ceph, GCS's XML API); null for AWS
 * @param region    null: the SDK's region chain (AWS_REGION, profile), else us-east-1 with an endpoint
 * @param pathStyle bucket in the path rather than the host name, as most S3-compatible servers want
 * @param ledgerTopic the Kafka topic that orders versions and promotions: one per store
 */
public record ObjectStoreSettings(
        URI endpoint, String region, boolean pathStyle, Path cacheDir, long cacheMaxBytes, String ledgerTopic) {

    public static final String ENDPOINT = "store.s3.endpoint";
    public static final String REGION = "store.s3.region";
    public static final String PATH_STYLE = "store.s3.path.style";
    public static final String CACHE_DIR = "store.cache.dir";
    public static final String CACHE_MAX_BYTES = "store.cache.max.bytes";
    public static final String LEDGER_TOPIC = "store.ledger.topic";

    public static final Path DEFAULT_CACHE_DIR = Path.of(System.getProperty("user.home"), ".fovea", "cache");
    public static final long DEFAULT_CACHE_MAX_BYTES = 10L << 30;
    public static final String DEFAULT_LEDGER_TOPIC = "fovea.model-ledger";

    /** From settings by key (store.s3.endpoint, ...); a key not given takes its default. */
    public static ObjectStoreSettings from(Map<String, String> settings) {
        String endpoint = blankToNull(settings.get(ENDPOINT));
        String pathStyle = blankToNull(settings.get(PATH_STYLE));
        String cacheDir = blankToNull(settings.get(CACHE_DIR));
        String cacheMax = blankToNull(settings.get(CACHE_MAX_BYTES));
        String ledger = blankToNull(settings.get(LEDGER_TOPIC));
        return new ObjectStoreSettings(
                endpoint == null ? null : URI.create(endpoint),
                blankToNull(settings.get(REGION)),
                pathStyle == null ? endpoint != null : Boolean.parseBoolean(pathStyle),
                cacheDir == null ? DEFAULT_CACHE_DIR : Path.of(cacheDir),
                cacheMax == null ? DEFAULT_CACHE_MAX_BYTES : Long.parseLong(cacheMax),
                ledger == null ? DEFAULT_LEDGER_TOPIC : ledger);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    public ObjectStoreSettings withCacheDir(Path dir) {
        return new ObjectStoreSettings(endpoint, region, pathStyle, dir, cacheMaxBytes, ledgerTopic);
    }
}
