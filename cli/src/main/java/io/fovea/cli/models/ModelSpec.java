package io.fovea.cli.models;

/** {@code MODEL@VERSION}, or just {@code MODEL} where no version is needed (version 0 then). */
record ModelSpec(String model, int version) {
    static ModelSpec parse(String spec, boolean versionRequired) {
        int at = spec.indexOf('@');
        if (at < 0) {
            if (versionRequired) {
                throw new IllegalArgumentException("expected MODEL@VERSION, got '" + spec + "'");
            }
            return new ModelSpec(spec, 0);
        }
        try {
            return new ModelSpec(spec.substring(0, at), Integer.parseInt(spec.substring(at + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("MODEL@VERSION needs a whole-number version, got '" + spec + "'");
        }
    }
}
