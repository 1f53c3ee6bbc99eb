package io.fovea.cli;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.testing.TinyBundles;
import java.nio.file.Path;

/** Another process publishing to a store: {@code PublishLoop STORE MODEL COUNT}. */
public final class PublishLoop {
    private PublishLoop() {}

    public static void main(String[] args) {
        NativeBackend.configure();
        DirectoryModelStore store = new DirectoryModelStore(Path.of(args[0]));
        for (int i = 0; i < Integer.parseInt(args[2]); i++) {
            TinyBundles.publish(store, args[1], i);
        }
    }
}
