package io.fovea.core.dataset;

import io.fovea.avro.PixelFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A folder with one sub-folder per class, each holding PNG or JPEG files. Classes are the
 * sub-folder names in name order, so the same folder always gives the same label indices.
 */
public final class ImageFolderDataset implements Dataset {
    private record Entry(Path file, int label) {}

    private final Path root;
    private final List<String> labels;
    private final List<Entry> entries;

    private ImageFolderDataset(Path root, List<String> labels, List<Entry> entries) {
        this.root = root;
        this.labels = labels;
        this.entries = entries;
    }

    public static ImageFolderDataset open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new DatasetException(root, "is not a folder of class sub-folders nor a CIFAR-10 .bin file");
        }
        List<Path> classDirs = list(root).filter(Files::isDirectory).sorted().toList();
        if (classDirs.isEmpty()) {
            throw new DatasetException(root, "has no class sub-folders and no CIFAR-10 .bin files");
        }
        List<String> labels = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        for (Path dir : classDirs) {
            int label = labels.size();
            labels.add(dir.getFileName().toString());
            List<Path> images =
                    list(dir).filter(ImageFolderDataset::isImageFile).sorted().toList();
            if (images.isEmpty()) {
                throw new DatasetException(dir, "class folder has no .png, .jpg or .jpeg files");
            }
            images.forEach(file -> entries.add(new Entry(file, label)));
        }
        return new ImageFolderDataset(root, List.copyOf(labels), List.copyOf(entries));
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public Stream<DatasetItem> items() {
        return entries.stream().map(this::read);
    }

    private DatasetItem read(Entry entry) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(entry.file());
        } catch (IOException e) {
            throw new DatasetException(entry.file(), "cannot read: " + e.getMessage(), e);
        }
        PixelFormat format = formatOf(bytes)
                .orElseThrow(() -> new DatasetException(entry.file(), "is neither PNG nor JPEG (by its first bytes)"));
        int[] size = dimensions(entry.file(), bytes);
        String origin = root.relativize(entry.file()).toString();
        return new DatasetItem(origin, entry.label(), size[0], size[1], 3, format, bytes);
    }

    /** PNG or JPEG by magic number, not file name. */
    public static Optional<PixelFormat> formatOf(byte[] bytes) {
        if (bytes.length >= 8 && (bytes[0] & 0xFF) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
            return Optional.of(PixelFormat.PNG);
        }
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF) {
            return Optional.of(PixelFormat.JPEG);
        }
        return Optional.empty();
    }

    /** Width and height from the image header, without decoding the pixels. */
    private static int[] dimensions(Path file, byte[] bytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DatasetException(file, "unreadable image: no decoder recognises it");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new DatasetException(file, "unreadable image: " + e.getMessage(), e);
        }
    }

    private static boolean isImageFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(file) && (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"));
    }

    private static Stream<Path> list(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList().stream();
        } catch (IOException e) {
            throw new DatasetException(dir, "cannot list: " + e.getMessage(), e);
        }
    }
}
