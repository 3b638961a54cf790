package org.sampler4j.host.recipe;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sampler4j.api.schedule.Names;
import org.sampler4j.host.recipe.YamlTree.Entry;
import org.sampler4j.host.recipe.YamlTree.ListNode;
import org.sampler4j.host.recipe.YamlTree.MapNode;
import org.sampler4j.host.recipe.YamlTree.Node;
import org.sampler4j.host.recipe.YamlTree.Scalar;

/**
 * Strict binding of a located YAML tree into records, collecting every mistake instead of stopping at the first:
 * unknown keys (with a "did you mean"), wrong types, numbers out of {@link Schema.Range}, missing
 * {@link Schema.Required} keys. A component that cannot be bound is left null and binding goes on. Records, their
 * component types and the {@link Schema} annotations are the only description of the format: the same metadata drives
 * {@link #toTree writing} a record back, so reading and writing cannot drift apart.
 *
 * <p>Supported component types: {@code String}, {@code Integer}, {@code Long}, {@code Double}, {@code Boolean},
 * {@code List<T>} of those or of records, {@code Map<String, Object>} (free-form scalars, e.g. sampler options) and
 * records. Strings are never coerced to numbers or back ({@code steps: "10"} is a mistake).
 */
final class Binder {
    /** Suffix of the path under which the key of a free-form map entry is recorded ({@code sampler_options.eta#key}). */
    static final String KEY = "#key";
    private final List<Problem> problems;
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    Binder(List<Problem> problems) {
        this.problems = problems;
    }

    /** The node bound at every key path ({@code sweep.schedule[1]}), for checks after binding. */
    Map<String, Node> nodes() {
        return nodes;
    }

    /** Binds the document root. */
    <T extends Record> T bindRoot(Node root, Class<T> type) {
        return type.cast(bind(root, type, null, ""));
    }

    static String key(RecordComponent c) {
        Schema.Key k = c.getAnnotation(Schema.Key.class);
        return k != null ? k.value() : snake(c.getName());
    }

    static String snake(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private void problem(Node n, String path, String message) {
        problems.add(new Problem(n.loc(), path, message));
    }

    private Object bind(Node n, Type type, RecordComponent c, String path) {
        nodes.put(path, n);
        Class<?> raw = raw(type);
        if (n instanceof Scalar s && s.value() == null) return null;
        if (raw.isRecord()) return record(n, raw, path);
        if (raw == List.class) {
            Type item = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<Node> items;
            if (n instanceof ListNode l) items = l.items();
            else if (c != null && c.isAnnotationPresent(Schema.OneOrMany.class) && n instanceof Scalar) items = List.of(n);
            else {
                problem(n, path, "expected a list of " + plural(item) + " (e.g. [" + example(item) + "]), got " + n.describe());
                return null;
            }
            List<Object> out = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < items.size(); i++) {
                Node it = items.get(i);
                String p = n instanceof ListNode ? path + "[" + i + "]" : path;
                if (it instanceof Scalar s && s.value() == null) {
                    problem(it, p, "expected " + a(item) + ", got nothing (null)");
                    ok = false;
                    continue;
                }
                Object v = bind(it, item, c, p);
                if (v == null) ok = false;
                else out.add(v);
            }
            return ok ? List.copyOf(out) : null;
        }
        if (raw == Map.class) {
            if (!(n instanceof MapNode m)) {
                problem(n, path, "expected a map of names to values (e.g. {eta: 0.5}), got " + n.describe());
                return null;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            freeForm(m, path, "", out);
            return out;
        }
        if (!(n instanceof Scalar s)) {
            problem(n, path, "expected " + a(type) + ", got " + n.describe());
            return null;
        }
        Object v = s.value();
        Schema.Range range = c == null ? null : c.getAnnotation(Schema.Range.class);
        if (raw == String.class) {
            if (v instanceof String str) return str;
        } else if (raw == Boolean.class) {
            if (v instanceof Boolean b) return b;
        } else if (raw == Integer.class || raw == Long.class) {
            if (v instanceof Long || v instanceof BigInteger) {
                BigInteger b = v instanceof BigInteger bi ? bi : BigInteger.valueOf((Long) v);
                long lo = raw == Integer.class ? Integer.MIN_VALUE : Long.MIN_VALUE;
                long hi = raw == Integer.class ? Integer.MAX_VALUE : Long.MAX_VALUE;
                if (range != null) {
                    lo = (long) Math.max(lo, Math.ceil(range.min()));
                    hi = (long) Math.min(hi, Math.floor(range.max()));
                }
                if (b.compareTo(BigInteger.valueOf(lo)) < 0 || b.compareTo(BigInteger.valueOf(hi)) > 0) {
                    problem(n, path, "value " + b + " is out of range: expected an integer from " + lo + " to " + hi);
                    return null;
                }
                return raw == Integer.class ? (Object) b.intValue() : (Object) b.longValue();
            }
            if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
                problem(n, path, "expected an integer, got " + s.describe() + "; write it without a decimal point");
                return null;
            }
        } else if (raw == Double.class) {
            if (v instanceof Number num) {
                double d = num.doubleValue();
                if (!Double.isFinite(d)) {
                    problem(n, path, "expected a finite number, got " + d);
                    return null;
                }
                if (range != null && (d < range.min() || d > range.max())) {
                    problem(n, path, "value " + Compact.number(d) + " is out of range: expected a number " + describe(range));
                    return null;
                }
                return d;
            }
        } else {
            throw new IllegalStateException("unsupported recipe component type " + type);
        }
        String hint = v instanceof String str && raw != String.class && looksNumeric(str) ? "; remove the quotes" : "";
        problem(n, path, "expected " + a(type) + ", got " + s.describe() + hint);
        return null;
    }

    /**
     * The entries of a free-form map: scalars by name, and one level of nested maps flattened to {@code NAME.KEY}
     * (per-sampler options: {@code sampler_options: {euler_ancestral: {eta: 0.5}}} is {@code euler_ancestral.eta}).
     */
    private void freeForm(MapNode m, String path, String prefix, Map<String, Object> out) {
        for (Entry e : m.entries()) {
            String p = child(path, e.key());
            nodes.put(p, e.value());
            nodes.put(p + KEY, new Scalar(e.keyLoc(), e.key(), -1));
            if (e.value() instanceof Scalar s && s.value() != null) out.put(prefix + e.key(), s.value() instanceof BigInteger b ? b.doubleValue() : s.value());
            else if (e.value() instanceof MapNode inner && prefix.isEmpty()) freeForm(inner, p, e.key() + ".", out);
            else problem(e.value(), p, "expected a number, text or true/false" + (prefix.isEmpty() ? " (or a map of one sampler's options)" : "") + ", got " + e.value().describe());
        }
    }

    private static boolean looksNumeric(String s) {
        return s.matches("[-+]?[0-9.eE+-]+") || s.equals("true") || s.equals("false");
    }

    private static String describe(Schema.Range r) {
        if (r.min() == Double.NEGATIVE_INFINITY) return "<= " + Compact.number(r.max());
        if (r.max() == Double.POSITIVE_INFINITY) return ">= " + Compact.number(r.min());
        return "from " + Compact.number(r.min()) + " to " + Compact.number(r.max());
    }

    private Object record(Node n, Class<?> type, String path) {
        RecordComponent[] comps = type.getRecordComponents();
        if (n instanceof Scalar s) {
            Method sh = shorthand(type);
            if (sh != null) {
                try {
                    return sh.invoke(null, s.value());
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof IllegalArgumentException iae) {
                        problem(n, path, iae.getMessage());
                        return null;
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        if (!(n instanceof MapNode m)) {
            problem(n, path, "expected a map with keys " + keys(comps) + (shorthand(type) != null ? " (or one value)" : "") + ", got " + n.describe());
            return null;
        }
        List<String> known = new ArrayList<>();
        for (RecordComponent c : comps) known.add(key(c));
        for (Entry e : m.entries()) {
            if (!known.contains(e.key())) {
                problems.add(new Problem(e.keyLoc(), child(path, e.key()), Names.unknown("key", e.key(), known).replace("; known:", "; known keys" + (path.isEmpty() ? "" : " of " + path) + ":")));
            }
        }
        Object[] args = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            RecordComponent c = comps[i];
            types[i] = c.getType();
            Entry e = m.entry(key(c));
            if (e == null || e.value() instanceof Scalar s && s.value() == null) {
                Schema.Required req = c.getAnnotation(Schema.Required.class);
                if (req != null) problem(m, path, "missing key '" + key(c) + "' (" + req.value() + ")");
                continue;
            }
            args[i] = bind(e.value(), c.getGenericType(), c, child(path, key(c)));
        }
        try {
            var ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                problem(n, path, iae.getMessage());
                return null;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Method shorthand(Class<?> type) {
        try {
            Method m = type.getDeclaredMethod("shorthand", Object.class);
            return Modifier.isStatic(m.getModifiers()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static String keys(RecordComponent[] comps) {
        List<String> k = new ArrayList<>();
        for (RecordComponent c : comps) k.add(key(c));
        return String.join(", ", k);
    }

    private static Class<?> raw(Type t) {
        return t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
    }

    private static String a(Type t) {
        Class<?> r = raw(t);
        if (r == String.class) return "text";
        if (r == Integer.class || r == Long.class) return "an integer";
        if (r == Double.class) return "a number";
        if (r == Boolean.class) return "true or false";
        if (r == List.class) return "a list";
        return "a map";
    }

    private static String plural(Type t) {
        Class<?> r = raw(t);
        if (r == String.class) return "texts";
        if (r == Integer.class || r == Long.class) return "integers";
        if (r == Double.class) return "numbers";
        return "values";
    }

    private static String example(Type t) {
        Class<?> r = raw(t);
        if (r == String.class) return "a, b";
        if (r == Double.class) return "1, 2.5";
        return "1, 2";
    }

    /** A record as plain maps, lists and scalars, nulls left out, shorthands used where a record offers one. */
    static Object toTree(Object value) {
        if (value == null) return null;
        if (value instanceof Record r) {
            try {
                Method sh = r.getClass().getDeclaredMethod("shorthandValue");
                sh.setAccessible(true);
                Object s = sh.invoke(r);
                if (s != null) return s;
            } catch (NoSuchMethodException e) {
                // no shorthand
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    Method acc = c.getAccessor();
                    acc.setAccessible(true);
                    Object v = toTree(acc.invoke(r));
                    if (v != null) out.put(key(c), v);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }
        if (value instanceof List<?> l) return l.stream().map(Binder::toTree).toList();
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), toTree(v)));
            return out;
        }
        return value;
    }
}
