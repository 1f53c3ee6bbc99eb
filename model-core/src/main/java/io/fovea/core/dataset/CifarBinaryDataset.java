package io.fovea.core.dataset;

import io.fovea.avro.PixelFormat;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * CIFAR-10 binary batches: records of 1 label byte then 3,072 pixel bytes (1,024 red, 1,024
 * green, 1,024 blue, each plane row-major). Files are checked for whole records when opened, so
 * a truncated file is refused before anything is read from it.
 */
public final class CifarBinaryDataset implements Dataset {
    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    public static final int PIXEL_BYTES = SIDE * SIDE * CHANNELS;
    public static final int RECORD_BYTES = 1 + PIXEL_BYTES;
    static final String META_FILE = "batches.meta.txt";

    private final List<Path> files;
    private final List<String> labels;
    private final int size;

    private CifarBinaryDataset(List<Path> files, List<String> labels, int size) {
        this.files = files;
        this.labels = labels;
        this.size = size;
    }

    /** A single {@code .bin} file, or every {@code .bin} file of a folder in name order. */
    public static CifarBinaryDataset open(Path path) {
        List<Path> files = Files.isDirectory(path) ? batchFiles(path) : List.of(path);
        if (files.isEmpty()) {
            throw new DatasetException(path, "has no CIFAR-10 .bin batch files");
        }
        return of(files);
    }

    /** Exactly these batch files, e.g. the training batches without {@code test_batch.bin}. */
    public static CifarBinaryDataset of(List<Path> files) {
        int size = 0;
        for (Path file : files) {
            size += recordCount(file);
        }
        Path meta = files.get(0).toAbsolutePath().getParent().resolve(META_FILE);
        List<String> labels = Files.exists(meta) ? ClassLabels.read(meta) : ClassLabels.CIFAR10;
        return new CifarBinaryDataset(List.copyOf(files), labels, size);
    }

    static boolean hasBatchFiles(Path dir) {
        return Files.isDirectory(dir) && !batchFiles(dir).isEmpty();
    }

    /** The {@code *.bin} files of a folder, in name order. */
    public static List<Path> batchFiles(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().endsWith(".bin") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DatasetException(dir, "cannot list: " + e.getMessage(), e);
        }
    }

    private static int recordCount(Path file) {
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot read: " + e.getMessage(), e);
        }
        if (bytes == 0) {
            throw new DatasetException(file, "is empty, expected CIFAR-10 records of " + RECORD_BYTES + " bytes");
        }
        if (bytes % RECORD_BYTES != 0) {
            throw new DatasetException(
                    file,
                    "truncated or not a CIFAR-10 batch: " + bytes + " bytes is not a whole number of "
                            + RECORD_BYTES + "-byte records (record " + bytes / RECORD_BYTES + " has only "
                            + bytes % RECORD_BYTES + " bytes)");
        }
        return Math.toIntExact(bytes / RECORD_BYTES);
    }

    public List<Path> files() {
        return files;
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Stream<DatasetItem> items() {
        return files.stream().flatMap(this::read);
    }

    private Stream<DatasetItem> read(Path file) {
        DataInputStream in;
        try {
            in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        } catch (IOException e) {
            throw new DatasetException(file, "cannot open: " + e.getMessage(), e);
        }
        String name = file.getFileName().toString();
        return IntStream.range(0, recordCount(file))
                .mapToObj(i -> readRecord(in, file, name, i))
                .onClose(() -> closeQuietly(in));
    }

    private DatasetItem readRecord(DataInputStream in, Path file, String name, int index) {
        try {
            int label = in.readUnsignedByte();
            if (label >= labels.size()) {
                throw new DatasetException(
                        file,
                        "record " + index + " has label " + label + " but there are only " + labels.size()
                                + " classes");
            }
            byte[] pixels = new byte[PIXEL_BYTES];
            in.readFully(pixels);
            return new DatasetItem(name + "#" + index, label, SIDE, SIDE, CHANNELS, PixelFormat.RGB8_CHW, pixels);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot read record " + index + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
