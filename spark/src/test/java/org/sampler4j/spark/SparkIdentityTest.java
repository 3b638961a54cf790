package org.sampler4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.api.sampler.StepListener;
import org.sampler4j.host.cluster.ClusterEngine;
import org.sampler4j.host.eval.Classifier;
import org.sampler4j.host.eval.Evaluation;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.Models;
import org.sampler4j.host.recipe.LoadedRecipe;
import org.sampler4j.host.recipe.RecipeChecker;
import org.sampler4j.host.recipe.RecipeRunner;
import org.sampler4j.host.recipe.Recipes;

/**
 * One machine and Spark ({@code local[2]}) give the same bytes and numbers. Every job of this session fails its task 1
 * on the first attempt (after writing its outputs), so each comparison also checks that a retried task changes nothing.
 */
class SparkIdentityTest {
    static final Path DIGITS = Path.of("..", "models", "digits").toAbsolutePath().normalize();
    static ClusterEngine.Session cluster;
    static final List<String> progress = new ArrayList<>();
    static final AtomicInteger failed = new AtomicInteger();

    @BeforeAll
    static void open() {
        System.setProperty(Workers.FAIL_ONCE, "1");
        System.setProperty(RenamedLocalFs.KEY, RenamedLocalFs.class.getName());
        cluster = new SparkEngine().open("local[2]", progress::add);
        SparkSession.active().sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) failed.incrementAndGet();
            }
        });
    }

    @AfterAll
    static void close() {
        System.clearProperty(Workers.FAIL_ONCE);
        System.clearProperty(RenamedLocalFs.KEY);
        cluster.close();
    }

    /** A sweep of 4 cells of 2 images on the digits model. */
    static LoadedRecipe sweep(Path dir) throws IOException {
        Path recipe = dir.resolve("sweep.yaml");
        Files.writeString(recipe, String.join("\n", "recipe: 1", "model: " + DIGITS, "conditioning:", "  class: 7", "guidance: 2", "batch: 2",
                "schedule: trailing(4).zeroSnr()", "sweep:", "  sampler: [euler, dpmpp_2m]", "  seed: [5, 9]", "  rows: sampler", ""));
        LoadedRecipe lr = Recipes.load(recipe);
        RecipeChecker.check(lr);
        lr.orThrow();
        return lr;
    }

    @Test
    void aRecipeSweepWritesTheSameImagesAndIndexAndResumes(@TempDir Path dir) throws IOException {
        LoadedRecipe lr = sweep(dir);
        RecipeRunner.Result one = RecipeRunner.run(lr, dir.resolve("one"), false, label -> StepListener.NONE, line -> { });
        int before = failed.get();
        RecipeRunner.Result spark = cluster.runRecipe(lr, dir.resolve("spark"), null, false, false, null, line -> { });
        assertTrue(failed.get() > before, "the injected failure happened");
        assertEquals(8, one.images().size());
        assertSameOutputs(one.folder(), spark.folder());
        assertTrue(progress.stream().anyMatch(l -> l.startsWith("spark: 4/4 cells done, 8/8 images")), progress.toString());

        // a rerun with --resume runs only what is missing
        Files.delete(spark.folder().resolve(spark.images().get(2).get("file").toString()));
        Files.delete(spark.folder().resolve("grid.png"));
        Files.delete(spark.folder().resolve("index.json"));
        List<String> log = new ArrayList<>();
        cluster.runRecipe(lr, dir.resolve("spark"), null, false, true, null, log::add);
        assertTrue(log.get(0).startsWith("resume: 3 of 4 cell(s) already complete"), log.toString());
        assertEquals(2, log.stream().filter(l -> l.startsWith("wrote") && l.contains(".png  (") && !l.contains("grid.png")).count(), "one cell of 2 images ran: " + log);
        assertSameOutputs(one.folder(), spark.folder());
    }

    @Test
    void aSweepWrittenToAHadoopFileSystemUrlIsTheSameAndResumes(@TempDir Path dir) throws IOException {
        LoadedRecipe lr = sweep(dir);
        RecipeRunner.Result one = RecipeRunner.run(lr, dir.resolve("one"), false, label -> StepListener.NONE, line -> { });
        String url = RecipeRunner.folderUrl(lr, RenamedLocalFs.url(dir.resolve("remote")) + "/");
        assertEquals(RenamedLocalFs.url(dir.resolve("remote")) + "/sweep", url);
        new SparkEngine().checkOutput(url);
        assertEquals(List.of("one", "sweep.yaml"), files(dir), "the check creates nothing");
        int before = failed.get();
        List<String> log = new ArrayList<>();
        RecipeRunner.Result spark = cluster.runRecipe(lr, null, url, false, false, null, log::add);
        assertTrue(failed.get() > before, "the injected failure happened");
        Path remote = dir.resolve("remote/sweep");
        assertSameOutputs(one.folder(), remote);
        assertEquals(List.of(".sampler4j-spark", "grid.png", "index.csv", "index.json"),
                files(remote, n -> !n.endsWith(".png") || n.equals("grid.png")), "no temporary or checksum files left");
        assertEquals(8, log.stream().filter(l -> l.startsWith("wrote " + url + "/sweep_") && l.contains(".png  (")).count(), log.toString());
        assertTrue(log.contains("wrote " + url + "/grid.png  (contact sheet: 2 row(s) x 4)"), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("wrote " + url + "/index.json and index.csv")), log.toString());
        assertEquals(8, spark.images().size());

        // --resume reads the records and the PNGs through the file system too
        Files.delete(remote.resolve(spark.images().get(5).get("file").toString()));
        Files.delete(remote.resolve("index.json"));
        // what an executor killed mid-write leaves: the next complete run removes it
        Path stale = remote.resolve(".sweep_x.png.0f8fad5b-d9cb-469f-a165-70867728950e.tmp");
        Files.writeString(stale, "half a png");
        log.clear();
        cluster.runRecipe(lr, null, url, false, true, null, log::add);
        assertTrue(!Files.exists(stale), "stale temporary file removed");
        assertEquals("resume: 3 of 4 cell(s) already complete in " + url, log.get(0));
        assertEquals(2, log.stream().filter(l -> l.startsWith("wrote") && l.contains(".png  (") && !l.contains("grid.png")).count(), log.toString());
        assertSameOutputs(one.folder(), remote);
    }

    @Test
    void anOutputUrlIsCheckedBeforeAnythingRuns(@TempDir Path dir) throws IOException {
        SparkEngine engine = new SparkEngine();
        Files.writeString(dir.resolve("file"), "x");
        assertEquals("cannot write --out-dir " + RenamedLocalFs.url(dir) + "/file/x: " + RenamedLocalFs.url(dir) + "/file is a file, not a folder; choose another path",
                org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> engine.checkOutput(RenamedLocalFs.url(dir) + "/file/x")).getMessage());
        String m = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> engine.checkOutput("nosuchfs://host/out")).getMessage();
        assertEquals("cannot write --out-dir nosuchfs://host/out: no Hadoop file system for 'nosuchfs://' on the classpath; add the scheme's connector jar,"
                + " or write to a mounted path", m);
        m = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> engine.checkOutput("s3a://bucket/out")).getMessage();
        assertTrue(m.startsWith("cannot write --out-dir s3a://bucket/out: no Hadoop file system for 's3a://' on the classpath; add hadoop-aws"), m);
    }

    @Test
    void evaluationRowsAreIdentical() {
        try (DiffusionModel gmm = Models.open("gmm:1x8x8")) {
            // 25 per class: 250 items per case, three chunks merged in order
            Evaluation.Settings s = new Evaluation.Settings(25, 3, 2, 0, Map.of(), "torch-cpu", 200);
            List<Evaluation.Case> cases = List.of(new Evaluation.Case("euler", "linspace(6).karras()", "linspace(n).karras()"),
                    new Evaluation.Case("dpmpp_2m", "linspace(12).karras()", "linspace(n).karras()"));
            assertSameRows(Evaluation.run(gmm, null, cases, s, line -> { }), cluster.evaluate(gmm, null, cases, s, null, line -> { }));
        }
        try (DiffusionModel digits = Models.open(DIGITS.toString()); Classifier c = Classifier.open(DIGITS.resolve("classifier"))) {
            // 11 per class: 110 items, two chunks (100 + 10): accuracy and the Frechet distance from merged feature moments
            Evaluation.Settings s = new Evaluation.Settings(11, 0, 1, 0, Map.of(), "torch-cpu", 2000);
            List<Evaluation.Case> cases = List.of(new Evaluation.Case("dpmpp_2m", "trailing(4).zeroSnr()", "trailing(n).zeroSnr()"));
            Evaluation.Report one = Evaluation.run(digits, c, cases, s, line -> { });
            assertTrue(one.rows().get(0).accuracy() != null && one.rows().get(0).frechet() != null);
            assertSameRows(one, cluster.evaluate(digits, c, cases, s, null, line -> { }));
        }
    }

    static void assertSameRows(Evaluation.Report a, Evaluation.Report b) {
        assertEquals(withoutSeconds(a.toJson()), withoutSeconds(b.toJson()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> withoutSeconds(Map<String, Object> doc) {
        for (Map<String, Object> r : (List<Map<String, Object>>) doc.get("rows")) r.remove("seconds");
        return doc;
    }

    /** The same files (not counting the hidden resume records), the same bytes, the same index apart from timings. */
    @SuppressWarnings("unchecked")
    static void assertSameOutputs(Path a, Path b) throws IOException {
        List<String> names = files(a);
        assertEquals(names, files(b));
        ObjectMapper json = new ObjectMapper();
        for (String n : names) {
            if (n.equals("index.json")) {
                Map<String, Object> x = json.readValue(a.resolve(n).toFile(), Map.class);
                Map<String, Object> y = json.readValue(b.resolve(n).toFile(), Map.class);
                for (Map<String, Object> doc : List.of(x, y)) for (Map<String, Object> e : (List<Map<String, Object>>) doc.get("images")) e.remove("seconds");
                assertEquals(x, y);
            } else if (!n.equals("index.csv")) {
                assertArrayEquals(Files.readAllBytes(a.resolve(n)), Files.readAllBytes(b.resolve(n)), n);
            }
        }
    }

    static List<String> files(Path dir) throws IOException {
        return files(dir, n -> !n.startsWith("."));
    }

    static List<String> files(Path dir, java.util.function.Predicate<String> keep) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(keep).sorted().toList();
        }
    }
}
