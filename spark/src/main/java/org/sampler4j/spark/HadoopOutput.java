package org.sampler4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.sampler4j.host.UserInputException;
import scala.Tuple2;

/**
 * A recipe's output folder on a Hadoop file system ({@code hdfs://}, {@code s3a://}, {@code file://}, any scheme whose
 * connector is on the classpath), written through the Hadoop {@link FileSystem} API: the tasks put their PNGs and
 * resume records there, the driver the grid and the index. Every file is written whole under a hidden temporary name
 * in the same folder and then renamed over its final name, so a reader (or a retried task) never sees half a file.
 * The Hadoop configuration is Hadoop's defaults plus every {@code spark.hadoop.*} key of the Spark configuration (as
 * Spark itself builds it), so credentials and endpoints are configured the Spark way:
 * {@code -Dspark.hadoop.fs.s3a.endpoint=...} or {@code spark-submit --conf spark.hadoop....}.
 */
final class HadoopOutput implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String url;
    /** The folder's file system, looked up once per JVM that uses this output (not serialised). */
    private transient FileSystem cached;

    /** @param url the output folder (no trailing slash) */
    HadoopOutput(String url) {
        this.url = url;
    }

    /** {@return the URL of {@code relative} in this folder} */
    String location(String relative) {
        return url + "/" + relative;
    }

    /**
     * Checks that {@code url} names a file system on the classpath and that its nearest existing folder is a folder
     * that can be written (a probe file is created and deleted there; nothing else is created).
     *
     * @throws UserInputException naming the problem and the fix
     */
    static void check(String url) {
        org.apache.hadoop.fs.Path p = path(url);
        FileSystem fs = fileSystem(p, url);
        try {
            org.apache.hadoop.fs.Path q = p;
            String shown = url.replaceAll("/+$", ""); // q as the user wrote it (Hadoop prints s3a://b/x as s3a:/b/x for some schemes)
            while (q != null && !fs.exists(q)) {
                q = q.getParent();
                shown = shown.substring(0, Math.max(shown.lastIndexOf('/'), 0));
            }
            if (q == null) throw new UserInputException("cannot write --out-dir " + url + ": no existing folder above it; choose another path");
            if (!fs.getFileStatus(q).isDirectory()) {
                throw new UserInputException("cannot write --out-dir " + url + ": " + shown + " is a file, not a folder; choose another path");
            }
            org.apache.hadoop.fs.Path probe = new org.apache.hadoop.fs.Path(q, ".sampler4j-" + UUID.randomUUID() + ".probe");
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException e) {
            throw new UserInputException("cannot write --out-dir " + url + ": " + oneLine(e) + "; check the URL, that the file system is reachable and that"
                    + " you may write there");
        }
    }

    /** Writes the local file {@code from} as {@code relative} (atomically, replacing a previous file of that name). */
    void put(Path from, String relative) throws IOException {
        try (InputStream in = Files.newInputStream(from)) {
            put(in, relative);
        }
    }

    /** Writes {@code bytes} as {@code relative} (atomically, replacing a previous file of that name). */
    void put(byte[] bytes, String relative) throws IOException {
        put(new java.io.ByteArrayInputStream(bytes), relative);
    }

    private void put(InputStream in, String relative) throws IOException {
        org.apache.hadoop.fs.Path target = path(location(relative));
        FileSystem fs = fs();
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        IN_FLIGHT.put(tmp, fs);
        try {
            fs.mkdirs(target.getParent());
            try (OutputStream out = fs.create(tmp, true)) {
                in.transferTo(out);
            }
            // HDFS refuses to rename over an existing file: a retried task replaces its earlier attempt's file
            if (fs.exists(target)) fs.delete(target, false);
            if (!fs.rename(tmp, target)) throw new IOException("could not rename " + tmp + " to " + target);
        } finally {
            IN_FLIGHT.remove(tmp);
            if (fs.exists(tmp)) fs.delete(tmp, false);
        }
    }

    /** The temporary files being written in this JVM: removed by a shutdown hook when the JVM stops mid-write (Ctrl-C). */
    private static final java.util.Map<org.apache.hadoop.fs.Path, FileSystem> IN_FLIGHT = new java.util.concurrent.ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            IN_FLIGHT.forEach((tmp, fs) -> {
                try {
                    fs.delete(tmp, false);
                } catch (IOException | RuntimeException e) {
                    // best effort: the next complete run removes it (removeStale)
                }
            });
        }, "sampler4j-hadoop-partial"));
    }

    /** A temporary name of {@link #put}: {@code .NAME.UUID.tmp}. */
    private static final java.util.regex.Pattern TEMPORARY = java.util.regex.Pattern.compile("\\..+\\.[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\\.tmp");

    /**
     * Removes the temporary files an earlier attempt left in {@code relativeDir} of this folder (an executor killed
     * mid-write); called by the driver when no task runs. {@return how many were removed}
     */
    int removeStale(String relativeDir) throws IOException {
        org.apache.hadoop.fs.Path dir = path(relativeDir.isEmpty() ? url : location(relativeDir));
        FileSystem fs = fs();
        if (!fs.exists(dir)) return 0;
        int n = 0;
        for (FileStatus f : fs.listStatus(dir)) {
            if (f.isFile() && TEMPORARY.matcher(f.getPath().getName()).matches() && fs.delete(f.getPath(), false)) n++;
        }
        return n;
    }

    /** {@return whether {@code relative} is a file in this folder} */
    boolean isFile(String relative) throws IOException {
        org.apache.hadoop.fs.Path p = path(location(relative));
        FileSystem fs = fs();
        if (!fs.exists(p)) return false;
        FileStatus s = fs.getFileStatus(p);
        return s.isFile();
    }

    /** {@return the bytes of {@code relative}} */
    byte[] read(String relative) throws IOException {
        org.apache.hadoop.fs.Path p = path(location(relative));
        try (InputStream in = fs().open(p)) {
            return in.readAllBytes();
        }
    }

    private FileSystem fs() {
        if (cached == null) cached = fileSystem(path(url), url);
        return cached;
    }

    private static org.apache.hadoop.fs.Path path(String url) {
        try {
            return new org.apache.hadoop.fs.Path(new URI(url));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new UserInputException("--out-dir " + url + " is not a valid URL (" + e.getMessage() + "); write it as scheme://host/path, e.g. hdfs://namenode:8020/out");
        }
    }

    private static FileSystem fileSystem(org.apache.hadoop.fs.Path p, String url) {
        try {
            FileSystem fs = FileSystem.get(p.toUri(), configuration());
            fs.setWriteChecksum(false); // no .crc side files next to the images (file:// goes through Hadoop's checksummed local file system)
            return fs;
        } catch (UnsupportedFileSystemException e) {
            throw noFileSystem(p, url);
        } catch (IOException e) {
            throw new UserInputException("cannot write --out-dir " + url + ": " + oneLine(e) + "; check the URL and that the file system is reachable");
        } catch (RuntimeException e) { // a scheme Hadoop knows (core-default.xml names s3a's class) whose jar is missing
            for (Throwable c = e; c != null; c = c.getCause()) if (c instanceof ClassNotFoundException) throw noFileSystem(p, url);
            throw e;
        }
    }

    private static UserInputException noFileSystem(org.apache.hadoop.fs.Path p, String url) {
        String scheme = p.toUri().getScheme();
        return new UserInputException("cannot write --out-dir " + url + ": no Hadoop file system for '" + scheme + "://' on the classpath; "
                + ("s3a".equals(scheme) ? "add hadoop-aws and the AWS SDK bundle of the same Hadoop version (spark-submit --jars), " : "add the scheme's connector jar, ")
                + "or write to a mounted path");
    }

    /** Hadoop's defaults plus the Spark configuration's {@code spark.hadoop.*} keys (the executor's, or on the driver a fresh one). */
    static Configuration configuration() {
        SparkEnv env = SparkEnv.get();
        SparkConf spark = env != null ? env.conf() : new SparkConf();
        Configuration c = new Configuration();
        for (Tuple2<String, String> kv : spark.getAllWithPrefix("spark.hadoop.")) c.set(kv._1(), kv._2());
        return c;
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        String line = nl < 0 ? m : m.substring(0, nl);
        return line.replaceAll(";? *For more details see: *\\S+", "");
    }

    @Override
    public String toString() {
        return url;
    }
}
