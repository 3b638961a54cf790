package org.sampler4j.host.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sampler4j.api.schedule.Names;

/**
 * What a model is conditioned on ({@code conditioning:} in {@code model.yaml}).
 *
 * @param kind {@code none}, {@code class_label} or {@code text_embedding}
 * @param classes number of classes (labels {@code 0..classes-1}), for {@code class_label}
 * @param nullClass the label of the unconditional ("null") class used by classifier-free guidance, for {@code class_label}
 * @param tokens sequence length of a text embedding
 * @param dim width of a text embedding
 */
public record ConditioningSpec(String kind, Integer classes, Integer nullClass, Integer tokens, Integer dim) {
    /** No conditioning. */
    public static final ConditioningSpec NONE = new ConditioningSpec("none", null, null, null, null);

    /** Conditioning kinds. */
    public enum Kind {
        /** Unconditional model. */
        NONE("none"),
        /** A class label per item (int64 input). */
        CLASS_LABEL("class_label"),
        /** A text embedding per item (float32 {@code [tokens, dim]} input). */
        TEXT_EMBEDDING("text_embedding");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The descriptor name. */
        public String id() {
            return id;
        }

        static Kind parse(String s) {
            for (Kind k : values()) if (k.id.equals(s.toLowerCase(Locale.ROOT))) return k;
            throw new ModelException(Names.unknown("conditioning kind", s, Arrays.stream(values()).map(Kind::id).toList()));
        }
    }

    /** The parsed kind. */
    public Kind kindValue() {
        return Kind.parse(kind);
    }

    /** The network input this conditioning feeds, or null. */
    String inputRole() {
        return switch (kindValue()) {
            case NONE -> null;
            case CLASS_LABEL -> "class_label";
            case TEXT_EMBEDDING -> "text_embedding";
        };
    }

    ConditioningSpec validated(String source) {
        if (kind == null) throw new ModelException(source + ": conditioning: missing field 'kind' (none, class_label or text_embedding)");
        Kind k;
        try {
            k = Kind.parse(kind);
        } catch (ModelException e) {
            throw new ModelException(source + ": conditioning: " + e.getMessage());
        }
        switch (k) {
            case CLASS_LABEL -> {
                if (classes == null || classes < 1) throw new ModelException(source + ": conditioning: class_label needs classes >= 1");
                if (nullClass == null) throw new ModelException(source + ": conditioning: class_label needs null_class (the label of the unconditional class, e.g. " + classes + ")");
                if (nullClass < 0) throw new ModelException(source + ": conditioning: null_class must be >= 0");
            }
            case TEXT_EMBEDDING -> {
                if (tokens == null || tokens < 1 || dim == null || dim < 1) {
                    throw new ModelException(source + ": conditioning: text_embedding needs tokens >= 1 and dim >= 1 (the embedding's [tokens, dim] shape)");
                }
            }
            case NONE -> { }
        }
        return new ConditioningSpec(k.id(), classes, nullClass, tokens, dim);
    }

    /**
     * Checks class labels against this model: each must lie in {@code 0..classes-1}.
     *
     * @throws ModelException naming the label and the valid range
     */
    public void checkLabels(List<Integer> labels) {
        if (kindValue() != Kind.CLASS_LABEL) {
            throw new ModelException("this model is conditioned on " + kind + ", not on class labels: drop --class");
        }
        for (int l : labels) {
            if (l < 0 || l >= classes) {
                throw new ModelException("class label " + l + " is out of range: this model has classes 0.." + (classes - 1));
            }
        }
    }
}
