package org.sampler4j.host.recipe;

/**
 * A position in a recipe source: the file (or another source name, e.g. {@code image.png[sampler4j]}), a 1-based line
 * and a 1-based column. Printed as {@code FILE:LINE:COLUMN}, the form editors and terminals turn into links.
 *
 * @param file the source name
 * @param line 1-based line
 * @param column 1-based column
 */
public record Loc(String file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
