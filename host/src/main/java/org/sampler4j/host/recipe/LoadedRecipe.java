package org.sampler4j.host.recipe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.sampler4j.host.recipe.YamlTree.Node;

/**
 * A recipe as read from a file or text: the bound {@link Recipe} (components with mistakes left null), where each of its
 * values was written, and the problems found so far. Checks after binding add problems with {@link #problem}, located
 * by key path.
 *
 * @param recipe the bound recipe, or null when the document could not be read at all
 * @param name the recipe's name (file name without extension), used for the default output folder
 * @param source the source name used in locations (the file path as given)
 * @param nodes the YAML node bound at each key path
 * @param dirs the folder each source file's relative paths resolve against (null: the current folder)
 * @param problems the problems, added to by the checks
 */
public record LoadedRecipe(Recipe recipe, String name, String source, Map<String, Node> nodes, Map<String, Path> dirs, List<Problem> problems) {
    /** Adds a problem at key path {@code path} (located at the nearest enclosing key that was written). */
    public void problem(String path, String message) {
        problems.add(new Problem(loc(path), path, message));
    }

    /** Adds a problem at an exact location. */
    public void problem(Loc loc, String path, String message) {
        problems.add(new Problem(loc, path, message));
    }

    /** The node at {@code path}, or null. */
    public Node node(String path) {
        return nodes.get(path);
    }

    /** Where the value at {@code path} (or the nearest enclosing value that was written) starts. */
    public Loc loc(String path) {
        for (String p = path; ; p = parent(p)) {
            Node n = nodes.get(p);
            if (n != null) return n.loc();
            if (p.isEmpty()) return new Loc(source, 1, 1);
        }
    }

    private static String parent(String p) {
        int i = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
        return i < 0 ? "" : p.substring(0, i);
    }

    /** A path value of key {@code path}, resolved against the folder of the file that wrote it. */
    public Path resolve(String path, String value) {
        Path p = Path.of(value);
        if (p.isAbsolute()) return p;
        Path dir = dirs.get(loc(path).file());
        return dir == null ? p : dir.resolve(p).normalize();
    }

    /** The problems in file order (file, line, column). */
    public List<Problem> sortedProblems() {
        List<Problem> out = new ArrayList<>(problems);
        out.sort(Comparator.comparing((Problem p) -> p.loc().file().equals(source) ? 1 : 0)
                .thenComparing(p -> p.loc().file()).thenComparingInt(p -> p.loc().line()).thenComparingInt(p -> p.loc().column()));
        return out;
    }

    /** Throws a {@link RecipeException} with every problem, if there is any. */
    public LoadedRecipe orThrow() {
        if (!problems.isEmpty()) throw new RecipeException(sortedProblems());
        return this;
    }
}
