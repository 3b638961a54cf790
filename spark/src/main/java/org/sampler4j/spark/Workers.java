package org.sampler4j.spark;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.sampler4j.api.sampler.StepListener;
import org.sampler4j.host.eval.Classifier;
import org.sampler4j.host.eval.Evaluation;
import org.sampler4j.host.image.Pngs;
import org.sampler4j.host.model.AnalyticModel;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.Models;
import org.sampler4j.host.plugin.PluginHost;
import org.sampler4j.host.recipe.RecipeRunner;

/**
 * What runs on the executors: the tasks, and the per-executor state they share. Models and classifiers are opened once
 * per executor and task slot (a pool per JVM: a task borrows one, gives it back), plugins are installed once per
 * executor JVM; in {@code local} mode the executors are the driver's JVM and use what the command already loaded.
 */
final class Workers {
    /** Conf key (a test hook): task indexes, comma-separated, that fail on their first attempt after writing their outputs. */
    static final String FAIL_ONCE = "spark.sampler4j.failOnce";
    /**
     * Conf key (a test hook): executors use the shipped copies of the model, classifier and plugins even where the
     * driver's paths exist (as on a cluster without a shared file system).
     */
    static final String SHIPPED_ONLY = "spark.sampler4j.shippedOnly";
    /** The folder, inside a recipe's output folder, of the per-cell records that {@code --resume} reads. */
    static final String CELLS = ".sampler4j-spark";

    private static final Map<String, Deque<DiffusionModel>> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, Deque<Classifier>> CLASSIFIERS = new ConcurrentHashMap<>();
    private static final Map<String, Evaluation.References> REFERENCES = new ConcurrentHashMap<>();
    private static Path installed;

    private Workers() {}

    /**
     * Where a task finds its inputs: in the driver's JVM ({@code local}), on a path every machine shares, or shipped
     * with the job ({@code SparkContext.addFile}: the model folder, the classifier folder, the plugin jars).
     *
     * @param local the executors run in the driver's JVM
     * @param plugins the plugins folder (driver path), or null
     * @param pluginJars the plugin jar file names shipped with the job
     */
    record Inputs(boolean local, String plugins, List<String> pluginJars) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Recipe task: runs one cell, writes its PNGs and the record {@code --resume} reads: into the local folder of
     * {@code w}, or with {@code out} into that Hadoop file-system folder (rendered in a local staging folder first).
     */
    static RecipeRunner.CellOutput cell(RecipeRunner.CellWork w, String model, Inputs in, HadoopOutput out) throws IOException {
        setup(in);
        Path stage = out == null ? null : Files.createTempDirectory("sampler4j-cell");
        try {
            RecipeRunner.CellWork local = out == null ? w : w.in(stage);
            RecipeRunner.CellOutput made = withModel(model, m -> {
                try {
                    return RecipeRunner.runCell(m, local, StepListener.NONE, line -> { });
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (out != null) for (String f : w.files()) out.put(stage.resolve(f), f);
            failOnce();
            byte[] record = JSON.writeValueAsBytes(made.entries());
            if (out == null) writeRecord(w, record);
            else out.put(record, recordName(w));
            return made;
        } finally {
            if (stage != null) deleteTree(stage);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Evaluation task: one chunk's partial. */
    static Evaluation.Partial chunk(EvalJob job, Evaluation.Chunk k, Inputs in) {
        setup(in);
        Evaluation.References refs = REFERENCES.computeIfAbsent(job.id(), id -> new Evaluation.References());
        Evaluation.Partial p = withModel(job.model(), m -> {
            if (job.classifier() == null) return Evaluation.evaluate(m, null, job.cases().get(k.caseIndex()), k, job.settings(), refs);
            Deque<Classifier> pool = CLASSIFIERS.computeIfAbsent(job.classifier(), f -> new ConcurrentLinkedDeque<>());
            Classifier c = pool.poll();
            if (c == null) c = Classifier.open(Path.of(resolve(job.classifier())));
            try {
                return Evaluation.evaluate(m, c, job.cases().get(k.caseIndex()), k, job.settings(), refs);
            } finally {
                pool.push(c);
            }
        });
        failOnce();
        return p;
    }

    /**
     * An evaluation as the executors see it (broadcast once).
     *
     * @param id this evaluation (keys the analytic model's reference solutions)
     * @param model the model reference (driver path or built-in name)
     * @param classifier the classifier folder (driver path), or null
     * @param cases the cases
     * @param settings the shared settings
     */
    record EvalJob(String id, String model, String classifier, List<Evaluation.Case> cases, Evaluation.Settings settings) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Forgets an evaluation's reference solutions. */
    static void forget(String jobId) {
        REFERENCES.remove(jobId);
    }

    /** Closes the pooled models and classifiers of this JVM (the driver's, after a local session). */
    static void closeAll() {
        for (Deque<DiffusionModel> d : MODELS.values()) for (DiffusionModel m; (m = d.poll()) != null; ) m.close();
        for (Deque<Classifier> d : CLASSIFIERS.values()) for (Classifier c; (c = d.poll()) != null; ) c.close();
        REFERENCES.clear();
    }

    private static <T> T withModel(String ref, Function<DiffusionModel, T> f) {
        Deque<DiffusionModel> pool = MODELS.computeIfAbsent(ref, r -> new ConcurrentLinkedDeque<>());
        DiffusionModel m = pool.poll();
        if (m == null) m = Models.open(resolve(ref));
        try {
            return f.apply(m);
        } finally {
            pool.push(m);
        }
    }

    /** A built-in name or a path the executor can read: the driver's path when it exists here (shared), else the shipped copy. */
    static String resolve(String ref) {
        if (AnalyticModel.matches(ref) || (Files.exists(Path.of(ref)) && !shippedOnly())) return ref;
        return SparkFiles.get(Path.of(ref).getFileName().toString());
    }

    /** Once per executor JVM: DJL offline, the plugins installed (not in local mode: the driver installed them). */
    private static synchronized void setup(Inputs in) {
        System.setProperty("ai.djl.offline", "true");
        if (in.local() || in.plugins() == null || installed != null) return;
        Path dir = Path.of(in.plugins());
        if (!Files.isDirectory(dir) || shippedOnly()) {
            try {
                dir = Files.createTempDirectory("sampler4j-plugins");
                dir.toFile().deleteOnExit(); // (exit hooks run in reverse: the jars go first, then the folder)
                for (String jar : in.pluginJars()) {
                    Files.copy(Path.of(SparkFiles.get(jar)), dir.resolve(jar));
                    dir.resolve(jar).toFile().deleteOnExit();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        PluginHost.load(dir).install();
        installed = dir;
    }

    private static boolean shippedOnly() {
        SparkEnv env = SparkEnv.get();
        return env != null && env.conf().getBoolean(SHIPPED_ONLY, false);
    }

    /** The test hook {@link #FAIL_ONCE}: fails the first attempt of the listed tasks, after their outputs are written. */
    private static void failOnce() {
        TaskContext t = TaskContext.get();
        if (t == null || t.attemptNumber() > 0) return;
        String spec = SparkEnv.get().conf().get(FAIL_ONCE, "");
        for (String s : spec.split(",")) {
            if (!s.isBlank() && Integer.parseInt(s.trim()) == t.partitionId()) {
                throw new IllegalStateException("injected failure of task " + t.partitionId() + " (" + FAIL_ONCE + "), attempt " + t.attemptNumber());
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The record of a finished cell: its index entries, next to its PNGs (written atomically, after them). */
    private static void writeRecord(RecipeRunner.CellWork w, byte[] record) throws IOException {
        Path file = w.folderPath().resolve(recordName(w));
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, record);
            Pngs.commit(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The record's name, relative to the output folder. */
    private static String recordName(RecipeRunner.CellWork w) {
        return CELLS + "/cell-" + w.index() + ".json";
    }

    /**
     * A cell a previous run completed (its record and every PNG are there), or null: in the local folder of {@code w},
     * or with {@code out} in that Hadoop file-system folder.
     */
    static RecipeRunner.CellOutput completed(RecipeRunner.CellWork w, HadoopOutput out) throws IOException {
        String rec = recordName(w);
        if (out == null ? !Files.isRegularFile(w.folderPath().resolve(rec)) : !out.isFile(rec)) return null;
        for (String f : w.files()) if (out == null ? !Files.isRegularFile(w.folderPath().resolve(f)) : !out.isFile(f)) return null;
        byte[] bytes = out == null ? Files.readAllBytes(w.folderPath().resolve(rec)) : out.read(rec);
        List<Map<String, Object>> entries = JSON.readValue(bytes, new TypeReference<List<Map<String, Object>>>() { });
        if (entries.size() != w.files().size()) return null;
        List<java.awt.image.BufferedImage> images = new ArrayList<>();
        for (String f : w.files()) {
            if (out == null) {
                images.add(Pngs.read(w.folderPath().resolve(f)).image());
            } else {
                images.add(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(out.read(f))));
            }
        }
        return RecipeRunner.CellOutput.of(entries, images);
    }
}
