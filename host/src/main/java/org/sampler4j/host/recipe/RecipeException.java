package org.sampler4j.host.recipe;

import java.util.List;
import java.util.stream.Collectors;

/** A recipe with mistakes: every {@link Problem} found, in file order. A user error (exit code 2), never a stack trace. */
public final class RecipeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    /** @param problems at least one */
    public RecipeException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) throw new IllegalArgumentException("a RecipeException needs a problem");
        this.problems = List.copyOf(problems);
    }

    /** The problems, one error line each. */
    public List<Problem> problems() {
        return problems;
    }
}
