package io.fovea.core.release;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.common.utils.Utils;

/**
 * Places a record key (or an event id) in [0, 1) by a hash that every instance and every restart
 * computes the same, so a share of keys is a stable set: a key under a 10% canary meets the
 * candidate every time. The salt keeps the set apart from Kafka's partitioning, which hashes the
 * same key with the same murmur2: without it, a canary's keys would fall on some partitions more
 * than others. A canary's salt is chosen per trial, so no producer can choose its keys into or
 * out of one.
 */
public final class KeyShare {
    /** Which keys a canary takes when its release names no salt of its own (written by an older version). */
    public static final KeyShare CANARY = new KeyShare("fovea-canary/", null);
    /** Which images a sampled shadow takes. */
    public static final KeyShare SHADOW = new KeyShare("fovea-shadow/", null);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] salt;
    private final String trialSalt;

    private KeyShare(String salt, String trialSalt) {
        this.salt = salt.getBytes(StandardCharsets.UTF_8);
        this.trialSalt = trialSalt;
    }

    /** Which keys the canary salted with {@code trialSalt} takes; null: the fixed salt. */
    public static KeyShare canary(String trialSalt) {
        return trialSalt == null ? CANARY : new KeyShare("fovea-canary/" + trialSalt + "/", trialSalt);
    }

    /** A fresh salt for one trial: 16 random bytes, as hex. */
    public static String newSalt() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The trial's salt, or null for a fixed one. */
    public String salt() {
        return trialSalt;
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

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyShare that && Arrays.equals(salt, that.salt);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(salt);
    }
}
