package org.sampler4j.host.recipe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sampler4j.host.model.Models;
import org.sampler4j.host.recipe.Recipe.ScheduleSpec;
import org.sampler4j.host.run.RunSettings;
import org.sampler4j.host.run.SamplerOptionSets;

/**
 * A checked recipe expanded into what runs: one {@link Cell} per combination of swept values (one cell when nothing is
 * swept), each a {@link RunSettings}, laid out on a grid whose rows are the values of the sweep's {@code rows} key and
 * whose columns are the combinations of the other swept keys (and the items of a batch).
 *
 * @param model the model reference ({@link Models#open})
 * @param cells the runs, row by row
 * @param rowKey the swept key of the rows, or null
 * @param rowLabels one label per row
 * @param columns cells per row
 */
public record RecipePlan(String model, List<Cell> cells, String rowKey, List<String> rowLabels, int columns) {
    /** File name placeholders. */
    public static final List<String> PLACEHOLDERS = List.of("recipe", "cell", "sampler", "schedule", "steps", "seed", "guidance", "guidance_rescale", "item", "index");
    static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

    /**
     * One run of a recipe.
     *
     * @param index position in the plan
     * @param row grid row
     * @param column grid column (of the cell's first item)
     * @param values the swept keys and this cell's values, in canonical order
     * @param labels the swept keys and the labels of this cell's values (a schedule: the exact DSL text that runs)
     * @param settings what runs
     */
    public record Cell(int index, int row, int column, Map<String, Object> values, Map<String, String> labels, RunSettings settings) {
        /** The swept values as a label ({@code euler  trailing(10)  cfg 4}) without the keys {@code skip}; empty when nothing is swept. */
        public String label(String... skip) {
            List<String> parts = new ArrayList<>();
            labels.forEach((k, v) -> {
                if (!List.of(skip).contains(k)) parts.add(v);
            });
            return String.join("  ", parts);
        }
    }

    /** Expands a checked recipe; {@code defaultSchedule} is the model's (used when the recipe has none). */
    public static RecipePlan of(LoadedRecipe lr, String defaultSchedule) {
        Recipe r = lr.recipe();
        Recipe.Sweep sw = r.sweep();
        List<String> swept = sw == null ? List.of() : sw.swept();
        String rowKey = swept.isEmpty() ? null : sw.rows() != null ? sw.rows() : swept.get(0);
        List<String> order = new ArrayList<>();
        if (rowKey != null) order.add(rowKey);
        for (String k : swept) if (!k.equals(rowKey)) order.add(k);
        List<Map<String, Object>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>());
        for (String k : order) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> c : combos) {
                for (Object v : sw.values(k)) {
                    Map<String, Object> m = new LinkedHashMap<>(c);
                    m.put(k, v);
                    next.add(m);
                }
            }
            combos = next;
        }
        int rows = rowKey == null ? 1 : sw.values(rowKey).size();
        int perRow = combos.size() / rows;
        int batch = r.batch() == null ? 1 : r.batch();
        List<Cell> cells = new ArrayList<>();
        List<String> rowLabels = new ArrayList<>();
        String model = modelRef(lr);
        boolean stepsSwept = swept.contains("steps");
        for (int i = 0; i < combos.size(); i++) {
            Map<String, Object> v = combos.get(i);
            RunSettings settings = settings(lr, model, v, defaultSchedule);
            Map<String, Object> canonical = new LinkedHashMap<>();
            Map<String, String> labels = new LinkedHashMap<>();
            for (String k : swept) {
                canonical.put(k, v.get(k));
                labels.put(k, k.equals("schedule") ? scheduleLabel((ScheduleSpec) v.get(k), stepsSwept ? null : settings.schedule()) : label(k, v.get(k)));
            }
            int row = i / perRow;
            if (i % perRow == 0) rowLabels.add(rowKey == null ? "" : labels.get(rowKey));
            cells.add(new Cell(i, row, (i % perRow) * batch, canonical, labels, settings));
        }
        return new RecipePlan(model, cells, rowKey, rowLabels, perRow * batch);
    }

    /** The model reference of a recipe: a built-in name, or the folder resolved against the recipe's folder. */
    public static String modelRef(LoadedRecipe lr) {
        Recipe.ModelRef m = lr.recipe().model();
        if (m.builtin() != null) {
            List<Integer> s = m.shape();
            return s == null ? m.builtin() : m.builtin() + ":" + s.get(0) + "x" + s.get(1) + "x" + s.get(2);
        }
        return lr.resolve("model", m.path()).toString();
    }

    private static RunSettings settings(LoadedRecipe lr, String model, Map<String, Object> v, String defaultSchedule) {
        Recipe r = lr.recipe();
        String sampler = (String) v.getOrDefault("sampler", r.sampler() != null ? r.sampler() : "euler");
        ScheduleSpec spec = (ScheduleSpec) v.getOrDefault("schedule", r.schedule());
        Integer steps = (Integer) v.getOrDefault("steps", r.steps());
        long seed = (Long) v.getOrDefault("seed", r.seed() != null ? r.seed() : 0L);
        Recipe.Guidance g = r.guidance();
        double scale = (Double) v.getOrDefault("guidance", g != null && g.scale() != null ? g.scale() : 1.0);
        double rescale = (Double) v.getOrDefault("guidance_rescale", g != null && g.rescale() != null ? g.rescale() : 0.0);
        Recipe.Rng rng = r.rng();
        String initial = rng != null && rng.initial() != null ? rng.initial() : "torch-cpu";
        String stepRng = rng != null ? rng.steps() : null;
        Recipe.Conditioning c = r.conditioning();
        String prompt = (String) v.getOrDefault("prompt", c == null ? null : c.prompt());
        return new RunSettings(RunSettings.VERSION, model, sampler, samplerOptions(r).of(sampler), dsl(spec, steps, defaultSchedule), seed,
                r.batch() == null ? 1 : r.batch(), initial, scale, rescale, c == null ? null : c.classLabels(),
                c == null || c.embedding() == null ? null : lr.resolve("conditioning.embedding", c.embedding()).toString(),
                c == null ? null : c.embeddingSha256(),
                c == null || c.negativeEmbedding() == null ? null : lr.resolve("conditioning.negative_embedding", c.negativeEmbedding()).toString(),
                c == null ? null : c.negativeEmbeddingSha256(), stepRng, text(lr, prompt));
    }

    /** The prompt and image settings of a recipe, or null when it has none. */
    private static RunSettings.Text text(LoadedRecipe lr, String prompt) {
        Recipe r = lr.recipe();
        Recipe.Conditioning c = r.conditioning();
        Recipe.Image im = r.image();
        String order = r.rng() == null ? null : r.rng().order();
        boolean any = prompt != null || im != null || order != null || c != null && (c.negativePrompt() != null || c.prompt2() != null
                || c.negativePrompt2() != null || c.clipSkip() != null || !c.sizes().isEmpty());
        if (!any) return null;
        return new RunSettings.Text(prompt, c == null ? null : c.negativePrompt(), c == null ? null : c.prompt2(), c == null ? null : c.negativePrompt2(),
                c == null ? null : c.clipSkip(), im == null ? null : im.width(), im == null ? null : im.height(),
                im == null || im.init() == null ? null : lr.resolve("image.init", im.init()).toString(), im == null ? null : im.initSha256(),
                im == null ? null : im.strength(), order, c == null ? null : c.sizes());
    }

    /**
     * The schedule DSL text of a schedule spec and step count: the structured keys become the base and modifiers; the
     * step count replaces the one of a spaced or preset base.
     *
     * @param spec the recipe's schedule, or null for {@code fallback}
     * @throws IllegalArgumentException naming the key to fix
     */
    public static String dsl(ScheduleSpec spec, Integer steps, String fallback) {
        String text;
        boolean countable;
        if (spec == null) {
            text = fallback;
            countable = true;
        } else {
            List<String> bases = spec.bases();
            if (bases.size() > 1) throw new IllegalArgumentException("give one schedule base, got " + String.join(" and ", bases) + "; keep one of them");
            if (bases.isEmpty()) throw new IllegalArgumentException("the schedule needs a base: text (DSL), spacing, timesteps, sigmas or preset");
            countable = spec.text() != null;
            if (spec.text() != null) text = spec.text();
            else if (spec.spacing() != null) text = spec.spacing() + "(" + need(steps, "spacing") + ")";
            else if (spec.timesteps() != null) text = "timesteps(" + join(spec.timesteps()) + ")";
            else if (spec.sigmas() != null) text = "sigmas(" + join(spec.sigmas()) + ")";
            else {
                StringBuilder b = new StringBuilder("preset(").append(spec.preset()).append(", ").append(need(steps, "preset"));
                if (spec.presetOptions() != null) spec.presetOptions().forEach((k, val) -> b.append(", ").append(k).append('=').append(val));
                text = b.append(')').toString();
            }
            text += spec.modifiers();
            if ((spec.timesteps() != null || spec.sigmas() != null) && steps != null) {
                throw new IllegalArgumentException("steps does not apply to explicit " + (spec.timesteps() != null ? "timesteps" : "sigmas") + ": drop steps, the list fixes the count");
            }
        }
        return countable && steps != null ? RunSettings.withSteps(text, steps) : text;
    }

    private static int need(Integer steps, String key) {
        if (steps == null) throw new IllegalArgumentException("schedule." + key + " needs a step count: add 'steps: N' to the recipe (or sweep steps)");
        return steps;
    }

    private static String join(List<Double> values) {
        return String.join(", ", values.stream().map(Compact::number).toList());
    }

    /** The samplers a recipe selects (its sweep's, else its sampler, else euler). */
    static List<String> samplers(Recipe r) {
        if (r.sweep() != null && r.sweep().sampler() != null) return r.sweep().sampler();
        return List.of(r.sampler() != null ? r.sampler() : "euler");
    }

    /** The recipe's {@code sampler_options} assigned to its samplers ({@link SamplerOptionSets}). */
    static SamplerOptionSets.Assigned samplerOptions(Recipe r) {
        return SamplerOptionSets.assign(samplers(r), r.samplerOptions() == null ? Map.of() : r.samplerOptions());
    }

    /** The label of a swept value: {@code euler}, {@code 10 steps}, {@code seed 3}, {@code cfg 4}, {@code rescale 0.7}. */
    static String label(String key, Object v) {
        return switch (key) {
            case "schedule" -> scheduleLabel((ScheduleSpec) v, null);
            case "steps" -> v + " steps";
            case "seed" -> "seed " + v;
            case "guidance" -> "cfg " + Compact.number((Double) v);
            case "guidance_rescale" -> "rescale " + Compact.number((Double) v);
            default -> String.valueOf(v);
        };
    }

    /**
     * The label of a swept schedule: the exact DSL text that ran ({@code ran}) when the step count is not swept too;
     * else the schedule as written, its step count shown as {@code N} when the recipe's steps fill it in.
     */
    private static String scheduleLabel(ScheduleSpec s, String ran) {
        if (ran != null) return ran;
        try {
            return dsl(s, null, null);
        } catch (RuntimeException e) {
            try {
                return dsl(s, STEPS_MARK, null).replace(Integer.toString(STEPS_MARK), "N");
            } catch (RuntimeException e2) {
                return String.valueOf(s.text());
            }
        }
    }

    /** A step count put in a schedule and then shown as {@code N}. */
    private static final int STEPS_MARK = 987654321;

    /** The value of a placeholder for one image. */
    static String placeholder(String key, String recipe, Cell cell, int item, boolean withSeed) {
        RunSettings s = cell.settings();
        return switch (key) {
            case "recipe" -> recipe;
            case "cell" -> cell.values().isEmpty() ? "cell" + cell.index()
                    : String.join("_", cell.values().entrySet().stream().filter(e -> !(withSeed && e.getKey().equals("seed")))
                            .map(e -> e.getKey().equals("schedule") ? fileText(cell.labels().get("schedule")) : safe(rawValue(e.getKey(), e.getValue()))).toList());
            case "sampler" -> safe(s.sampler());
            case "schedule" -> fileText(s.schedule());
            case "steps" -> cell.values().containsKey("steps") ? String.valueOf(cell.values().get("steps")) : safe(s.schedule().replaceAll("\\D+", " ").trim().split(" ")[0]);
            case "seed" -> Long.toString(s.seed() + item);
            case "guidance" -> Compact.number(s.guidance());
            case "guidance_rescale" -> Compact.number(s.guidanceRescale());
            case "item" -> Integer.toString(item);
            case "index" -> Integer.toString(cell.index());
            default -> throw new IllegalArgumentException(key);
        };
    }

    /**
     * A schedule's DSL text in a file name: {@code trailing_10.karras}, {@code leading_10.stepsOffset_1},
     * {@code preset_ays_10_model=sd15}; texts over 48 characters keep 40 and a hash of the whole.
     */
    static String fileText(String dsl) {
        String f = safe(dsl.replace("()", "").replace("(", "_").replace(")", ""));
        return f.length() <= 48 ? f : f.substring(0, 40) + "_" + String.format(Locale.ROOT, "%08x", dsl.hashCode());
    }

    private static String rawValue(String key, Object v) {
        return switch (key) {
            case "guidance" -> "cfg" + Compact.number((Double) v);
            case "guidance_rescale" -> "rescale" + Compact.number((Double) v);
            case "prompt" -> String.valueOf(v).length() > 40 ? String.valueOf(v).substring(0, 40) : String.valueOf(v);
            case "steps" -> v + "steps";
            case "seed" -> "seed" + v;
            default -> String.valueOf(v);
        };
    }

    /** Text made safe for a file name: runs of other characters become one {@code _}. */
    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9.+=-]+", "_").replaceAll("^[_.]+|[_.]+$", "");
    }

    /** The default file name pattern of a recipe. */
    static String defaultName(Recipe r) {
        boolean sweep = r.sweep() != null && !r.sweep().swept().isEmpty();
        boolean batch = r.batch() != null && r.batch() > 1;
        return "{recipe}" + (sweep ? "_{cell}" : "") + (batch ? "_seed{seed}" : "") + ".png";
    }

    /** Marks a placeholder whose value is empty while a file name is put together. */
    private static final String EMPTY = "\u0000";

    /** The file name of item {@code item} of {@code cell}. */
    static String fileName(String pattern, String recipe, Cell cell, int item) {
        Matcher m = PLACEHOLDER.matcher(pattern);
        StringBuilder b = new StringBuilder();
        boolean withSeed = pattern.contains("{seed}");
        while (m.find()) {
            String value = placeholder(m.group(1), recipe, cell, item, withSeed);
            m.appendReplacement(b, Matcher.quoteReplacement(value.isEmpty() ? EMPTY : value));
        }
        m.appendTail(b);
        // an empty value takes one separator with it: {recipe}_{cell}_seed{seed} with only the seed swept is r_seed0, not r__seed0
        String name = b.toString().replace("_" + EMPTY, "").replace(EMPTY + "_", "").replace(EMPTY, "");
        return name.toLowerCase(Locale.ROOT).endsWith(".png") ? name : name + ".png";
    }

    /**
     * The file names of every image of this plan under {@code pattern}: one list per cell, one name per item. A name
     * the pattern gives to two images (two cells that run the same settings, e.g. a swept {@code trailing(10)} and
     * {@code trailing(20)} that a recipe's {@code steps: 10} both turns into {@code trailing(10)}) gets its cell's
     * index before the extension ({@code _cell3}, and the item too if it repeats within the cell), so that no image
     * overwrites another. The names depend on the recipe alone: a rerun or a resumed run finds the same files.
     *
     * @param pattern the file name pattern ({@link #fileName})
     * @param recipe the recipe's name
     * @return the names, by cell index and item
     */
    public List<List<String>> fileNames(String pattern, String recipe) {
        List<List<String>> names = new ArrayList<>();
        Map<String, Integer> uses = new java.util.HashMap<>();
        for (Cell c : cells) {
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < c.settings().batch(); i++) {
                String f = fileName(pattern, recipe, c, i);
                mine.add(f);
                uses.merge(f, 1, Integer::sum);
            }
            names.add(mine);
        }
        List<List<String>> out = new ArrayList<>();
        for (Cell c : cells) {
            List<String> mine = names.get(c.index());
            List<String> unique = new ArrayList<>();
            for (int i = 0; i < mine.size(); i++) {
                String f = mine.get(i);
                if (uses.get(f) > 1) {
                    String suffix = "_cell" + c.index() + (java.util.Collections.frequency(mine, f) > 1 ? "_" + i : "");
                    f = f.substring(0, f.length() - ".png".length()) + suffix + ".png";
                }
                unique.add(f);
            }
            out.add(List.copyOf(unique));
        }
        return List.copyOf(out);
    }

    /** The recipe of one settings: a single run, no sweep, no outputs (what a PNG embeds). */
    public static Recipe recipeOf(RunSettings s) {
        Recipe.ModelRef model = Recipe.ModelRef.shorthand(s.model());
        RunSettings.Text t = s.text();
        Recipe.Rng rng = new Recipe.Rng(s.rng(), s.stepRng(), t == null ? null : t.noiseOrder());
        java.util.function.Function<String, List<Integer>> size = k -> t == null || t.sizes() == null ? null : t.sizes().get(k);
        Recipe.Conditioning c = s.classLabels() == null && s.embedding() == null && s.negativeEmbedding() == null && t == null ? null
                : new Recipe.Conditioning(s.classLabels(), t == null ? null : t.prompt(), t == null ? null : t.negativePrompt(), s.embedding(), s.embeddingSha256(),
                        s.negativeEmbedding(), s.negativeEmbeddingSha256(), t == null ? null : t.prompt2(), t == null ? null : t.negativePrompt2(),
                        t == null ? null : t.clipSkip(), size.apply("original_size"), size.apply("crops_coords_top_left"), size.apply("target_size"),
                        size.apply("negative_original_size"), size.apply("negative_crops_coords_top_left"), size.apply("negative_target_size"));
        Recipe.Image image = t == null || t.width() == null && t.height() == null && t.initImage() == null && t.strength() == null ? null
                : new Recipe.Image(t.width(), t.height(), t.initImage(), t.initImageSha256(), t.strength());
        return new Recipe(Recipe.VERSION, null, model, s.sampler(), s.samplerOptions().isEmpty() ? null : s.samplerOptions(), ScheduleSpec.of(s.schedule()),
                null, s.seed(), rng, s.batch(), new Recipe.Guidance(s.guidance(), s.guidanceRescale() == 0 ? null : s.guidanceRescale()), c, image, null, null, null);
    }

    /**
     * The one run of a recipe without a sweep (a PNG's embedded recipe), after the checks of {@link RecipeChecker}.
     *
     * @throws RecipeException listing every problem
     */
    public static RunSettings single(LoadedRecipe lr) {
        RecipeChecker.check(lr);
        lr.orThrow();
        if (lr.recipe().sweep() != null) {
            lr.problem("sweep", "this recipe is a sweep, not a single run: run it with 'sampler4j run " + lr.source() + "'");
            lr.orThrow();
        }
        String model = modelRef(lr);
        String fallback = lr.recipe().schedule() == null ? Models.describe(model).defaultSchedule().orElse(DEFAULT_SCHEDULE) : null;
        return of(lr, fallback).cells().get(0).settings();
    }

    /** The schedule of a recipe that gives none, for a model that suggests none. */
    public static final String DEFAULT_SCHEDULE = "trailing(20)";
}
