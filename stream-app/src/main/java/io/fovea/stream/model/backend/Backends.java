package io.fovea.stream.model.backend;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.store.ModelStore;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.ProbeBatch;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * The backends registered with {@link ServiceLoader} (as DJL finds its engines), and the rule that
 * picks one for a version: the preferred backend when the bundle holds a model it runs, else the
 * first registered one that runs what the bundle holds. A bundle with both of Fovea's models
 * follows the setting; an imported ONNX model has only ONNX Runtime to run it.
 */
public final class Backends {
    private final Backend preferred;
    private final BackendSettings settings;

    private Backends(Backend preferred, BackendSettings settings) {
        this.preferred = preferred;
        this.settings = settings;
    }

    /** The backends as configured: {@code preferred} by name, and the settings they open models with. */
    public static Backends preferring(String preferred, BackendSettings settings) {
        return new Backends(named(preferred), settings);
    }

    /** Every registered backend, in registration order. */
    public static List<Backend> registered() {
        return Registered.ALL;
    }

    public static List<String> names() {
        return registered().stream().map(Backend::name).toList();
    }

    /** The registered backend called {@code name}, or an error naming those there are. */
    public static Backend named(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return registered().stream()
                .filter(b -> b.name().equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model.backend must be one of "
                        + String.join(", ", names()) + " (the backends registered), got '" + name + "'"));
    }

    /** The backend that will run this version; under {@code model.precision=int8}, ONNX Runtime on its int8 model or none. */
    public Backend backendFor(BundleManifest manifest) {
        if (Precision.of(settings).int8()) {
            Backend onnx = named(OnnxRuntimeBackend.NAME);
            if (onnx.modelIn(manifest, settings).isEmpty()) {
                throw Precision.missingInt8(manifest);
            }
            return onnx;
        }
        if (preferred.canRun(manifest)) {
            return preferred;
        }
        return registered().stream()
                .filter(b -> b.canRun(manifest))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(manifest.name() + "@" + manifest.version()
                        + " holds "
                        + manifest.formats().stream().map(ModelFormat::format).toList()
                        + ", which no registered backend runs (registered: " + String.join(", ", names()) + ")"));
    }

    /** Verifies, loads and probes the version, ready to serve; the caller closes it. */
    public ModelRunner open(ModelStore store, String model, int version) {
        BundleManifest manifest = store.manifest(model, version);
        Backend backend = backendFor(manifest);
        // the store checks the SHA-256 over the bytes the backend builds from
        VerifiedBundle bundle = store.verified(
                model,
                version,
                backend.modelIn(manifest, settings).orElseThrow().files());
        return open(backend, bundle);
    }

    /** Loads and probes an already verified bundle with the backend that runs it. */
    public ModelRunner open(VerifiedBundle bundle) {
        return open(backendFor(bundle.manifest()), bundle);
    }

    private ModelRunner open(Backend backend, VerifiedBundle bundle) {
        return ProbeBatch.checked(
                backend.open(bundle, settings), bundle.manifest().inputSize());
    }

    /** Loaded once, on first use. */
    private static final class Registered {
        static final List<Backend> ALL = ServiceLoader.load(Backend.class, Backends.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .toList();
    }
}
