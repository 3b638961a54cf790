package org.sampler4j.host.recipe;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sampler4j.host.recipe.YamlTree.Entry;
import org.sampler4j.host.recipe.YamlTree.MapNode;
import org.sampler4j.host.recipe.YamlTree.Node;
import org.sampler4j.host.recipe.YamlTree.Scalar;

/**
 * Reads recipes: YAML syntax, {@code extends} (a base recipe with this document laid over it, recursively), strict
 * binding into {@link Recipe}. Mistakes never throw here: they are collected in {@link LoadedRecipe#problems()} so that
 * {@code validate} can list all of them; {@link RecipeChecker} adds the checks that need the registries and the model.
 */
public final class Recipes {
    private Recipes() {}

    /** Reads a recipe file; {@code file} is named in locations as given. */
    public static LoadedRecipe load(Path file) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Path> dirs = new HashMap<>();
        Node tree = read(file, file.toString(), problems, dirs, new ArrayList<>(), null);
        String stem = file.getFileName().toString().replaceFirst("\\.(ya?ml)$", "");
        return bind(tree, stem, file.toString(), dirs, problems);
    }

    /**
     * Reads recipe text that is not a file (a PNG's embedded recipe): relative paths resolve against {@code dir}
     * (null: the current folder), and so does {@code extends}.
     */
    public static LoadedRecipe parse(String text, String source, Path dir) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Path> dirs = new HashMap<>();
        dirs.put(source, dir);
        Node tree = YamlTree.parse(text, source, problems);
        tree = extend(tree, source, dir, problems, dirs, new ArrayList<>(List.of(source)));
        String stem = source.replaceAll(".*[/\\\\]", "").replaceAll("\\..*", "");
        return bind(tree, stem.isEmpty() ? "recipe" : stem, source, dirs, problems);
    }

    private static LoadedRecipe bind(Node tree, String stem, String source, Map<String, Path> dirs, List<Problem> problems) {
        Binder b = new Binder(problems);
        Recipe r = null;
        if (tree == null) {
            if (problems.isEmpty()) problems.add(new Problem(new Loc(source, 1, 1), "", "the recipe is empty: it needs at least 'recipe: " + Recipe.VERSION + "' and 'model'"));
        } else if (!(tree instanceof MapNode)) {
            problems.add(new Problem(tree.loc(), "", "a recipe is a map of keys (recipe: 1, model: ..., sampler: ...), got " + tree.describe()));
        } else {
            r = b.bindRoot(tree, Recipe.class);
        }
        return new LoadedRecipe(r, stem, source, b.nodes(), dirs, problems);
    }

    private static Node read(Path file, String label, List<Problem> problems, Map<String, Path> dirs, List<String> chain, Loc from) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            problems.add(new Problem(from != null ? from : new Loc(label, 1, 1), from != null ? "extends" : "", "recipe file not found: " + file));
            return null;
        } catch (MalformedInputException e) {
            problems.add(new Problem(from != null ? from : new Loc(label, 1, 1), from != null ? "extends" : "", file + " is not UTF-8 text: a recipe is a YAML file"));
            return null;
        } catch (IOException e) {
            problems.add(new Problem(from != null ? from : new Loc(label, 1, 1), from != null ? "extends" : "", "cannot read " + file + ": " + e.getMessage()));
            return null;
        }
        Path dir = file.toAbsolutePath().getParent();
        Path rel = file.getParent() != null ? file.getParent() : Path.of("");
        dirs.put(label, file.isAbsolute() ? dir : rel);
        chain.add(file.toAbsolutePath().normalize().toString());
        Node tree = YamlTree.parse(text, label, problems);
        return extend(tree, label, dirs.get(label), problems, dirs, chain);
    }

    /** Replaces a document with {@code extends} by its base with the document laid over it. */
    private static Node extend(Node tree, String label, Path dir, List<Problem> problems, Map<String, Path> dirs, List<String> chain) {
        if (!(tree instanceof MapNode m)) return tree;
        Entry ext = m.entry("extends");
        if (ext == null) return tree;
        MapNode rest = m.without("extends");
        if (!(ext.value() instanceof Scalar s) || !(s.value() instanceof String base) || base.isBlank()) {
            problems.add(new Problem(ext.value().loc(), "extends", "expected the path of a base recipe (e.g. extends: base.yaml), got " + ext.value().describe()));
            return rest;
        }
        Path file = dir == null ? Path.of(base) : dir.resolve(base).normalize();
        String key = file.toAbsolutePath().normalize().toString();
        if (chain.contains(key)) {
            problems.add(new Problem(s.loc(), "extends", "recipe " + file + " extends itself (through " + String.join(" -> ", chain.subList(chain.indexOf(key), chain.size()))
                    + "); remove the cycle"));
            return rest;
        }
        Node baseTree = read(file, file.toString(), problems, dirs, new ArrayList<>(chain), s.loc());
        if (baseTree == null) return rest;
        if (!(baseTree instanceof MapNode)) {
            problems.add(new Problem(baseTree.loc(), "", "a recipe is a map of keys (recipe: 1, model: ..., sampler: ...), got " + baseTree.describe()));
            return rest;
        }
        return YamlTree.merge(baseTree, rest);
    }

    /** The recipe of one file, as a flat map (for tests and tools): bound values, extends resolved. */
    static Map<String, Object> flat(Recipe r) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Binder.toTree(r);
        return new LinkedHashMap<>(m);
    }
}
