package io.fovea.core.store;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** A model as every command names it: {@code NAME}, or {@code NAME@VERSION} for one version. */
public record ModelRef(String name, OptionalInt version) {

    /** {@code NAME} or {@code NAME@VERSION}; a version that is not a whole number is an error. */
    public static ModelRef parse(String text) {
        int at = text.indexOf('@');
        if (at < 0) {
            return new ModelRef(text, OptionalInt.empty());
        }
        try {
            return new ModelRef(text.substring(0, at), OptionalInt.of(Integer.parseInt(text.substring(at + 1))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("NAME@VERSION needs a whole-number version, got '" + text + "'");
        }
    }

    /** As {@link #parse}, where only {@code NAME@VERSION} will do. */
    public static ModelRef parsePinned(String text) {
        ModelRef ref = parse(text);
        if (!ref.pinned()) {
            throw new IllegalArgumentException("expected NAME@VERSION, got '" + text + "'");
        }
        return ref;
    }

    /** Whether this names one version rather than whichever serves. */
    public boolean pinned() {
        return version.isPresent();
    }

    /**
     * The version this names in {@code store}: its own (which must exist), else the promoted one,
     * else the newest; empty when the model has no versions.
     */
    public Optional<Integer> in(ModelStore store) {
        if (pinned()) {
            store.manifest(name, version.getAsInt()); // a clear error for a missing version
            return Optional.of(version.getAsInt());
        }
        Optional<Integer> promoted = store.promoted(name);
        if (promoted.isPresent()) {
            return promoted;
        }
        List<Integer> versions = store.versions(name);
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    @Override
    public String toString() {
        return pinned() ? name + "@" + version.getAsInt() : name;
    }
}
