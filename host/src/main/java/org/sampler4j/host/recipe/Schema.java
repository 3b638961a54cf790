package org.sampler4j.host.recipe;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Annotations on recipe record components that the {@link Binder} reads. A component's key is its name in snake case
 * unless {@link Key} says otherwise; a record with a static {@code shorthand(Object)} method may also be written as a
 * single scalar (e.g. {@code guidance: 4} for {@code guidance: {scale: 4}}), and its {@code shorthandValue()} says
 * when it is written back that way.
 */
public final class Schema {
    private Schema() {}

    /** The YAML key, when it is not the component name in snake case (e.g. {@code class}, {@code extends}). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Key {
        /** The key. */
        String value();
    }

    /** The key must be given; the text says what it holds (for the "missing key" message). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Required {
        /** What the key holds, e.g. {@code "the format version, 1"}. */
        String value();
    }

    /** Inclusive bounds of a number, or of every number in a list. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Range {
        /** Smallest allowed value. */
        double min() default Double.NEGATIVE_INFINITY;

        /** Largest allowed value. */
        double max() default Double.POSITIVE_INFINITY;
    }

    /** A list that may also be written as one value ({@code class: 3} for {@code class: [3]}). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface OneOrMany {}
}
