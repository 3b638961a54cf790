package org.sampler4j.api.sampler;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.schedule.Names;

/**
 * Option values for one sampler, validated against its {@link OptionSpec}s; missing options take their defaults.
 * Immutable.
 */
public final class SamplerOptions {
    private final Map<String, Object> values;

    private SamplerOptions(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Validates {@code given} (numbers, booleans or strings; strings are parsed) against {@code specs}.
     *
     * @param samplerId the sampler's id, for error messages
     * @param specs the options the sampler declares
     * @param given the values given by name; options not given take their defaults
     * @return the validated options, every declared option with a value
     * @throws IllegalArgumentException naming the option and the fix
     */
    public static SamplerOptions of(String samplerId, List<OptionSpec> specs, Map<String, ?> given) {
        Map<String, OptionSpec> byName = new LinkedHashMap<>();
        for (OptionSpec s : specs) byName.put(s.name(), s);
        Map<String, Object> v = new LinkedHashMap<>();
        for (OptionSpec s : specs) v.put(s.name(), s.defaultValue());
        for (Map.Entry<String, ?> e : given.entrySet()) {
            OptionSpec s = byName.get(e.getKey());
            if (s == null) {
                String msg = byName.isEmpty() ? "sampler '" + samplerId + "' has no options, got '" + e.getKey() + "'"
                        : "sampler '" + samplerId + "' has no option '" + e.getKey() + "'" + Names.closest(e.getKey(), byName.keySet())
                                .map(k -> " — did you mean '" + k + "'?").orElse("; its options: " + String.join(", ", byName.keySet()));
                throw new IllegalArgumentException(msg);
            }
            v.put(s.name(), convert(samplerId, s, e.getValue()));
        }
        return new SamplerOptions(v);
    }

    /**
     * {@return all defaults}
     *
     * @param specs the options a sampler declares
     */
    public static SamplerOptions defaults(List<OptionSpec> specs) {
        return of("?", specs, Map.of());
    }

    private static Object convert(String id, OptionSpec s, Object raw) {
        String where = "option '" + s.name() + "' of sampler '" + id + "'";
        switch (s.type()) {
            case NUMBER:
            case INTEGER: {
                double d;
                if (raw instanceof Number n) d = n.doubleValue();
                else {
                    try {
                        d = Double.parseDouble(String.valueOf(raw));
                    } catch (NumberFormatException ex) {
                        throw new IllegalArgumentException(where + " must be a number, got '" + raw + "'");
                    }
                }
                if (!Double.isFinite(d)) throw new IllegalArgumentException(where + " must be finite, got " + d);
                if (s.type() == OptionSpec.Type.INTEGER && d != Math.rint(d)) throw new IllegalArgumentException(where + " must be an integer, got " + raw);
                if (s.min() != null && d < s.min()) throw new IllegalArgumentException(where + " must be >= " + fmt(s.min()) + ", got " + fmt(d));
                if (s.max() != null && d > s.max()) throw new IllegalArgumentException(where + " must be <= " + fmt(s.max()) + ", got " + fmt(d));
                return s.type() == OptionSpec.Type.INTEGER ? (Object) (int) d : (Object) d;
            }
            case BOOLEAN:
                if (raw instanceof Boolean b) return b;
                if ("true".equals(raw) || "false".equals(raw)) return Boolean.parseBoolean((String) raw);
                throw new IllegalArgumentException(where + " must be true or false, got '" + raw + "'");
            case STRING:
                return String.valueOf(raw);
            default:
                String w = String.valueOf(raw);
                if (!s.choices().contains(w)) throw new IllegalArgumentException(Names.unknown("value of " + where, w, s.choices()));
                return w;
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /**
     * {@return a number option}
     *
     * @param name a declared number option
     */
    public double number(String name) {
        return ((Number) get(name)).doubleValue();
    }

    /**
     * {@return an integer option}
     *
     * @param name a declared integer option
     */
    public int integer(String name) {
        return ((Number) get(name)).intValue();
    }

    /**
     * {@return a boolean option}
     *
     * @param name a declared boolean option
     */
    public boolean bool(String name) {
        return (Boolean) get(name);
    }

    /**
     * {@return a choice option}
     *
     * @param name a declared choice option
     */
    public String choice(String name) {
        return (String) get(name);
    }

    /**
     * {@return a string option}
     *
     * @param name a declared string option
     */
    public String string(String name) {
        return (String) get(name);
    }

    private Object get(String name) {
        if (!values.containsKey(name)) throw new IllegalArgumentException("no option '" + name + "' (known: " + values.keySet() + ")");
        return values.get(name);
    }

    /** {@return all values, defaults included} */
    public Map<String, Object> asMap() {
        return values;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
