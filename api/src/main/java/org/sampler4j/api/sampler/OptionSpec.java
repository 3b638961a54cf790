package org.sampler4j.api.sampler;

import java.util.List;
import java.util.Objects;

/**
 * A typed sampler option with its default, e.g. {@code eta} (number, default 1, at least 0).
 *
 * @param name option name as in recipes and k-diffusion's keyword arguments
 * @param type value type
 * @param defaultValue default ({@link Double}, {@link Integer}, {@link Boolean} or {@link String})
 * @param min smallest allowed number, or {@code null}
 * @param max largest allowed number, or {@code null}
 * @param choices allowed words for {@link Type#CHOICE}
 * @param description one line for help output
 */
public record OptionSpec(String name, Type type, Object defaultValue, Double min, Double max, List<String> choices, String description) {
    /** Option value types. */
    public enum Type {
        /** A real number, optionally bounded by {@code min} and {@code max}. */
        NUMBER,
        /** A whole number, optionally bounded by {@code min} and {@code max}. */
        INTEGER,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** One word out of {@code choices}. */
        CHOICE,
        /** Free text with a sampler-defined syntax (e.g. restart's interval list); the sampler parses and validates it. */
        STRING
    }

    /**
     * Checks that name and type are given; copies the choices ({@code null}: none).
     *
     * @param name not null
     * @param type not null
     * @param defaultValue the value when the option is not given
     * @param min the lower bound of numbers, or {@code null}
     * @param max the upper bound of numbers, or {@code null}
     * @param choices the words of a choice (copied; {@code null}: none)
     * @param description the help line
     */
    public OptionSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    /**
     * {@return a number option}
     *
     * @param name the option's name, e.g. {@code eta}
     * @param def the default value
     * @param min the smallest value allowed, or {@code null} for no bound
     * @param max the largest value allowed, or {@code null} for no bound
     * @param description one line for listings and help
     */
    public static OptionSpec number(String name, double def, Double min, Double max, String description) {
        return new OptionSpec(name, Type.NUMBER, def, min, max, List.of(), description);
    }

    /**
     * {@return an integer option}
     *
     * @param name the option's name, e.g. {@code order}
     * @param def the default value
     * @param min the smallest value allowed, or {@code null} for no bound
     * @param max the largest value allowed, or {@code null} for no bound
     * @param description one line for listings and help
     */
    public static OptionSpec integer(String name, int def, Integer min, Integer max, String description) {
        return new OptionSpec(name, Type.INTEGER, def, min == null ? null : min.doubleValue(), max == null ? null : max.doubleValue(), List.of(), description);
    }

    /**
     * {@return a boolean option}
     *
     * @param name the option's name
     * @param def the default value
     * @param description one line for listings and help
     */
    public static OptionSpec bool(String name, boolean def, String description) {
        return new OptionSpec(name, Type.BOOLEAN, def, null, null, List.of(), description);
    }

    /**
     * {@return a choice among words}
     *
     * @param name the option's name
     * @param def the default, one of {@code choices}
     * @param choices the words allowed
     * @param description one line for listings and help
     */
    public static OptionSpec choice(String name, String def, List<String> choices, String description) {
        return new OptionSpec(name, Type.CHOICE, def, null, null, choices, description);
    }

    /**
     * {@return a free-text option; the sampler documents its syntax in the description and validates it}
     *
     * @param name the option's name
     * @param def the default text
     * @param description one line for listings and help, including the syntax
     */
    public static OptionSpec string(String name, String def, String description) {
        return new OptionSpec(name, Type.STRING, def, null, null, List.of(), description);
    }
}
