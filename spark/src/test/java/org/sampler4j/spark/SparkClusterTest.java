package org.sampler4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.api.sampler.StepListener;
import org.sampler4j.host.cluster.ClusterEngine;
import org.sampler4j.host.eval.Evaluation;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.ModelException;
import org.sampler4j.host.model.Models;
import org.sampler4j.host.recipe.LoadedRecipe;
import org.sampler4j.host.recipe.RecipeChecker;
import org.sampler4j.host.recipe.RecipeRunner;
import org.sampler4j.host.recipe.Recipes;

/**
 * A real multi-JVM cluster on this machine: Spark's {@code local-cluster[2,1,1024]} master starts a standalone master and
 * two workers, whose executors are separate JVMs with Spark's jars only ({@code SPARK_HOME=target/spark-home}, made here
 * from the test classpath without the host's libraries). Everything sampler4j needs reaches them as a cluster's
 * executors get it: the jars ({@link ExecutorSetup}), the plugins and the model folder ({@code SparkCluster.ship}).
 * The outputs equal one machine's (part of the normal test run, 28-38 s on the idle 2-core development machine, 86-98 s
 * at load 12; {@code -Dsampler4j.sparkCluster=false} skips it); executors that cannot start are one line. Needs the host's distribution ({@code host/target/lib} and {@code plugins}: a
 * {@code package} of the host), else it is skipped.
 */
class SparkClusterTest {
    static final String MASTER = "local-cluster[2,1,1024]";
    static final Path HOST = Path.of("..", "host", "target").toAbsolutePath().normalize();
    static final Path PLUGINS = HOST.resolve("plugins");
    /** What the host adds to Spark's classpath: the executors must get these from the driver. */
    static final List<String> HOST_ONLY = List.of("/org/sampler4j/", "/ai/djl/", "/org/pf4j/", "/info/picocli/", "/com/github/zafarkhaja/", "/net/java/dev/jna/",
            "/com/fasterxml/jackson/dataformat/", "/org/slf4j/slf4j-nop/", "/org/junit/", "/org/opentest4j/", "/org/apiguardian/");

    @BeforeAll
    static void sparkHome() throws IOException {
        assumeTrue(Files.isDirectory(HOST.resolve("lib")) && Files.isDirectory(PLUGINS), "needs the host's distribution: mvn package -pl host");
        String home = System.getenv("SPARK_HOME");
        assumeTrue(home != null, "SPARK_HOME is set by the spark module's surefire configuration");
        Path jars = Path.of(home, "jars");
        deleteTree(Path.of(home));
        Files.createDirectories(jars);
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String unix = e.replace('\\', '/');
            // the reactor's own jars (sampler4j-host-*.jar in a verify run, not only ~/.m2/.../org/sampler4j/) are the host's too
            if (!unix.endsWith(".jar") || HOST_ONLY.stream().anyMatch(unix::contains) || Path.of(e).getFileName().toString().startsWith("sampler4j-")) continue;
            Path jar = Path.of(e);
            Path link = jars.resolve(jar.getFileName());
            if (!Files.exists(link)) Files.createSymbolicLink(link, jar.toAbsolutePath());
        }
        System.setProperty("sampler4j.home", HOST.toString());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        System.clearProperty("sampler4j.home");
        String home = System.getenv("SPARK_HOME");
        if (home != null) deleteTree(Path.of(home, "work"));   // the executors' copies of the shipped jars
    }

    /** Two executor JVMs fetch the jars, load DJL, libtorch and the model: the slowest test of the module (see the class comment). */
    @Test
    @DisabledIfSystemProperty(named = "sampler4j.sparkCluster", matches = "false", disabledReason = "skipped with -Dsampler4j.sparkCluster=false")
    void evalRowsAndRecipeImagesAreTheSameAsOnOneMachine(@TempDir Path dir) throws IOException {
        Path recipe = dir.resolve("sweep.yaml");
        Files.writeString(recipe, String.join("\n", "recipe: 1", "model: " + SparkIdentityTest.DIGITS, "conditioning:", "  class: 3", "batch: 1",
                "schedule: trailing(3).zeroSnr()", "sweep:", "  sampler: [euler, dpmpp_2m]", "  seed: [5]", "  rows: sampler", ""));
        LoadedRecipe lr = Recipes.load(recipe);
        RecipeChecker.check(lr);
        lr.orThrow();
        RecipeRunner.Result one = RecipeRunner.run(lr, dir.resolve("one"), false, label -> StepListener.NONE, line -> { });
        List<String> progress = new ArrayList<>();
        System.setProperty(Workers.SHIPPED_ONLY, "true");   // the executors use the shipped model folder and plugin jars
        try (ClusterEngine.Session cluster = new SparkEngine().open(MASTER, progress::add);
             DiffusionModel gmm = Models.open("gmm:1x8x8")) {
            RecipeRunner.Result spark = cluster.runRecipe(lr, dir.resolve("spark"), null, false, false, PLUGINS, line -> { });
            assertEquals(2, one.images().size());
            SparkIdentityTest.assertSameOutputs(one.folder(), spark.folder());

            // 11 per class: 110 items, two chunks (100 + 10), one per executor
            Evaluation.Settings s = new Evaluation.Settings(11, 3, 1, 0, Map.of(), "torch-cpu", 200);
            List<Evaluation.Case> cases = List.of(new Evaluation.Case("dpmpp_2m", "linspace(6).karras()", "linspace(n).karras()"));
            SparkIdentityTest.assertSameRows(Evaluation.run(gmm, null, cases, s, line -> { }), cluster.evaluate(gmm, null, cases, s, PLUGINS, line -> { }));
        } finally {
            System.clearProperty(Workers.SHIPPED_ONLY);
        }
        assertTrue(progress.stream().anyMatch(l -> l.startsWith("spark: 2/2 cells done, 2/2 images")), progress.toString());
    }

    @Test
    void executorsThatCannotStartAreOneLine() {
        System.setProperty("spark.executor.extraJavaOptions", "-javaagent:/no/such/agent.jar");
        try (DiffusionModel gmm = Models.open("gmm:1x4x4")) {
            ModelException e = assertThrows(ModelException.class, () -> {
                try (ClusterEngine.Session cluster = new SparkEngine().open(MASTER, line -> { })) {
                    Evaluation.Settings s = new Evaluation.Settings(1, 0, 1, 0, Map.of(), "torch-cpu", 20);
                    cluster.evaluate(gmm, null, List.of(new Evaluation.Case("euler", "linspace(4)", "linspace(n)")), s, PLUGINS, line -> { });
                }
            });
            assertTrue(e.getMessage().startsWith("the executors of " + MASTER + " exit as soon as they start (10 in a row; last: app-"), e.getMessage());
            assertTrue(e.getMessage().contains("is now EXITED (Command exited with code 1)") && e.getMessage().contains("/N/stderr) and log say why"), e.getMessage());
        } finally {
            System.clearProperty("spark.executor.extraJavaOptions");
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
