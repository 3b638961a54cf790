package org.sampler4j.api.schedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of one DSL call, e.g. {@code karras(rho=5)}: positional arguments are bound to the call's
 * declared parameter names in order. Accessors convert and validate, naming the call and argument on error.
 */
public final class DslArgs {
    private final String call;
    private final Map<String, String> named;
    private final List<String> positional;

    DslArgs(String call, Map<String, String> named, List<String> positional) {
        this.call = call;
        this.named = new LinkedHashMap<>(named);
        this.positional = new ArrayList<>(positional);
    }

    /** Binds positional arguments to {@code paramNames}; rejects unknown names and surplus arguments. */
    static DslArgs bind(String call, List<String[]> raw, String... paramNames) {
        Map<String, String> named = new LinkedHashMap<>();
        int pos = 0;
        for (String[] kv : raw) {
            String key = kv[0];
            if (key == null) {
                if (pos >= paramNames.length) {
                    throw new ScheduleException(call + "(...) takes at most " + paramNames.length + " argument(s)"
                            + (paramNames.length > 0 ? " (" + String.join(", ", paramNames) + ")" : "") + ", got more");
                }
                key = paramNames[pos++];
            } else if (!List.of(paramNames).contains(key)) {
                throw new ScheduleException(call + "(...) has no argument '" + key + "'"
                        + Names.closest(key, List.of(paramNames)).map(s -> " — did you mean '" + s + "'?").orElse("; known: " + String.join(", ", paramNames)));
            }
            if (named.put(key, kv[1]) != null) throw new ScheduleException(call + "(...) sets '" + key + "' twice");
        }
        return new DslArgs(call, named, List.of());
    }

    /** {@return the call's name} */
    public String call() {
        return call;
    }

    /**
     * {@return a number argument, or {@code def} when absent}
     *
     * @param name the parameter's name
     * @param def the value when absent
     */
    public double dbl(String name, double def) {
        Double v = optDbl(name);
        return v == null ? def : v;
    }

    /**
     * {@return a number argument or {@code null}}
     *
     * @param name the parameter's name
     */
    public Double optDbl(String name) {
        String v = named.get(name);
        if (v == null) return null;
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new ScheduleException(call + "(...) argument '" + name + "' must be a finite number, got '" + v + "'");
        }
    }

    /**
     * {@return an integer argument (required)}
     *
     * @param name the parameter's name
     */
    public int integer(String name) {
        String v = named.get(name);
        if (v == null) throw new ScheduleException(call + "(...) needs the argument '" + name + "'");
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ScheduleException(call + "(...) argument '" + name + "' must be an integer, got '" + v + "'");
        }
    }

    /**
     * {@return a word argument or {@code def}}
     *
     * @param name the parameter's name
     * @param def the value when absent
     */
    public String word(String name, String def) {
        return named.getOrDefault(name, def);
    }

    /** {@return all named arguments} */
    public Map<String, String> asMap() {
        return new LinkedHashMap<>(named);
    }
}
