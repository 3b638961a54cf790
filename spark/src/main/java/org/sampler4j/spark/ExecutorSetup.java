package org.sampler4j.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.sampler4j.host.cluster.ClusterEngine;
import org.sampler4j.host.model.ModelException;

/**
 * What executors in other JVMs ({@code spark://}, {@code yarn}, {@code k8s://}, {@code local-cluster}) need from a
 * driver that {@code bin/sampler4j} started: sampler4j's classes and the host's runtime libraries as {@code spark.jars}
 * (the cluster's Spark provides Spark, Scala and Hadoop), DJL offline with the driver's libtorch thread counts, and
 * Spark's Scala version for workers started from Spark's jars alone. The plugin jars and model folders travel per job
 * ({@code SparkCluster.ship}). Settings the user gave ({@code -Dspark.jars=...}, spark-submit's {@code --jars}) win.
 */
final class ExecutorSetup {
    /** The JVM options every executor gets (before the user's {@code spark.executor.extraJavaOptions}). */
    static final String OFFLINE = "-Dai.djl.offline=true -DOPT_OUT_TRACKING=true";

    private ExecutorSetup() {}

    /** Adds to {@code conf} what executors in other JVMs need. */
    static void configure(SparkConf conf) {
        if (!conf.contains("spark.jars")) conf.set("spark.jars", String.join(",", jars()));
        String threads = " -Dai.djl.pytorch.num_interop_threads=" + System.getProperty("ai.djl.pytorch.num_interop_threads", "1")
                + " -Dai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", "1");
        conf.set("spark.executor.extraJavaOptions", (OFFLINE + threads + " " + conf.get("spark.executor.extraJavaOptions", "")).strip());
        // A worker started from Spark's jars alone (no distribution scripts) needs it to build the executor command.
        conf.setIfMissing("spark.executorEnv.SPARK_SCALA_VERSION", "2.13");
        // the launcher's allocator settings (bin/sampler4j: libtorch frees and re-faults its activations otherwise)
        for (String v : List.of("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")) {
            String value = System.getenv(v);
            if (value != null) conf.setIfMissing("spark.executorEnv." + v, value);
        }
    }

    /**
     * The jars executors load: the host's and this module's classes (a classes folder is packed into a jar) and the
     * host distribution's runtime libraries ({@code sampler4j.home/lib}: DJL, libtorch, Jackson, PF4J, picocli...).
     */
    static List<String> jars() {
        Set<String> jars = new LinkedHashSet<>();
        jars.add(jarOf(ClusterEngine.class));
        jars.add(jarOf(ExecutorSetup.class));
        String home = System.getProperty("sampler4j.home");
        Path lib = home == null ? null : Path.of(home, "lib");
        if (lib == null || !Files.isDirectory(lib)) {
            throw new ModelException("a cluster master needs the host's runtime libraries to send to the executors, and "
                    + (home == null ? "sampler4j.home is not set" : lib + " is missing")
                    + ": run bin/sampler4j (it builds host/target/lib and sets -Dsampler4j.home), or give the jars yourself (spark-submit --jars, or -Dspark.jars=...)");
        }
        try (Stream<Path> s = Files.list(lib)) {
            s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> jars.add(p.toAbsolutePath().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(jars);
    }

    /** The jar {@code c} was loaded from; a classes folder (a development build, the tests) is packed into a temporary jar. */
    static String jarOf(Class<?> c) {
        CodeSource src = c.getProtectionDomain().getCodeSource();
        try {
            Path p = Path.of(src.getLocation().toURI());
            if (!Files.isDirectory(p)) return p.toAbsolutePath().toString();
            Path jar = Files.createTempFile("sampler4j-classes-", ".jar");
            jar.toFile().deleteOnExit();
            return zip(p, jar).toAbsolutePath().toString();
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot locate the classes of " + c.getName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Packs the files under {@code dir} into the zip file {@code zip} (a jar of a classes folder, a model folder for
     * {@code SparkContext.addArchive}), with paths relative to {@code dir}; fast compression, since weights hardly shrink.
     */
    static Path zip(Path dir, Path zip) throws IOException {
        try (OutputStream o = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(o); Stream<Path> files = Files.walk(dir)) {
            z.setLevel(Deflater.BEST_SPEED);
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, z);
                z.closeEntry();
            }
        }
        return zip;
    }
}
