package org.sampler4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sampler4j.host.cli.Main;
import picocli.CommandLine;

/** {@code eval --spark} prints the rows of {@code eval}; the option's mistakes are one-line user errors; spark-submit's arguments. */
class SparkCliTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void evalJsonRowsAreTheSameWithSpark() throws IOException {
        String[] eval = {"eval", "--model", "gmm:1x8x8", "-s", "euler", "-s", "dpmpp_2m", "--schedule", "linspace(6).karras()", "--steps", "6,12",
                "--per-class", "2", "--reference-steps", "200", "--json"};
        Run one = run(eval);
        assertEquals(0, one.code(), one.err());
        String[] withSpark = java.util.Arrays.copyOf(eval, eval.length + 2);
        withSpark[eval.length] = "--spark";
        withSpark[eval.length + 1] = "local[2]";
        Run spark = run(withSpark);
        assertEquals(0, spark.code(), spark.err());
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> a = SparkIdentityTest.withoutSeconds(json.readValue(one.out(), Map.class));
        Map<String, Object> b = SparkIdentityTest.withoutSeconds(json.readValue(spark.out(), Map.class));
        assertEquals(a, b);
        assertTrue(spark.err().contains("spark: 4/4 chunks done"), spark.err());
    }

    @Test
    void mistakesAreOneLineUserErrors() {
        Run r = run("run", "--model", "gmm", "--spark", "local[2]");
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("sampler4j: error: --spark applies to recipe files: give RECIPE.yaml (the --model form runs on this machine)", r.err().strip());
        r = run("run", "../examples/recipes/schedules-10-steps.yaml", "--resume");
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("sampler4j: error: --resume applies with --spark MASTER", r.err().strip());
        r = run("eval", "--model", "gmm:1x4x4", "--per-class", "1", "--spark", "nowhere");
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().strip().startsWith("sampler4j: error: cannot start Spark on master 'nowhere': "), r.err());
        r = run("eval", "--model", "gmm:1x4x4", "--per-class", "1", "--spark", "spark://127.0.0.1:1");
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("sampler4j: error: cannot reach the Spark master spark://127.0.0.1:1: nothing answers at 127.0.0.1:1 (Connection refused); "
                + "start the master ($SPARK_HOME/sbin/start-master.sh) or give the spark://HOST:PORT URL its web UI shows", r.err().strip());
        r = run("eval", "--model", "gmm:1x4x4", "--per-class", "1", "--spark", "yarn");
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().strip().startsWith("sampler4j: error: the Spark that bin/sampler4j runs (spark-sql from Maven Central) has no YARN cluster manager: "
                + "submit the job with your Spark distribution's spark-submit --master yarn"), r.err());
        // a task's user error is reported as on one machine, not as Spark's job failure
        r = run("eval", "--model", "gmm:1x4x4", "--per-class", "1", "-s", "no_such_sampler", "--spark", "local[1]", "--quiet");
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().strip().startsWith("sampler4j: error: unknown sampler 'no_such_sampler'") && r.err().strip().lines().count() == 1, r.err());
    }

    @Test
    void aSparkRunIsCheckedBeforeSparkStartsOrAFileIsWritten(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path recipe = dir.resolve("two.yaml");
        java.nio.file.Files.writeString(recipe, "recipe: 1\nmodel: gmm:1x4x4\nschedule: linspace(3)\nsweep:\n  sampler: [euler, heun]\n"
                + "outputs: {folder: " + dir.resolve("out") + "}\n");
        java.nio.file.Files.createDirectories(dir.resolve("out/two_heun.png"));   // the second cell's file cannot be written
        Run r = run("run", recipe.toString(), "--spark", "local[1]");
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().strip().startsWith("sampler4j: error: output " + dir.resolve("out/two_heun.png") + " is a folder"), r.err());
        assertTrue(r.out().isEmpty(), r.out());
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir.resolve("out"))) {
            assertEquals(java.util.List.of(dir.resolve("out/two_heun.png")), files.toList(), "nothing written");
        }
        // eval: every case is checked before the session starts (no Spark line before the error)
        r = run("eval", "--model", "gmm:1x4x4", "--per-class", "1", "-s", "heun", "-O", "alpha=1", "--spark", "local[1]");
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("sampler 'heun' has no option 'alpha'"), r.err());
    }

    @Test
    @SuppressWarnings("unchecked")
    void runWritesToAHadoopFileSystemUrl(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path recipe = dir.resolve("two.yaml");
        java.nio.file.Files.writeString(recipe, "recipe: 1\nmodel: gmm:1x4x4\nschedule: linspace(3)\nsweep:\n  sampler: [euler, heun]\n");
        String url = RenamedLocalFs.url(dir.resolve("remote"));
        Run r = run("run", recipe.toString(), "--out-dir", url);
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertEquals("sampler4j: error: cannot write --out-dir " + url + "/two on this machine: Hadoop file systems (hdfs://, s3a://) are written by recipe runs"
                + " on Spark; add --spark MASTER (e.g. --spark 'local[2]'), or give a local folder or a mounted path", r.err().strip());
        r = run("run", recipe.toString(), "--out-dir", "nosuchfs://host/out", "--spark", "local[1]");
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertTrue(r.err().strip().startsWith("sampler4j: error: cannot write --out-dir nosuchfs://host/out/two: no Hadoop file system for 'nosuchfs://'"), r.err());
        System.setProperty(RenamedLocalFs.KEY, RenamedLocalFs.class.getName());
        try {
            r = run("run", recipe.toString(), "--out-dir", url, "--spark", "local[2]", "--json");
        } finally {
            System.clearProperty(RenamedLocalFs.KEY);
        }
        assertEquals(0, r.code(), r.err());
        Map<String, Object> doc = (Map<String, Object>) ((java.util.List<Object>) new ObjectMapper().readValue(r.out(), Map.class).get("recipes")).get(0);
        assertEquals(url + "/two", doc.get("folder"));
        assertEquals(url + "/two/grid.png", doc.get("grid"));
        assertEquals(java.util.List.of("grid.png", "index.csv", "index.json", "two_euler.png", "two_heun.png"), SparkIdentityTest.files(dir.resolve("remote/two")));
    }

    @Test
    void sparkSubmitAddsItsMasterToRunAndEval() {
        assertArrayEquals(new String[] {"eval", "--model", "gmm", "--spark=yarn"}, SparkMain.withMaster(new String[] {"eval", "--model", "gmm"}, "yarn"));
        assertArrayEquals(new String[] {"run", "a.yaml", "--spark", "local[2]"}, SparkMain.withMaster(new String[] {"run", "a.yaml", "--spark", "local[2]"}, "yarn"));
        assertArrayEquals(new String[] {"samplers"}, SparkMain.withMaster(new String[] {"samplers"}, "yarn"));
        assertEquals("local[2,4]", SparkEngine.master("local[2]"));
        assertEquals("local[*,4]", SparkEngine.master("local[*]"));
        assertEquals("spark://h:7077", SparkEngine.master("spark://h:7077"));
    }
}
