package io.fovea.core.release;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Places a record key (or an event id) in [0, 1) by a hash that every instance and every restart
 * computes the same, so a share of keys is a stable set: a key under a 10% canary meets the
 * candidate every time. The salt keeps the set apart from Kafka's partitioning, which hashes the
 * same key with the same murmur2: without it, a canary's keys would fall on some partitions more
 * than others.
 */
public final class KeyShare {
    /** Which keys a canary takes. */
    public static final KeyShare CANARY = new KeyShare("fovea-canary/");
    /** Which images a sampled shadow takes. */
    public static final KeyShare SHADOW = new KeyShare("fovea-shadow/");

    private final byte[] salt;

    private KeyShare(String salt) {
        this.salt = salt.getBytes(StandardCharsets.UTF_8);
    }

    /** Where {@code key} falls, in [0, 1). */
    public double position(byte[] key) {
        byte[] salted = new byte[salt.length + key.length];
        System.arraycopy(salt, 0, salted, 0, salt.length);
        System.arraycopy(key, 0, salted, salt.length, key.length);
        return Utils.toPositive(Utils.murmur2(salted)) / (double) (1L << 31);
    }

    /** True for the keys a share of {@code share} (0..1) takes; share 1 takes every key. */
    public boolean within(byte[] key, double share) {
        return position(key) < share;
    }

    public boolean within(String key, double share) {
        return within(key.getBytes(StandardCharsets.UTF_8), share);
    }
}
