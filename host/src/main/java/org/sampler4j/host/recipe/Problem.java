package org.sampler4j.host.recipe;

/**
 * One mistake in a recipe: where it is, the key path ({@code outputs.name}, {@code sweep.schedule[1]}) and what was
 * expected. {@link #toString()} is the error line: {@code FILE:LINE:COLUMN: PATH: MESSAGE}.
 *
 * @param loc where the offending key or value starts
 * @param path the key path, empty for the document itself
 * @param message what is wrong and how to fix it
 */
public record Problem(Loc loc, String path, String message) {
    @Override
    public String toString() {
        return loc + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
