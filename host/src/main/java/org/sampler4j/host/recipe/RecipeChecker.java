package org.sampler4j.host.recipe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sampler4j.api.noise.SeededNoise;
import org.sampler4j.api.noise.StepNoise;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.schedule.Names;
import org.sampler4j.host.run.RunSettings;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleSpec;
import org.sampler4j.host.model.ConditioningSpec;
import org.sampler4j.host.model.ModelInfo;
import org.sampler4j.host.model.Models;
import org.sampler4j.host.plugin.PluginsFolder;
import org.sampler4j.host.recipe.YamlTree.Node;
import org.sampler4j.host.recipe.YamlTree.Scalar;
import org.sampler4j.host.run.Generator;
import org.sampler4j.host.run.SamplerOptionSets;

/**
 * The checks of a bound recipe that need more than its shape: the version, sampler and preset ids and options (against
 * the installed registries), schedule DSL text (located to the column inside the YAML value), the model (read without
 * loading its network), conditioning against the model, noise generators, output names and the sweep. Every problem is
 * added to the {@link LoadedRecipe}, located at its key; nothing throws.
 */
public final class RecipeChecker {
    private static final Pattern DSL_COLUMN = Pattern.compile("^at column (\\d+)(?: \\([^)]*\\))?: ");

    private RecipeChecker() {}

    /** Runs every check on {@code lr} (no-op when nothing could be bound). */
    public static void check(LoadedRecipe lr) {
        Recipe r = lr.recipe();
        if (r == null) return;
        if (r.recipe() != null && r.recipe() != Recipe.VERSION) {
            lr.problem("recipe", "recipe version " + r.recipe() + " is not supported: this sampler4j reads 'recipe: " + Recipe.VERSION + "'");
        }
        ModelInfo model = model(lr);
        Recipe.Sweep sw = r.sweep();
        sweep(lr, sw);
        samplers(lr, r, sw, model);
        schedules(lr, r, sw, model);
        rng(lr, r.rng());
        conditioning(lr, r, model);
        outputs(lr, r);
        if (r.plugins() != null) {
            String p = PluginsFolder.resolve(null, lr.resolve("plugins", r.plugins()).toString(), null, null, null).problem();
            if (p != null) lr.problem("plugins", p);
        }
    }

    private static ModelInfo model(LoadedRecipe lr) {
        Recipe.ModelRef m = lr.recipe().model();
        if (m == null) {
            if (!lr.nodes().containsKey("model")) lr.problem("", "missing key 'model' (a model folder, or the built-in model gmm)");
            return null;
        }
        if (m.builtin() != null && m.path() != null) {
            lr.problem("model", "give either path (a model folder) or builtin (gmm), not both");
            return null;
        }
        if (m.builtin() == null && m.path() == null) {
            lr.problem("model", "give path (a model folder) or builtin (gmm)");
            return null;
        }
        if (m.builtin() != null) {
            if (!m.builtin().equals("gmm")) {
                lr.problem("model.builtin", Names.unknown("built-in model", m.builtin(), List.of("gmm")));
                return null;
            }
            if (m.shape() != null && m.shape().size() != 3) {
                lr.problem("model.shape", "expected 3 numbers [channels, height, width], e.g. [3, 16, 16], got " + m.shape().size());
                return null;
            }
        } else if (!Files.isDirectory(lr.resolve("model", m.path()))) {
            String hint = Names.closest(m.path(), List.of("gmm")).map(g -> " — did you mean the built-in model '" + g + "'?")
                    .orElse(" (paths are relative to the recipe's folder; give a folder with model.yaml, or the built-in model gmm)");
            lr.problem(lr.node("model.path") != null ? "model.path" : "model", "model folder not found: " + lr.resolve("model", m.path()) + hint);
            return null;
        }
        try {
            return Models.describe(RecipePlan.modelRef(lr));
        } catch (RuntimeException e) {
            lr.problem("model", e.getMessage());
            return null;
        }
    }

    private static void sweep(LoadedRecipe lr, Recipe.Sweep sw) {
        if (sw == null) return;
        for (String k : Recipe.Sweep.KEYS) {
            if (sw.values(k) != null && sw.values(k).isEmpty()) lr.problem("sweep." + k, "give at least one value to sweep, or drop the key");
        }
        List<String> swept = sw.swept();
        if (swept.isEmpty() && !hasProblemUnder(lr, "sweep") && lr.nodes().keySet().stream().noneMatch(p -> p.startsWith("sweep.") && !p.equals("sweep.rows"))) {
            lr.problem("sweep", "nothing to sweep: list values under one of " + String.join(", ", Recipe.Sweep.KEYS));
        }
        if (sw.rows() != null && !swept.contains(sw.rows())) {
            String msg = Recipe.Sweep.KEYS.contains(sw.rows()) ? "'" + sw.rows() + "' is not swept: rows must be one of the swept keys (" + String.join(", ", swept) + ")"
                    : Names.unknown("swept key", sw.rows(), swept.isEmpty() ? Recipe.Sweep.KEYS : swept);
            lr.problem("sweep.rows", msg);
        }
    }

    private static void samplers(LoadedRecipe lr, Recipe r, Recipe.Sweep sw, ModelInfo model) {
        Map<String, String> ids = new java.util.LinkedHashMap<>();
        if (sw != null && sw.sampler() != null) {
            for (int i = 0; i < sw.sampler().size(); i++) ids.put("sweep.sampler[" + i + "]", sw.sampler().get(i));
        }
        if (r.sampler() != null && ids.isEmpty()) ids.put("sampler", r.sampler());
        if (ids.isEmpty() && !lr.nodes().containsKey("sampler")) ids.put("sampler", "euler");
        for (Map.Entry<String, String> e : ids.entrySet()) {
            Sampler s;
            try {
                s = Samplers.get(e.getValue());
            } catch (RuntimeException ex) {
                lr.problem(e.getKey(), ex.getMessage());
                continue;
            }
            if (model != null) {
                SamplerInfo.ModelKind kind = Generator.kind(model.noiseModel());
                if (!s.info().capabilities().modelKinds().contains(kind)) {
                    lr.problem(e.getKey(), "sampler '" + s.info().id() + "' does not support " + kind.name().toLowerCase(java.util.Locale.ROOT) + " models like " + model.name()
                            + "; see 'sampler4j samplers' for one that does");
                }
            }
        }
        if (r.samplerOptions() != null) {
            for (SamplerOptionSets.Problem p : RecipePlan.samplerOptions(r).problems()) {
                String path = "sampler_options." + p.key();
                boolean aboutSampler = p.message().contains("is not selected") || p.message().startsWith("unknown sampler");
                Node key = lr.node((aboutSampler ? "sampler_options." + p.key().substring(0, Math.max(0, p.key().indexOf('.'))) : path) + Binder.KEY);
                boolean aboutKey = !p.message().contains(" must ") && !p.message().contains("value of option");
                if (aboutKey && key != null) lr.problem(key.loc(), path, p.message());
                else lr.problem(path, p.message());
            }
        }
    }

    private static void schedules(LoadedRecipe lr, Recipe r, Recipe.Sweep sw, ModelInfo model) {
        Map<String, Recipe.ScheduleSpec> specs = new java.util.LinkedHashMap<>();
        if (sw != null && sw.schedule() != null) {
            for (int i = 0; i < sw.schedule().size(); i++) specs.put("sweep.schedule[" + i + "]", sw.schedule().get(i));
        } else if (r.schedule() != null || !lr.nodes().containsKey("schedule")) {
            specs.put("schedule", r.schedule());
        }
        List<Integer> steps = new ArrayList<>();
        if (sw != null && sw.steps() != null) steps.addAll(sw.steps());
        else steps.add(r.steps());
        String fallback = model == null ? RecipePlan.DEFAULT_SCHEDULE : model.defaultSchedule().orElse(RecipePlan.DEFAULT_SCHEDULE);
        for (Map.Entry<String, Recipe.ScheduleSpec> e : specs.entrySet()) {
            Recipe.ScheduleSpec spec = e.getValue();
            if (hasProblemUnder(lr, e.getKey())) continue;
            if (spec != null && spec.spacing() != null && !List.of("leading", "linspace", "trailing").contains(spec.spacing())) {
                lr.problem(e.getKey() + ".spacing", Names.unknown("spacing", spec.spacing(), List.of("leading", "linspace", "trailing")));
                continue;
            }
            Map<String, Boolean> seen = new HashMap<>();
            for (Integer n : steps) {
                String where = e.getKey();
                String text;
                try {
                    text = RecipePlan.dsl(spec, n, fallback);
                } catch (IllegalArgumentException ex) {
                    if (seen.putIfAbsent(ex.getMessage(), true) == null) lr.problem(textPath(lr, where, spec), ex.getMessage());
                    continue;
                }
                try {
                    ScheduleSpec parsed = Schedule.parse(text);
                    if (model != null) parsed.resolve(model.noiseModel());
                } catch (RuntimeException ex) {
                    String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage().lines().findFirst().orElse("");
                    if (seen.putIfAbsent(msg, true) != null) continue;
                    String path = textPath(lr, where, spec);
                    Matcher m = DSL_COLUMN.matcher(msg);
                    Node node = lr.node(path);
                    boolean located = m.find();
                    int column = located ? Integer.parseInt(m.group(1)) : -1;
                    if (located && node instanceof Scalar s && spec != null && spec.text() != null && column <= spec.text().length()) {
                        lr.problem(s.at(column - 1), path, msg.substring(m.group(0).length()) + " (in '" + spec.text() + "')");
                    } else if (located && spec != null && spec.remap() != null && lr.node(where + ".remap") != null && msg.contains(spec.remap().replaceAll("\\(.*", ""))) {
                        lr.problem(where + ".remap", "schedule '" + text + "': " + msg.substring(m.group(0).length()));
                    } else {
                        lr.problem(path, "schedule '" + text + "': " + msg);
                    }
                }
            }
        }
    }

    /** Whether a problem was already reported at {@code path} or under it (then checks of the whole would only repeat it). */
    private static boolean hasProblemUnder(LoadedRecipe lr, String path) {
        return lr.problems().stream().anyMatch(p -> p.path().equals(path) || p.path().startsWith(path + ".") || p.path().startsWith(path + "["));
    }

    /** The path of a schedule's text (shorthand or the text key), else the schedule itself. */
    private static String textPath(LoadedRecipe lr, String path, Recipe.ScheduleSpec spec) {
        if (spec != null && spec.text() != null && lr.node(path + ".text") != null) return path + ".text";
        return path;
    }

    private static void rng(LoadedRecipe lr, Recipe.Rng rng) {
        if (rng == null) return;
        boolean shorthand = lr.node("rng") instanceof Scalar;
        check(lr, shorthand ? "rng" : "rng.initial", rng.initial());
        if (!shorthand && rng.steps() != null) {
            try {
                StepNoise.check(rng.steps());
            } catch (IllegalArgumentException e) {
                lr.problem("rng.steps", e.getMessage());
            }
        }
    }

    private static void check(LoadedRecipe lr, String path, String rng) {
        if (rng == null) return;
        try {
            SeededNoise.Rng.parse(rng);
        } catch (IllegalArgumentException e) {
            lr.problem(path, e.getMessage());
        }
    }

    /** The prompt and image keys of Stable Diffusion models: given where they apply, consistent, files present. */
    private static void text(LoadedRecipe lr, Recipe r, ModelInfo model) {
        Recipe.Conditioning c = r.conditioning();
        Recipe.Image im = r.image();
        boolean swept = r.sweep() != null && r.sweep().prompt() != null;
        if (model != null && model.takesPrompts() && (c == null || c.prompt() == null) && !swept) {
            lr.problem(lr.node("conditioning") != null ? "conditioning" : "", "model " + model.name() + " is a Stable Diffusion model: give conditioning.prompt (or sweep.prompt)");
        }
        if (model != null && !model.takesPrompts()) {
            if (swept) lr.problem("sweep.prompt", "model " + model.name() + " takes no prompts (it is not a Stable Diffusion model): drop sweep.prompt");
            if (im != null) lr.problem("image", "model " + model.name() + " is not a Stable Diffusion model: drop image (its size is the model's sample shape)");
        }
        if (r.rng() != null && r.rng().order() != null && !RunSettings.NOISE_ORDERS.contains(r.rng().order())) {
            lr.problem("rng.order", Names.unknown("noise order", r.rng().order(), RunSettings.NOISE_ORDERS));
        }
        if (c != null) {
            c.sizes().forEach((k, v) -> {
                if (v.size() != 2) lr.problem("conditioning." + k, "expected two numbers, e.g. [1024, 1024], got " + v.size());
            });
        }
        if (im != null) {
            if (im.init() != null && !Files.isRegularFile(lr.resolve("image.init", im.init()))) {
                lr.problem("image.init", "init image not found: " + lr.resolve("image.init", im.init()) + " (paths are relative to the recipe's folder)");
            }
            if (im.strength() != null && im.init() == null) lr.problem("image.strength", "strength applies to img2img: give image.init or drop strength");
            if (im.strength() != null && im.strength() == 0) lr.problem("image.strength", "strength must be > 0 (it is the share of the schedule that runs)");
        }
    }

    private static void conditioning(LoadedRecipe lr, Recipe r, ModelInfo model) {
        text(lr, r, model);
        Recipe.Conditioning c = r.conditioning();
        if (c == null) return;
        int batch = r.batch() == null ? 1 : r.batch();
        if (c.classLabels() != null && (c.embedding() != null || c.prompt() != null)) {
            lr.problem("conditioning.class", "give a class label or text (prompt or embedding), not both");
        }
        if (c.prompt() != null && c.embedding() != null) lr.problem("conditioning.prompt", "give a prompt or an embedding file, not both");
        if ((c.prompt() != null || c.negativePrompt() != null) && c.classLabels() == null && c.embedding() == null && model != null && !model.takesPrompts()) {
            lr.problem(c.prompt() != null ? "conditioning.prompt" : "conditioning.negative_prompt",
                    "prompts need a model with a text encoder, and " + (model == null ? "this model" : model.name())
                            + " has none: give conditioning.embedding (a precomputed text embedding file) instead");
        }
        if (c.classLabels() != null && c.classLabels().size() != 1 && c.classLabels().size() != batch) {
            lr.problem("conditioning.class", "give one class label for all items or one per item: " + c.classLabels().size() + " labels for a batch of " + batch);
        }
        for (String key : List.of("embedding", "negative_embedding")) {
            String v = key.equals("embedding") ? c.embedding() : c.negativeEmbedding();
            if (v != null && !Files.isRegularFile(lr.resolve("conditioning." + key, v))) {
                lr.problem("conditioning." + key, "embedding file not found: " + lr.resolve("conditioning." + key, v) + " (paths are relative to the recipe's folder)");
            }
        }
        if (model == null) return;
        ConditioningSpec spec = model.conditioning();
        ConditioningSpec.Kind kind = spec.kindValue();
        if (c.classLabels() != null) {
            if (kind != ConditioningSpec.Kind.CLASS_LABEL) {
                lr.problem("conditioning.class", "model " + model.name() + " is conditioned on " + spec.kind() + ", not on class labels: drop conditioning.class");
            } else {
                for (int i = 0; i < c.classLabels().size(); i++) {
                    int l = c.classLabels().get(i);
                    if (l >= spec.classes()) {
                        lr.problem(lr.node("conditioning.class[" + i + "]") != null ? "conditioning.class[" + i + "]" : "conditioning.class",
                                "class label " + l + " is out of range: model " + model.name() + " has classes 0.." + (spec.classes() - 1));
                    }
                }
            }
        }
        if ((c.embedding() != null || c.negativeEmbedding() != null) && kind != ConditioningSpec.Kind.TEXT_EMBEDDING && !hasProblemUnder(lr, "conditioning")) {
            lr.problem(c.embedding() != null ? "conditioning.embedding" : "conditioning.negative_embedding",
                    "model " + model.name() + " is conditioned on " + spec.kind() + ", not on a text embedding: drop the embedding");
        }
    }

    private static void outputs(LoadedRecipe lr, Recipe r) {
        Recipe.Outputs o = r.outputs();
        if (o == null || o.name() == null) return;
        String name = o.name();
        if (name.contains("/") || name.contains("\\")) {
            lr.problem("outputs.name", "a file name pattern, not a path: put folders in outputs.folder");
            return;
        }
        Matcher m = RecipePlan.PLACEHOLDER.matcher(name);
        boolean ok = true;
        while (m.find()) {
            if (!RecipePlan.PLACEHOLDERS.contains(m.group(1))) {
                ok = false;
                Node n = lr.node("outputs.name");
                Loc at = n instanceof Scalar s ? s.at(m.start()) : lr.loc("outputs.name");
                lr.problem(at, "outputs.name", Names.unknown("placeholder", "{" + m.group(1) + "}", RecipePlan.PLACEHOLDERS.stream().map(p -> "{" + p + "}").toList()));
            }
        }
        if (!ok || lr.problems().size() > 0) return;
        RecipePlan plan = RecipePlan.of(lr, RecipePlan.DEFAULT_SCHEDULE);
        Map<String, String> seen = new HashMap<>();
        for (RecipePlan.Cell cell : plan.cells()) {
            for (int i = 0; i < cell.settings().batch(); i++) {
                String f = RecipePlan.fileName(name, lr.name(), cell, i);
                if (seen.putIfAbsent(f, "") != null) {
                    lr.problem("outputs.name", "pattern '" + name + "' gives the same file " + f + " to two images: add {cell}, {seed} or {index}");
                    return;
                }
            }
        }
    }


}
