package org.sampler4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.sampler4j.host.cluster.ClusterEngine;
import org.sampler4j.host.eval.Classifier;
import org.sampler4j.host.eval.Evaluation;
import org.sampler4j.host.model.AnalyticModel;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.ModelException;
import org.sampler4j.host.model.ModelInfo;
import org.sampler4j.host.model.Models;
import org.sampler4j.host.recipe.LoadedRecipe;
import org.sampler4j.host.recipe.RecipePlan;
import org.sampler4j.host.recipe.RecipeRunner;

/**
 * A Spark session running recipes (one task per cell) and evaluations (one task per {@link Evaluation.Chunk}). The
 * work list is broadcast once; each task gets its index. Tasks write the PNGs; the driver collects the results in task
 * order, writes the grid and the index ({@link RecipeRunner#assemble}) and reduces evaluation partials in item order
 * ({@link Evaluation#row}), so every number and byte matches one machine.
 */
final class SparkCluster implements ClusterEngine.Session {
    private final SparkSession session;
    private final JavaSparkContext jsc;
    private final boolean local;
    private final String master;
    private final Consumer<String> progress;

    /**
     * @param local the executors run in this JVM
     * @param master the master (for error messages)
     */
    SparkCluster(SparkSession session, boolean local, String master, Consumer<String> progress) {
        this.session = session;
        this.jsc = JavaSparkContext.fromSparkContext(session.sparkContext());
        this.local = local;
        this.master = master;
        this.progress = progress;
    }

    @Override
    public RecipeRunner.Result runRecipe(LoadedRecipe lr, Path outRoot, String outUrl, boolean noGrid, boolean resume, Path plugins, Consumer<String> log)
            throws IOException {
        String ref = RecipePlan.modelRef(lr);
        ModelInfo info = Models.describe(ref);
        RecipePlan plan = RecipePlan.of(lr, info.defaultSchedule().orElse(RecipePlan.DEFAULT_SCHEDULE));
        HadoopOutput out = outUrl == null ? null : new HadoopOutput(outUrl);
        // a URL folder: the driver writes the grid and the index into a local staging folder, then puts them there
        Path stage = out == null ? null : Files.createTempDirectory("sampler4j-out");
        try {
            RecipeRunner.Layout given = RecipeRunner.Layout.of(lr, outRoot);
            RecipeRunner.Layout layout = out == null ? given : new RecipeRunner.Layout(stage, given.pattern(), given.name());
            String where = out == null ? layout.folder().toString() : outUrl;
            RecipeRunner.CellOutput[] outputs = new RecipeRunner.CellOutput[plan.cells().size()];
            List<RecipeRunner.CellWork> todo = new ArrayList<>();
            for (RecipeRunner.CellWork w : RecipeRunner.CellWork.all(plan, layout)) {
                RecipeRunner.CellOutput done = resume ? guarded(() -> Workers.completed(w, out)) : null;
                if (done != null) outputs[w.index()] = done;
                else todo.add(w);
            }
            if (resume) log.accept("resume: " + (outputs.length - todo.size()) + " of " + outputs.length + " cell(s) already complete in " + where);
            if (!todo.isEmpty()) {
                Workers.Inputs in = guarded(() -> ship(ref, null, plugins));
                String model = shared(ref);
                Broadcast<List<RecipeRunner.CellWork>> work = guarded(() -> jsc.broadcast(todo));
                int[] images = todo.stream().mapToInt(w -> w.files().size()).toArray();
                List<RecipeRunner.CellOutput> got = run("cells", images, () -> jsc.parallelize(indexes(todo.size()), todo.size())
                        .map(i -> Workers.cell(work.value().get(i), model, in, out)).collectAsync());
                work.destroy();
                for (int i = 0; i < todo.size(); i++) {
                    RecipeRunner.CellWork w = todo.get(i);
                    outputs[w.index()] = got.get(i);
                    for (Map<String, Object> e : got.get(i).entries()) {
                        log.accept("wrote " + where + "/" + e.get("file") + "  (" + (w.label().isEmpty() ? info.name() : w.label()) + ", seed " + e.get("seed") + ")");
                    }
                }
            }
            if (out == null) return RecipeRunner.assemble(lr, plan, layout, info.name(), Arrays.asList(outputs), noGrid, log);
            RecipeRunner.Result r = RecipeRunner.assemble(lr, plan, layout, info.name(), Arrays.asList(outputs), noGrid,
                    line -> log.accept(line.replace(stage.toString(), outUrl)));
            out.removeStale("");
            out.removeStale(Workers.CELLS);
            if (r.grid() != null) out.put(r.grid(), r.grid().getFileName().toString());
            // the index last: its presence says the folder is complete
            out.put(stage.resolve("index.csv"), "index.csv");
            out.put(stage.resolve("index.json"), "index.json");
            return r;
        } finally {
            if (stage != null) deleteLater(stage);
        }
    }

    /** The staging folder's files are read by the caller (the result's paths); they go when the JVM exits. */
    private static void deleteLater(Path stage) throws IOException {
        try (Stream<Path> s = Files.walk(stage)) {
            for (Path p : s.toList()) p.toFile().deleteOnExit();
        }
    }

    @Override
    public Evaluation.Report evaluate(DiffusionModel model, Classifier classifier, List<Evaluation.Case> cases, Evaluation.Settings s, Path plugins,
                                      Consumer<String> lines) {
        if (cases.isEmpty()) throw new ModelException("nothing to evaluate: give at least one sampler and schedule");
        Evaluation.Real real = Evaluation.Real.of(classifier);
        List<Evaluation.Chunk> chunks = Evaluation.chunks(model, s, 0, cases.size());
        String ref = model.reference();
        String cls = classifier == null ? null : classifier.folder().toAbsolutePath().toString();
        Workers.Inputs in = guarded(() -> ship(ref, cls, plugins));
        Workers.EvalJob job = new Workers.EvalJob(UUID.randomUUID().toString(), shared(ref), cls, List.copyOf(cases), s);
        Broadcast<Workers.EvalJob> b = guarded(() -> jsc.broadcast(job));
        int[] images = chunks.stream().mapToInt(Evaluation.Chunk::count).toArray();
        List<Evaluation.Partial> parts;
        try {
            parts = run("chunks", images, () -> jsc.parallelize(chunks, chunks.size()).map(k -> Workers.chunk(b.value(), k, in)).collectAsync());
        } finally {
            b.destroy();
            Workers.forget(job.id());
        }
        List<Evaluation.Row> rows = new ArrayList<>();
        for (int c = 0; c < cases.size(); c++) {
            List<Evaluation.Partial> mine = new ArrayList<>();
            for (int i = 0; i < chunks.size(); i++) if (chunks.get(i).caseIndex() == c) mine.add(parts.get(i));
            Evaluation.Row row = Evaluation.row(cases.get(c), mine, real);
            rows.add(row);
            lines.accept(Evaluation.describe(row));
        }
        return Evaluation.report(model, s, classifier, real, rows);
    }

    /**
     * Runs one Spark job with the progress line attached (and Spark's wait for executors reported on it); gives up when
     * the cluster's executors keep exiting as they start ({@link SparkLog#executorsFailing}).
     */
    private <T> List<T> run(String unit, int[] images, Supplier<JavaFutureAction<List<T>>> job) {
        Progress p = new Progress(unit, images, progress);
        return guarded(() -> {
            session.sparkContext().addSparkListener(p);
            SparkLog.onWaiting(progress);
            try {
                JavaFutureAction<List<T>> f = job.get();
                while (true) {
                    try {
                        List<T> result = f.get(1, TimeUnit.SECONDS);
                        p.finish();
                        return result;
                    } catch (TimeoutException e) {
                        String failing = SparkLog.executorsFailing();
                        if (failing != null) {
                            f.cancel(true);
                            throw Failures.executorsExit(session.sparkContext(), master, failing);
                        }
                    } catch (InterruptedException e) {
                        f.cancel(true);
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    } catch (ExecutionException e) {
                        throw e.getCause() instanceof Exception c ? c : e;
                    }
                }
            } finally {
                SparkLog.onWaiting(null);
                if (!session.sparkContext().isStopped()) session.sparkContext().removeSparkListener(p);
            }
        });
    }

    /**
     * {@code work} with its failures as the command reports them ({@link Failures#of}): a task's user error as one
     * machine reports it, the application stopped by the cluster as one line that says why; anything else as it came.
     */
    private <T> T guarded(Callable<T> work) {
        try {
            return work.call();
        } catch (Exception e) { // SparkException (checked) comes through Scala undeclared
            throw Failures.of(e, session.sparkContext(), master);
        }
    }

    private static List<Integer> indexes(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(i);
        return l;
    }

    /** The reference executors open: a built-in name, or the absolute path (which {@link Workers#resolve} falls back from). */
    private static String shared(String ref) {
        return AnalyticModel.matches(ref) ? ref : Path.of(ref).toAbsolutePath().normalize().toString();
    }

    /**
     * Ships the inputs executors may not see (not in local mode): the model folder and the classifier folder as zip
     * archives ({@code SparkContext.addArchive}, unpacked on each executor under the folder's name), the plugin jars
     * with {@code SparkContext.addFile}. Executors that see the same paths (a shared file system) use them directly;
     * {@code spark.sampler4j.shared=true} skips the folders' archives (large models on a shared mount).
     */
    private Workers.Inputs ship(String model, String classifier, Path plugins) {
        List<String> jars = new ArrayList<>();
        if (!local) {
            boolean shared = jsc.sc().conf().getBoolean(SHARED, false);
            if (!shared && !AnalyticModel.matches(model)) addFolder(Path.of(shared(model)));
            if (!shared && classifier != null) addFolder(Path.of(classifier));
            if (plugins != null && Files.isDirectory(plugins)) {
                try (Stream<Path> files = Files.list(plugins)) {
                    for (Path jar : files.filter(f -> f.toString().endsWith(".jar") || f.toString().endsWith(".zip")).sorted().toList()) {
                        jsc.sc().addFile(jar.toAbsolutePath().toString());
                        jars.add(jar.getFileName().toString());
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        return new Workers.Inputs(local, plugins == null ? null : plugins.toAbsolutePath().toString(), jars);
    }

    /** Conf key: the model and classifier folders are on a path every executor sees; they are not shipped. */
    static final String SHARED = "spark.sampler4j.shared";

    /** Ships a folder as a zip archive that each executor unpacks as {@code SparkFiles.get(folder name)}. */
    private void addFolder(Path dir) {
        try {
            Path tmp = Files.createTempDirectory("sampler4j-ship");
            tmp.toFile().deleteOnExit();
            Path zip = ExecutorSetup.zip(dir, tmp.resolve(dir.getFileName() + ".zip"));
            zip.toFile().deleteOnExit();
            jsc.sc().addArchive(zip.toAbsolutePath() + "#" + dir.getFileName());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        session.stop();
        if (local) Workers.closeAll();
    }
}
