package io.fovea.core.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A labelled image collection on disk: CIFAR-10 binary batches or a folder of class sub-folders. */
public interface Dataset {

    /** Class names, in label-index order. */
    List<String> labels();

    /** Number of images. */
    int size();

    /** The images in a stable order. Reads lazily; errors name the file. */
    Stream<DatasetItem> items();

    /**
     * Opens a path: a {@code .bin} file, a folder of {@code .bin} files, or a folder with one
     * sub-folder of PNG/JPEG files per class.
     */
    static Dataset open(Path path) {
        if (!Files.exists(path)) {
            throw new DatasetException(path, "does not exist");
        }
        if (Files.isRegularFile(path) || CifarBinaryDataset.hasBatchFiles(path)) {
            return CifarBinaryDataset.open(path);
        }
        return ImageFolderDataset.open(path);
    }
}
