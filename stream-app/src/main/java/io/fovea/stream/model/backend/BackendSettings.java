package io.fovea.stream.model.backend;

import java.util.Map;

/**
 * The settings a backend reads when it opens a model (e.g. {@code onnx.execution.provider}), as
 * configured; each backend knows its own keys and their defaults.
 */
public record BackendSettings(Map<String, String> values) {

    public BackendSettings {
        values = Map.copyOf(values);
    }

    public static BackendSettings defaults() {
        return new BackendSettings(Map.of());
    }

    public String get(String key, String otherwise) {
        String value = values.get(key);
        return value == null || value.isBlank() ? otherwise : value.trim();
    }

    public int getInt(String key, int otherwise) {
        String value = get(key, null);
        try {
            return value == null ? otherwise : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
        }
    }
}
