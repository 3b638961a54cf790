package org.sampler4j.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sampler4j.host.model.Fixtures;

/**
 * Every command with a table of bad inputs: each must fail with exit code 2 and exactly one line on stderr that
 * contains the expected words (problem and fix), with no exception name or stack frame anywhere in the output, and
 * leave no file behind. {@code D} in an argument is a scratch folder that holds a file {@code afile}, a PNG without
 * settings, recipes and a model with a truncated network.
 */
class BadInputTest {
    static Path dir;
    static List<String> before;

    @BeforeAll
    static void scratch() throws IOException {
        dir = Files.createTempDirectory("sampler4j-bad-input");
        Files.writeString(dir.resolve("afile"), "not a folder");
        Files.writeString(dir.resolve("plain.png"), "not a png");
        Files.writeString(dir.resolve("ok.yaml"), "recipe: 1\nmodel: gmm:3x8x8\nschedule: linspace(3)\n");
        Files.writeString(dir.resolve("bad.yaml"), "recipe: 1\nmodel: gmm\nsteps: ten\n");
        Files.writeString(dir.resolve("options.yaml"), "recipe: 1\nmodel: gmm\nsampler: euler\nsampler_options: {eta: 0.5}\n");
        Files.writeString(dir.resolve("other.yaml"), "recipe: 1\nmodel: gmm\nsampler_options: {dpm_2: {s_churn: 1}}\n");
        Files.writeString(dir.resolve("blocked.yaml"), "recipe: 1\nmodel: gmm:3x8x8\nschedule: linspace(3)\noutputs: {folder: " + dir.resolve("afile/sub") + "}\n");
        Files.writeString(dir.resolve("other.json"), "{\"hello\": 1}");
        Files.createDirectories(dir.resolve("cmp-grid.png"));
        org.sampler4j.host.sd.SdFixtures.folder("tiny-sd", dir);
        org.sampler4j.host.image.Pngs.write(dir.resolve("init32.png"), new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB), java.util.Map.of());
        Path truncated = dir.resolve("truncated");
        Files.createDirectories(truncated);
        try (Stream<Path> files = Files.list(Fixtures.model("tiny-unet"))) {
            for (Path f : files.toList()) {
                byte[] bytes = Files.readAllBytes(f);
                if (f.getFileName().toString().endsWith(".pt")) bytes = Arrays.copyOf(bytes, bytes.length / 2);
                Files.write(truncated.resolve(f.getFileName()), bytes);
            }
        }
        before = listing();
    }

    @AfterAll
    static void clean() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    static List<String> listing() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    static Arguments c(String words, String... args) {
        return Arguments.of(String.join(" ", args), words, args);
    }

    static final String TINY = Fixtures.model("tiny-unet").toString();

    static Stream<Arguments> cases() {
        return Stream.of(
                // run: sampler options
                c("sampler 'euler' has no option 'nosuch'", "run", "--model", "gmm", "-s", "euler", "-O", "nosuch=1", "-o", "D/a.png"),
                c("sampler 'euler' has no option 'eta'", "run", "--model", "gmm", "-s", "euler", "-O", "eta=abc", "-o", "D/a.png"),
                c("must be a number, got 'abc'", "run", "--model", "gmm", "-s", "euler_a", "-O", "eta=abc", "-o", "D/a.png"),
                c("must be >= 0", "run", "--model", "gmm", "-s", "euler_a", "-O", "eta=-1", "-o", "D/a.png"),
                c("none of the selected samplers (euler, heun) has option 'alpha'", "run", "--model", "gmm", "-s", "euler", "-s", "heun", "-O", "alpha=1", "-o", "D/a.png"),
                c("sampler 'euler_ancestral' is not selected", "run", "--model", "gmm", "-s", "euler", "-O", "euler_ancestral.eta=0.5", "-o", "D/a.png"),
                c("unknown sampler 'nosampler'", "run", "--model", "gmm", "-O", "nosampler.eta=1", "-o", "D/a.png"),
                c("did you mean 'euler'", "run", "--model", "gmm", "-s", "eulr", "-o", "D/a.png"),
                c("unknown sampler 'dpmpp2m' — did you mean 'dpmpp_2m'?", "run", "--model", "gmm", "-s", "dpmpp2m", "-o", "D/a.png"),
                c("did you mean 'euler_ancestral' (alias 'EulerAncestralDiscreteScheduler')?", "run", "--model", "gmm", "-s", "EulerAncestralDiscreteSchedular", "-o", "D/a.png"),
                c("must be a number", "run", "--model", "gmm", "-s", "euler", "-s", "euler_a", "--steps", "3", "-O", "euler_a.eta=x", "-o", "D/cmp.png"),
                // run: outputs
                c("is a file, not a folder", "run", "--model", "gmm", "-o", "D/afile/x.png"),
                c("is a folder: give a file name", "run", "--model", "gmm", "-o", "D"),
                c("is not writable", "run", "--model", "gmm", "-o", "/proc/sampler4j-x.png"),
                c("is a folder: give a file name", "run", "--model", "gmm", "-s", "euler", "-s", "heun", "--steps", "3", "-o", "D/cmp.png"),
                c("is a file, not a folder", "run", "--model", "gmm", "--batch", "2", "--steps", "3", "-o", "D/afile/b.png"),
                c("--out-dir applies to recipe files", "run", "--model", "gmm", "--out-dir", "D/x"),
                // run: values
                c("--batch must be >= 1, got 0", "run", "--model", "gmm", "--batch", "0", "-o", "D/a.png"),
                c("--steps must be >= 1, got 0", "run", "--model", "gmm", "--steps", "0", "-o", "D/a.png"),
                c("steps must be >= 1, got 0", "run", "--model", "gmm", "--schedule", "trailing(0)", "-o", "D/a.png"),
                c("unknown", "run", "--model", "gmm", "--schedule", "bogus(3)", "-o", "D/a.png"),
                c("--steps works with", "run", "--model", "gmm", "--schedule", "sigmas(3, 1, 0)", "--steps", "4", "-o", "D/a.png"),
                c("add --allow-negative-guidance", "run", "--model", "gmm", "-g", "-2", "-o", "D/a.png"),
                c("--guidance-rescale must be between 0 and 1", "run", "--model", "gmm", "--guidance-rescale", "2", "-o", "D/a.png"),
                c("'abc' is not a long", "run", "--model", "gmm", "--seed", "abc", "-o", "D/a.png"),
                c("Unknown option: '--bogus'", "run", "--model", "gmm", "--bogus", "-o", "D/a.png"),
                c("rng", "run", "--model", "gmm", "--rng", "nosuch", "-o", "D/a.png"),
                c("give --model", "run", "-o", "D/a.png"),
                // run: models and images
                c("model folder not found", "run", "--model", "D/none", "-o", "D/a.png"),
                c("partial download or copy", "run", "--model", "D/truncated", "-o", "D/a.png"),
                c("class label 12 is out of range", "run", "--model", TINY, "--class", "12", "-o", "D/a.png"),
                c("not on a text embedding", "run", "--model", TINY, "--embedding", "D/plain.png", "-o", "D/a.png"),
                c("cannot read --from", "run", "--from", "D/missing.png", "-o", "D/a.png"),
                c("cannot read --from", "run", "--from", "D/plain.png", "-o", "D/a.png"),
                // run: Stable Diffusion conditioning, checked for every row before the first image is written
                c("needs a prompt", "run", "--model", "D/tiny-sd", "-o", "D/a.png"),
                c("encodes its prompts itself", "run", "--model", "D/tiny-sd", "-p", "a cat", "--class", "3", "-o", "D/a.png"),
                c("positive multiples of 2", "run", "--model", "D/tiny-sd", "-p", "a cat", "-W", "33", "--schedule", "trailing(2)", "-o", "D/a.png"),
                c("keeps no step", "run", "--model", "D/tiny-sd", "-p", "a cat", "--init-image", "D/init32.png", "--strength", "0.3",
                        "--schedule", "trailing(4)", "--schedule", "trailing(3)", "-o", "D/sd.png"),
                c("init image is 32x32 but the output is 64x32", "run", "--model", "D/tiny-sd", "-p", "a cat", "--init-image", "D/init32.png", "-W", "64",
                        "--schedule", "trailing(2)", "-o", "D/a.png"),
                // run: recipes
                c("steps: expected an integer", "run", "D/bad.yaml", "--out-dir", "D/out"),
                c("recipe file not found", "run", "D/missing.yaml", "--out-dir", "D/out"),
                c("--seed cannot be combined with recipe files", "run", "D/ok.yaml", "--seed", "3"),
                c("is not writable", "run", "D/ok.yaml", "--out-dir", "/proc/sampler4j-out"),
                c("on this machine: Hadoop file systems (hdfs://, s3a://) are written by recipe runs on Spark; add --spark MASTER", "run", "D/ok.yaml", "--out-dir",
                        "hdfs://namenode/out"),
                c("written only by recipe runs on Spark: run RECIPE.yaml --spark MASTER --out-dir URL", "run", "--model", "gmm", "-o", "s3a://bucket/a.png"),
                c("a URL (s3a:) is not a folder here", "run", "--model", "gmm", "-o", "s3a://bucket/a.png"),
                c("is a file, not a folder", "run", "D/blocked.yaml"),
                c("sampler 'euler' has no option 'eta'", "run", "D/options.yaml", "--out-dir", "D/out"),
                c("sampler 'dpm_2' is not selected", "run", "D/other.yaml", "--out-dir", "D/out"),
                // eval
                c("sampler 'heun' has no option 'alpha'", "eval", "--model", "gmm", "-s", "heun", "-O", "alpha=1"),
                c("sampler option heun.alpha: sampler 'heun' has no option 'alpha'; its options: ", "eval", "--model", "gmm", "-s", "heun", "-s", "euler",
                        "-O", "heun.alpha=1"),
                c("must be a number", "eval", "--model", "gmm", "-s", "euler_a", "-O", "eta=x"),
                c("--steps must be >= 1, got 0", "eval", "--model", "gmm", "--steps", "0"),
                c("samples per class must be >= 1, got 0", "eval", "--model", "gmm", "-n", "0"),
                c("is a file, not a folder", "eval", "--model", "gmm", "--steps", "2", "--plot", "D/afile/p.png"),
                c("is a folder: give a file name", "eval", "--model", "gmm", "--steps", "2", "--plot", "D"),
                c("add --allow-negative-guidance", "eval", "--model", "gmm", "-g", "-1"),
                c("Missing required option: '--model=MODEL'", "eval"),
                c("model folder not found", "eval", "--model", "D/none"),
                c("--bar is an accuracy between 0 and 1", "eval", "--model", "gmm", "--bar", "2"),
                c("unknown sampler 'nosuch'", "eval", "--model", "gmm", "-s", "nosuch", "--steps", "2"),
                c("column", "eval", "--model", "gmm", "--schedule", "trailing("),
                c("reference steps must be >= 10", "eval", "--model", "gmm", "--reference-steps", "5"),
                // optimize shares run's and eval's guidance options and their checks
                c("add --allow-negative-guidance", "optimize", "--model", "gmm", "-s", "euler", "--steps", "4", "-o", "D/p.json", "-g", "-1"),
                c("--guidance-rescale must be between 0 and 1", "optimize", "--model", "gmm", "-s", "euler", "--steps", "4", "-o", "D/p.json", "--guidance-rescale", "2"),
                // schedule
                c("steps must be >= 1, got 0", "schedule", "trailing(0)"),
                c("give at least one SPEC", "schedule"),
                c("did you mean", "schedule", "--model", "sd1.5", "trailing(5)"),
                c("or give a model folder (with model.yaml)", "schedule", "--model", "nosuchmodel", "trailing(5)"),
                c("model folder not found", "schedule", "--model", "D/none"),
                c("no such file", "schedule", "--scheduler-config", "D/missing.json"),
                c("as JSON", "schedule", "--scheduler-config", "D/afile"),
                c("is a file, not a folder", "schedule", "trailing(5)", "--plot", "D/afile/p.png"),
                c("column", "schedule", "trailing(5).karras("),
                c("Unknown option: '--no-such-option'", "schedule", "--no-such-option"),
                // sample
                c("unknown sampler 'nosuch'", "sample", "nosuch"),
                c("--batch must be between 1 and 1000, got 0", "sample", "euler", "--batch", "0"),
                c("sampler 'euler' has no option 'nosuch'", "sample", "euler", "-o", "nosuch=1"),
                c("column", "sample", "euler", "--schedule", "x("),
                c("Missing required parameter: 'SAMPLER'", "sample"),
                // validate
                c("recipe file not found", "validate", "D/missing.yaml"),
                c("steps: expected an integer", "validate", "D/bad.yaml"),
                c("Missing required parameter", "validate"),
                c("cannot read", "validate", "D/plain.png"),
                // plugins, samplers, presets
                c("does not exist", "--plugins", "D/none", "plugins", "list"),
                c("is a file, not a folder", "--plugins", "D/afile", "samplers"),
                c("Unmatched argument", "plugins", "nosuch"),
                c("unknown sampler 'dpmpp2m' — did you mean 'dpmpp_2m'?", "samplers", "dpmpp2m"),
                c("unknown preset", "presets", "nosuch"),
                // conformance
                c("no such file", "conformance", "D/missing.json"),
                c("not a golden file of a known format", "conformance", "D/other.json"),
                c("cannot read as JSON", "conformance", "D/afile"),
                c("Missing required parameter", "conformance"),
                // the command line itself
                c("Unmatched argument", "nosuch"),
                c("Missing required parameter for option '--plugins'", "--plugins"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneLineExit2NoTraceNoFile(String name, String words, String[] args) throws IOException {
        String[] real = Arrays.stream(args).map(a -> a.equals("D") ? dir.toString() : a.startsWith("D/") ? dir.resolve(a.substring(2)).toString() : a)
                .toArray(String[]::new);
        CliTest.Run r = CliTest.run(real);
        String all = r.out() + r.err();
        assertEquals(2, r.code(), all);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "exactly one line on stderr: " + r.err());
        assertTrue(lines.get(0).contains(words), "expected '" + words + "' in: " + lines.get(0));
        assertFalse(all.contains("Exception") || all.contains("at org.") || all.contains("\tat "), "no exception or stack trace: " + all);
        assertEquals(before, listing(), "no file left behind");
        assertFalse(Files.exists(Path.of("sampler4j.png")), "nothing written to the default output");
    }

    @org.junit.jupiter.api.Test
    void theTableCoversEveryCommandWithAtLeastSixtyCases() {
        List<Arguments> all = cases().toList();
        assertTrue(all.size() >= 60, all.size() + " cases");
        for (String command : List.of("run", "eval", "schedule", "sample", "validate", "plugins", "conformance")) {
            assertTrue(all.stream().anyMatch(a -> List.of((String[]) a.get()[2]).contains(command)), command);
        }
    }
}
