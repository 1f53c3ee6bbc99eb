package io.fovea.trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** "Fovea VERSION (git COMMIT[, modified])", for the manifest: which code made a model. */
final class CodeVersion {
    private CodeVersion() {}

    static String describe() {
        String version = CodeVersion.class.getPackage().getImplementationVersion();
        String home = System.getProperty("fovea.home");
        String commit = home == null ? null : git(Path.of(home), "rev-parse", "--short=12", "HEAD");
        String dirty = home == null ? null : git(Path.of(home), "status", "--porcelain", "--untracked-files=no");
        return "Fovea " + (version == null ? "dev" : version)
                + (commit == null
                        ? ""
                        : " (git " + commit + (dirty != null && !dirty.isEmpty() ? ", modified" : "") + ")");
    }

    private static String git(Path dir, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = dir.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
