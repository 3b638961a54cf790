package org.sampler4j.host.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed recipes, one mistake each: the single problem reported must start at the exact {@code FILE:LINE:COLUMN},
 * name the key path and say what was expected (with a "did you mean" where one helps). The expected location is the
 * first occurrence of a marker in the text (or {@code @LINE:COLUMN}).
 */
class RecipeErrorsTest {
    static final String HEAD = "recipe: 1\nmodel: gmm\n";

    /** A case: the text (after {@link #HEAD} unless it starts with '!'), the marker of the location, the key path, key words. */
    static Arguments c(String yaml, String at, String path, String... words) {
        return Arguments.of(yaml, at, path, List.of(words));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // unknown keys
                c("samplr: euler\n", "samplr", "samplr", "unknown key 'samplr'", "did you mean 'sampler'?"),
                c("guidance: {scal: 4}\n", "scal", "guidance.scal", "unknown key 'scal'", "did you mean 'scale'?"),
                c("rng: {initial: torch-cpu, step: torch-cpu}\n", "step:", "rng.step", "did you mean 'steps'?"),
                c("conditioning: {clas: 1}\n", "clas", "conditioning.clas", "did you mean 'class'?"),
                c("sweep: {schedules: [linspace(4)]}\n", "schedules", "sweep.schedules", "did you mean 'schedule'?"),
                c("outputs: {folders: x}\n", "folders", "outputs.folders", "did you mean 'folder'?"),
                c("extend: base.yaml\n", "extend", "extend", "did you mean 'extends'?"),
                c("zzz: 1\n", "zzz", "zzz", "unknown key 'zzz'", "known keys:", "sampler"),
                // wrong types
                c("steps: ten\n", "ten", "steps", "expected an integer", "the text 'ten'"),
                c("steps: \"10\"\n", "\"10\"", "steps", "expected an integer", "remove the quotes"),
                c("steps: 10.0\n", "10.0", "steps", "expected an integer", "without a decimal point"),
                c("seed: 1.5\n", "1.5", "seed", "expected an integer", "the number 1.5"),
                c("sampler: true\n", "true", "sampler", "expected text", "the boolean true"),
                c("sampler: [euler]\n", "[euler]", "sampler", "expected text", "a list"),
                c("guidance: high\n", "high", "guidance", "expected a guidance scale"),
                c("guidance: {scale: [1]}\n", "[1]", "guidance.scale", "expected a number", "a list"),
                c("outputs: {grid: maybe}\n", "maybe", "outputs.grid", "expected true or false"),
                c("outputs: {folder: 3}\n", "3}", "outputs.folder", "expected text", "the number 3"),
                c("outputs: out\n", "out\n", "outputs", "expected a map with keys folder, name, grid"),
                c("schedule: 12\n", "12", "schedule", "expected schedule DSL text"),
                c("schedule: {timesteps: [999, abc]}\n", "abc", "schedule.timesteps[1]", "expected a number", "'abc'"),
                c("sampler_options: [1]\n", "[1]", "sampler_options", "expected a map of names to values"),
                c("sampler: euler_ancestral\nsampler_options: {eta: [1]}\n", "[1]", "sampler_options.eta", "expected a number, text or true/false"),
                c("conditioning: {class: [1, x]}\n", "x]", "conditioning.class[1]", "expected an integer"),
                c("sweep: {sampler: euler}\n", "euler}", "sweep.sampler", "expected a list of texts"),
                c("sweep: {seed: [1, null]}\n", "null", "sweep.seed[1]", "expected an integer, got nothing"),
                c("rng: 3\n", "3", "rng", "expected torch-cpu or torch-cuda"),
                c("extends: 5\n", "5", "extends", "expected the path of a base recipe"),
                // out of range
                c("steps: 0\n", "0", "steps", "out of range", "from 1 to 10000"),
                c("steps: 10001\n", "10001", "steps", "out of range"),
                c("seed: -1\n", "-1", "seed", "out of range", "from 0"),
                c("seed: 99999999999999999999999\n", "9999", "seed", "out of range"),
                c("batch: 0\n", "0", "batch", "from 1 to 1024"),
                c("batch: 2000\n", "2000", "batch", "from 1 to 1024"),
                c("guidance: -1\n", "-1", "guidance", "out of range", "from 0 to 100"),
                c("guidance: {scale: 4, rescale: 1.5}\n", "1.5", "guidance.rescale", "out of range", "from 0 to 1"),
                c("sweep: {guidance_rescale: [0.5, 2]}\n", "2]", "sweep.guidance_rescale[1]", "out of range", "from 0 to 1"),
                c("sweep: {guidance: [1, 200]}\n", "200", "sweep.guidance[1]", "out of range"),
                c("sweep: {steps: [5, 0]}\n", "0]", "sweep.steps[1]", "out of range"),
                c("conditioning: {class: -2}\n", "-2", "conditioning.class", "out of range"),
                c("conditioning: {class: 12}\n", "12", "conditioning.class", "class label 12 is out of range", "classes 0..9"),
                c("recipe: 2\nmodel: gmm\n!", "2", "recipe", "recipe version 2 is not supported", "recipe: 1"),
                c("sampler: euler_ancestral\nsampler_options: {eta: -1}\n", "-1", "sampler_options.eta", "must be >= 0"),
                c("schedule: {stepsOffset: 1}\n", "stepsOffset", "schedule.stepsOffset", "did you mean 'steps_offset'?"),
                // unknown ids and bad DSL text
                c("sampler: eulr\n", "eulr", "sampler", "unknown sampler 'eulr'", "did you mean 'euler'?"),
                c("sweep: {sampler: [euler, dpmpp2m]}\n", "dpmpp2m", "sweep.sampler[1]", "unknown sampler 'dpmpp2m'", "did you mean"),
                c("sampler: euler_ancestral\nsampler_options: {etta: 1}\n", "etta", "sampler_options.etta", "did you mean 'eta'?"),
                c("schedule: trailing(10).karas()\n", "karas", "schedule", "unknown schedule modifier 'karas'", "did you mean 'karras'?"),
                c("schedule: 'linspce(5)'\n", "linspce", "schedule", "did you mean 'linspace'?"),
                c("sweep: {schedule: ['linspace(10)', 'linspace(5).karras().expo()']}\n", "expo", "sweep.schedule[1]", "unknown schedule modifier 'expo'", "exponential"),
                c("schedule: {text: 'trailing(4)', remap: karas}\n", "karas}", "schedule.remap", "did you mean 'karras'?"),
                c("schedule: 'preset(aiz, 10)'\n", "'preset", "schedule", "unknown", "'aiz'", "did you mean 'ays'?"),
                c("schedule: {spacing: trailng}\nsteps: 4\n", "trailng", "schedule.spacing", "unknown spacing 'trailng'", "did you mean 'trailing'?"),
                c("schedule: {spacing: trailing}\n", "{spacing", "schedule", "needs a step count", "steps: N"),
                c("schedule: {text: 'trailing(10)', spacing: leading}\n", "'trailing(10)'", "schedule.text", "give one schedule base", "text and spacing"),
                c("schedule: {timesteps: [999, 500]}\nsteps: 5\n", "{timesteps", "schedule", "steps does not apply to explicit timesteps"),
                c("schedule: 'sigmas(3, 2, 1, 0)'\nsteps: 5\n", "'sigmas", "schedule", "fixes its own steps"),
                c("rng: torch-gpu\n", "torch-gpu", "rng", "unknown rng 'torch-gpu'", "did you mean"),
                c("rng: {initial: torch-cpu, steps: tpu}\n", "tpu", "rng.steps", "unknown rng 'tpu'"),
                c("model: gmn\n!recipe: 1\n", "gmn", "model", "model folder not found", "did you mean the built-in model 'gmm'?"),
                c("recipe: 1\nmodel: {builtin: gmx}\n!", "gmx", "model.builtin", "unknown built-in model 'gmx'", "did you mean 'gmm'?"),
                c("recipe: 1\nmodel: {builtin: gmm, shape: [3, 8]}\n!", "[3, 8]", "model.shape", "expected 3 numbers"),
                c("recipe: 1\nmodel: {builtin: gmm, path: x}\n!", "{builtin", "model", "either path", "not both"),
                c("recipe: 1\nmodel: no/such/folder\n!", "no/such", "model", "model folder not found", "relative to the recipe"),
                // conditioning, outputs, sweep semantics
                c("conditioning: {class: 1, prompt: cat}\n", "1, prompt", "conditioning.class", "not both"),
                c("conditioning: {prompt: a cat}\n", "a cat", "conditioning.prompt", "text encoder", "conditioning.embedding"),
                c("batch: 2\nconditioning: {class: [1, 2, 3]}\n", "[1, 2, 3]", "conditioning.class", "one per item", "3 labels for a batch of 2"),
                c("conditioning: {embedding: nosuch.json}\n", "nosuch.json", "conditioning.embedding", "embedding file not found"),
                c("outputs: {name: '{sampel}.png'}\n", "{sampel}", "outputs.name", "unknown placeholder '{sampel}'", "did you mean '{sampler}'?"),
                c("outputs: {name: a/b.png}\n", "a/b.png", "outputs.name", "not a path", "outputs.folder"),
                c("batch: 2\noutputs: {name: same.png}\n", "same.png", "outputs.name", "gives the same file", "{seed}"),
                c("sweep: {steps: []}\n", "[]", "sweep.steps", "at least one value"),
                c("sweep: {seed: [1], rows: sampler}\n", "sampler}", "sweep.rows", "'sampler' is not swept"),
                c("sweep: {seed: [1], rows: seeds}\n", "seeds", "sweep.rows", "unknown swept key 'seeds'", "did you mean 'seed'?"),
                c("sweep: {}\n", "{}", "sweep", "nothing to sweep"),
                c("plugins: no/such/dir\n", "no/such/dir", "plugins", "does not exist"),
                // document-level mistakes and YAML syntax
                c("recipe: 1\nsampler: euler\n!", "@1:1", "", "missing key 'model'"),
                c("model: gmm\n!", "@1:1", "", "missing key 'recipe'", "recipe: 1"),
                c("- a\n- b\n!", "@1:1", "", "a recipe is a map", "a list"),
                c("!", "@1:1", "", "the recipe is empty"),
                c("# only a comment\n!", "@1:1", "", "the recipe is empty"),
                c("sampler: euler\nsampler: heun\n", "sampler: heun", "sampler", "duplicate key", "first given at line 3"),
                c("sampler: [euler\n", "@4:1", "", "YAML syntax error", "expected ',' or ']'"),
                c("sampler: euler\n  steps: 4\n", "@4:8", "", "YAML syntax error", "mapping values are not allowed"),
                c("sampler: euler\n\tsteps: 4\n", "@4:1", "", "YAML syntax error", "TAB"),
                c("sampler: \"euler\n", "@4:1", "", "YAML syntax error", "quoted scalar"),
                c("seed: *s\n", "*s", "", "anchors and aliases", "extends"),
                c("extends: nosuch.yaml\n", "nosuch.yaml", "extends", "recipe file not found"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformedRecipe(String yaml, String at, String path, List<String> words, @TempDir Path dir) throws IOException {
        String text = yaml.endsWith("!") ? yaml.substring(0, yaml.length() - 1) : yaml.startsWith("!") ? yaml.substring(1) : HEAD + yaml;
        if (yaml.contains("\n!") && !yaml.endsWith("!")) text = yaml.substring(yaml.indexOf("\n!") + 2) + yaml.substring(0, yaml.indexOf("\n!") + 1);
        Path file = RecipeTesting.write(dir, "r.yaml", text);
        LoadedRecipe lr = Recipes.load(file);
        RecipeChecker.check(lr);
        List<Problem> ps = lr.sortedProblems();
        assertEquals(1, ps.size(), "exactly one problem for " + text + ": " + ps);
        String line = ps.get(0).toString();
        String loc;
        if (at.startsWith("@")) {
            loc = at.substring(1);
        } else {
            int i = text.indexOf(at);
            assertTrue(i >= 0, "marker " + at + " in " + text);
            int ln = 1 + (int) text.substring(0, i).chars().filter(ch -> ch == '\n').count();
            int col = i - text.lastIndexOf('\n', i - 1);
            loc = ln + ":" + col;
        }
        String prefix = file + ":" + loc + ": " + (path.isEmpty() ? "" : path + ": ");
        assertTrue(line.startsWith(prefix), "expected '" + prefix + "...', got: " + line);
        for (String w : words) assertTrue(line.contains(w), "expected '" + w + "' in: " + line);
    }

    @org.junit.jupiter.api.Test
    void thereAreAtLeastFiftyCases() {
        assertTrue(cases().count() >= 50);
    }
}
