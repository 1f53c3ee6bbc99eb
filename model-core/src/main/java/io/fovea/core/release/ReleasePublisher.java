package io.fovea.core.release;

import io.fovea.avro.AutoRollback;
import io.fovea.avro.ModelRelease;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.store.Announcer;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.Promotions;
import io.fovea.schemas.Topics;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.schemas.serde.FoveaRecords;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends {@link ModelRelease} events to the compacted releases topic and waits for the broker to
 * acknowledge each, so a command that says "published" means it.
 */
public final class ReleasePublisher implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public ReleasePublisher(KafkaConnection kafka, String topic) {
        this.topic = topic;
        TopicCreator.ensure(kafka, topic, 1, true);
        this.producer = new KafkaProducer<>(
                kafka.producer(Map.of(
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "fovea-releases")),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    public ReleasePublisher(KafkaConnection kafka) {
        this(kafka, Topics.MODEL_RELEASES);
    }

    /**
     * Record key: the model name for promotions and rollbacks (compaction keeps the latest),
     * name@version for publications, name#canary and name#shadow for each trial's last state.
     */
    public static String keyOf(ModelRelease release) {
        String model = release.getModelName();
        return switch (release.getAction()) {
            case PUBLISHED -> model + "@" + release.getVersion();
            case CANARY_STARTED, CANARY_ENDED -> model + "#canary";
            case SHADOW_STARTED, SHADOW_ENDED -> model + "#shadow";
            case PROMOTED, ROLLED_BACK, UNKNOWN -> model;
        };
    }

    public static ModelRelease of(
            BundleManifest manifest, URI bundleUri, ReleaseAction action, Integer previousVersion) {
        return ModelRelease.newBuilder()
                .setModelName(manifest.name())
                .setVersion(manifest.version())
                .setAction(action)
                .setBundleUri(bundleUri.toString())
                .setSha256(manifest.sha256())
                .setCreatedAt(manifest.createdAt())
                .setReleasedAt(Instant.now())
                .setPreviousVersion(previousVersion)
                .setInputSize(manifest.inputSize())
                .setLabels(manifest.labels())
                .setMetrics(Map.copyOf(manifest.metrics()))
                .build();
    }

    /**
     * A trial's start: {@code share} of the keys (canary) or images (shadow), 0..1. A canary gets
     * a salt of its own ({@link KeyShare#newSalt}), which every instance reads from this record.
     */
    public static ModelRelease trialStarted(
            BundleManifest manifest,
            URI bundleUri,
            ReleaseAction action,
            Integer primary,
            double share,
            AutoRollback autoRollback) {
        return ModelRelease.newBuilder(of(manifest, bundleUri, action, primary))
                .setShare(share)
                .setAutoRollback(autoRollback)
                .setSalt(action == ReleaseAction.CANARY_STARTED ? KeyShare.newSalt() : null)
                .build();
    }

    /** A trial's end, and why in a line. */
    public static ModelRelease trialEnded(
            BundleManifest manifest, URI bundleUri, ReleaseAction action, Integer primary, String reason) {
        return ModelRelease.newBuilder(of(manifest, bundleUri, action, primary))
                .setReason(reason)
                .build();
    }

    public void send(ModelRelease release) {
        send(record(release), release.getAction() + " of " + release.getModelName() + "@" + release.getVersion());
    }

    private ProducerRecord<byte[], byte[]> record(ModelRelease release) {
        return new ProducerRecord<>(
                topic, keyOf(release).getBytes(StandardCharsets.UTF_8), FoveaRecords.MODEL_RELEASE.encode(release));
    }

    private void send(ProducerRecord<byte[], byte[]> record, String what) {
        try {
            producer.send(record).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the release", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish " + what + " to " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Announces a promotion or rollback as part of the store's change ({@link
     * ModelStore#promote}), so announcements follow the order of changes.
     */
    public Announcer announcer(ReleaseAction action) {
        return new Announcer() {
            @Override
            public ProducerRecord<byte[], byte[]> record(ModelStore store, String model, Promotions.Change change) {
                return ReleasePublisher.this.record(of(
                        store.manifest(model, change.version()),
                        store.uri(model, change.version()),
                        action,
                        change.previous()));
            }

            @Override
            public void send(ProducerRecord<byte[], byte[]> record) {
                ReleasePublisher.this.send(record, action + " of " + new String(record.key(), StandardCharsets.UTF_8));
            }
        };
    }

    @Override
    public void close() {
        producer.close();
    }
}
