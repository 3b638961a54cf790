package org.sampler4j.host.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sampler4j.host.UserInputException;

/**
 * Checks, before anything runs, that outputs can be written, so that a run that cannot finish writes nothing. Nothing is
 * created: the nearest existing folder is probed with a temporary file that is deleted at once.
 */
public final class Outputs {
    /**
     * A URL: a scheme of two or more characters, a colon and a slash, as typed ({@code hdfs://nn/out}) or once it is a
     * {@link Path} ({@code hdfs:/nn/out}); one-letter schemes are drive letters.
     */
    private static final java.util.regex.Pattern URL = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:/.*");

    private Outputs() {}

    /**
     * Whether an output location, as given, is a URL ({@code hdfs://namenode/out}, {@code s3a://bucket/out},
     * {@code file:///tmp/out}) rather than a local path: {@code run RECIPE --spark MASTER --out-dir URL} writes such
     * outputs through the Hadoop file-system API; everything else writes local paths only.
     *
     * @param location the location as the user typed it, or null
     * @return true for a URL
     */
    public static boolean isUrl(String location) {
        return location != null && URL.matcher(location).matches();
    }

    /**
     * Checks that {@code file} can be written: it is not a folder, and its folder exists or can be created.
     *
     * @param what how the user named it, for the message ({@code "-o"}, {@code "--plot"})
     * @throws UserInputException naming the problem and the fix
     */
    public static void checkFile(Path file, String what) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new UserInputException(what + " " + file + " is a folder: give a file name, e.g. " + file.resolve("out.png"));
        }
        if (Files.exists(abs) && !Files.isRegularFile(abs)) throw new UserInputException(what + " " + file + " is not a regular file: choose another path");
        checkFolder(abs.getParent(), what, file);
    }

    /**
     * Checks that the folder {@code dir} exists and is writable or can be created.
     *
     * @throws UserInputException naming the problem and the fix
     */
    public static void checkFolder(Path dir, String what) {
        checkFolder(dir.toAbsolutePath().normalize(), what, dir);
    }

    private static void checkFolder(Path dir, String what, Path target) {
        if (URL.matcher(target.toString()).matches()) {
            throw new UserInputException("cannot write " + what + " " + target + ": a URL (" + target.toString().substring(0, target.toString().indexOf(':'))
                    + ":) is not a folder here; " + what + " is a local path (or a shared mount). Hadoop file systems (hdfs://, s3a://) are written only by recipe runs on"
                    + " Spark: run RECIPE.yaml --spark MASTER --out-dir URL");
        }
        Path p = dir;
        while (p != null && !Files.exists(p)) p = p.getParent();
        if (p == null) throw new UserInputException("cannot write " + what + " " + target + ": no existing folder above it; choose another path");
        if (!Files.isDirectory(p)) {
            throw new UserInputException("cannot write " + what + " " + target + ": " + p + " is a file, not a folder; choose another path");
        }
        try {
            Files.delete(Files.createTempFile(p, ".sampler4j-", ".probe"));
        } catch (IOException | SecurityException e) {
            String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? " (" + f.getReason() + ")" : "";
            throw new UserInputException("cannot write " + what + " " + target + ": " + p + " is not writable" + why + "; choose a folder you can write to");
        }
    }
}
