package io.fovea.core.store;

import io.fovea.core.bundle.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Which version of a model serves: {@code <model>/promotions.json}, the whole history of
 * promotions and rollbacks. The promoted version is the top of a stack that a promotion pushes
 * and a rollback pops, so rolling back twice goes back two promotions. Changes take a file lock
 * and replace the file with one atomic rename, so readers never see half of it.
 */
public final class Promotions {
    static final String FILE = "promotions.json";
    private static final String LOCK = ".promotions.lock";

    /** One line of the history. */
    public record Entry(String action, int version, Instant at) {}

    /** The file's content. */
    public record History(List<Entry> entries) {
        /** Versions promoted and not rolled back, oldest first; the last one serves. */
        public List<Integer> stack() {
            Deque<Integer> stack = new ArrayDeque<>();
            for (Entry e : entries) {
                if (e.action().equals(PROMOTED)) {
                    stack.push(e.version());
                } else if (!stack.isEmpty()) {
                    stack.pop();
                }
            }
            List<Integer> oldestFirst = new ArrayList<>(stack);
            Collections.reverse(oldestFirst);
            return oldestFirst;
        }

        public Optional<Integer> current() {
            List<Integer> stack = stack();
            return stack.isEmpty() ? Optional.empty() : Optional.of(stack.get(stack.size() - 1));
        }
    }

    /** What a promotion or rollback did. */
    public record Change(String action, int version, Integer previous) {}

    public static final String PROMOTED = "PROMOTED";
    public static final String ROLLED_BACK = "ROLLED_BACK";

    private Promotions() {}

    static History read(Path modelDir) {
        Path file = modelDir.resolve(FILE);
        return Files.isRegularFile(file) ? Json.read(file, History.class) : new History(List.of());
    }

    static Change promote(Path modelDir, int version, Consumer<Change> announce) {
        return locked(
                modelDir,
                history -> {
                    Integer previous = history.current().orElse(null);
                    return new Change(PROMOTED, version, previous);
                },
                announce);
    }

    /** What a rollback of {@code history} does, or why it cannot. */
    public static Change rollbackOf(History history) {
        List<Integer> stack = history.stack();
        if (stack.size() < 2) {
            throw new IllegalStateException("nothing to roll back to: "
                    + (stack.isEmpty()
                            ? "no version was ever promoted"
                            : "only version " + stack.get(0) + " was promoted"));
        }
        return new Change(ROLLED_BACK, stack.get(stack.size() - 2), stack.get(stack.size() - 1));
    }

    static Change rollback(Path modelDir, Consumer<Change> announce) {
        return locked(modelDir, Promotions::rollbackOf, announce);
    }

    /**
     * The file lock excludes other processes; another thread of this JVM holding it shows as
     * OverlappingFileLockException, so wait for that one too.
     */
    private static FileLock lock(FileChannel channel) throws IOException {
        while (true) {
            try {
                return channel.lock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the promotions lock", e);
                }
            }
        }
    }

    /** Decides, writes and announces under the lock: announcements go out in the order of changes. */
    private static Change locked(Path modelDir, Function<History, Change> decide, Consumer<Change> announce) {
        try (FileChannel channel =
                        FileChannel.open(modelDir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lock(channel)) {
            History history = read(modelDir);
            Change change = decide.apply(history);
            List<Entry> entries = new ArrayList<>(history.entries());
            entries.add(new Entry(change.action(), change.version(), Instant.now()));
            Path temp = modelDir.resolve(".promotions-" + UUID.randomUUID() + ".json");
            Json.write(temp, new History(entries));
            Files.move(
                    temp, modelDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            announce.accept(change);
            return change;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update promotions of " + modelDir, e);
        }
    }
}
