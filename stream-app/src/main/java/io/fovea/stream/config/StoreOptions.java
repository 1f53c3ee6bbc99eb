package io.fovea.stream.config;

import static io.fovea.stream.config.ConfigOption.LONG;
import static io.fovea.stream.config.ConfigOption.TEXT;

import io.fovea.core.store.object.ObjectStoreSettings;
import java.util.List;

/**
 * Settings of an object store ({@code --store s3://BUCKET/PREFIX}); a directory store reads none.
 * Credentials are not settings: the AWS SDK's default chain finds them.
 */
public final class StoreOptions {
    private StoreOptions() {}

    public static final ConfigOption<String> S3_ENDPOINT = ConfigOption.of(
                    ObjectStoreSettings.ENDPOINT,
                    TEXT,
                    "",
                    "an S3-compatible server other than AWS S3, e.g. `http://minio:9000` or"
                            + " `https://storage.googleapis.com`")
            .documentedDefault("(AWS S3)");
    public static final ConfigOption<String> S3_REGION = ConfigOption.of(
                    ObjectStoreSettings.REGION, TEXT, "", "the bucket's region")
            .documentedDefault("the AWS SDK's (`AWS_REGION`, profile); `us-east-1` with an endpoint");
    public static final ConfigOption<String> S3_PATH_STYLE = ConfigOption.of(
                    ObjectStoreSettings.PATH_STYLE,
                    TEXT,
                    "",
                    "`true`: the bucket in the path (`http://host/bucket/key`), as most S3-compatible servers want")
            .check(value -> value.isEmpty() || value.equals("true") || value.equals("false"), "true or false")
            .documentedDefault("`true` with an endpoint, else `false`");
    public static final ConfigOption<String> CACHE_DIR = ConfigOption.of(
                    ObjectStoreSettings.CACHE_DIR,
                    TEXT,
                    "",
                    "where serve keeps the versions it loaded, named by SHA-256, so a restart or rollback reads no"
                            + " object")
            .documentedDefault("`~/.fovea/cache`");
    public static final ConfigOption<Long> CACHE_MAX_BYTES = ConfigOption.of(
                    ObjectStoreSettings.CACHE_MAX_BYTES,
                    LONG,
                    Long.toString(ObjectStoreSettings.DEFAULT_CACHE_MAX_BYTES),
                    "the cache's bound; the least recently used versions go first, never the served or candidate"
                            + " ones")
            .check(bytes -> bytes > 0, "positive");
    public static final ConfigOption<String> LEDGER_TOPIC = ConfigOption.of(
            ObjectStoreSettings.LEDGER_TOPIC,
            TEXT,
            ObjectStoreSettings.DEFAULT_LEDGER_TOPIC,
            "the Kafka topic that orders the object store's versions and promotions; one per store");

    public static final List<ConfigOption<?>> ALL =
            List.of(S3_ENDPOINT, S3_REGION, S3_PATH_STYLE, CACHE_DIR, CACHE_MAX_BYTES, LEDGER_TOPIC);
}
