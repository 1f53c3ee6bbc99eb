package io.fovea.core.dataset;

import java.nio.file.Path;

/** A dataset that cannot be read, with the file and the problem named. */
public class DatasetException extends RuntimeException {
    public DatasetException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public DatasetException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
