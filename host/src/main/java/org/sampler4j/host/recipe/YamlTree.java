package org.sampler4j.host.recipe;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree whose every key and value knows its {@link Loc}, read with Jackson's YAML parser. Jackson's
 * own {@code JsonNode} forgets locations and its data binding stops at the first mistake; recipes need both the
 * location of every value (for checks after binding, such as an unknown sampler id) and every mistake of a file in one
 * pass. Duplicate keys are reported (all of them) and the first value kept; aliases and anchors are refused.
 */
public final class YamlTree {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlTree() {}

    /** A YAML value. */
    public sealed interface Node permits MapNode, ListNode, Scalar {
        /** Where the value starts. */
        Loc loc();

        /** What the value is, for "got ..." in messages. */
        String describe();
    }

    /**
     * A key and its value.
     *
     * @param key the key
     * @param keyLoc where the key starts
     * @param value the value
     */
    public record Entry(String key, Loc keyLoc, Node value) {}

    /**
     * A mapping, in file order.
     *
     * @param loc where it starts
     * @param entries its entries, keys unique
     */
    public record MapNode(Loc loc, List<Entry> entries) implements Node {
        /** The entry for {@code key}, or null. */
        public Entry entry(String key) {
            for (Entry e : entries) if (e.key().equals(key)) return e;
            return null;
        }

        /** A copy without {@code key}. */
        public MapNode without(String key) {
            return new MapNode(loc, entries.stream().filter(e -> !e.key().equals(key)).toList());
        }

        @Override
        public String describe() {
            return "a map";
        }
    }

    /**
     * A sequence.
     *
     * @param loc where it starts
     * @param items its items
     */
    public record ListNode(Loc loc, List<Node> items) implements Node {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * A scalar: a {@link String}, {@link Long}, {@link java.math.BigInteger}, {@link Double}, {@link Boolean} or
     * {@code null} ({@code ~}, {@code null} or nothing).
     *
     * @param loc where it starts (its opening quote, if quoted)
     * @param value the typed value
     * @param contentColumn the column of the first character of the text when it is on one line (after an opening
     *     quote), else -1: lets a column inside the text (a schedule DSL error) be located in the file
     */
    public record Scalar(Loc loc, Object value, int contentColumn) implements Node {
        /** The location of character {@code index} (0-based) of the text, when it can be known, else {@link #loc}. */
        public Loc at(int index) {
            return contentColumn < 0 ? loc : new Loc(loc.file(), loc.line(), contentColumn + index);
        }

        @Override
        public String describe() {
            if (value == null) return "nothing (null)";
            if (value instanceof String s) return "the text '" + s + "'";
            if (value instanceof Boolean) return "the boolean " + value;
            return "the number " + value;
        }
    }

    /**
     * Parses {@code text}. A syntax error is added to {@code problems} (with the position SnakeYAML reports for the
     * problem itself, not for its context) and ends the parse: the result is then null, as it is for an empty document.
     */
    public static Node parse(String text, String file, List<Problem> problems) {
        String[] lines = text.split("\n", -1);
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) return null;
            Node n = new Reader(p, file, lines, problems).value();
            return n;
        } catch (JsonProcessingException e) {
            problems.add(syntaxError(e, file));
            return null;
        } catch (IOException e) {
            problems.add(new Problem(new Loc(file, 1, 1), "", "cannot read: " + e.getMessage()));
            return null;
        }
    }

    private static Problem syntaxError(JsonProcessingException e, String file) {
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
            String what = m.getProblem() == null ? "" : m.getProblem();
            if (m.getContext() != null) what = m.getContext() + ": " + what;
            return new Problem(new Loc(file, m.getProblemMark().getLine() + 1, m.getProblemMark().getColumn() + 1), "",
                    "YAML syntax error: " + what.replaceAll("\\s+", " ").trim() + " (check the indentation, colons and brackets)");
        }
        JsonLocation l = e.getLocation();
        String msg = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage().lines().findFirst().orElse("");
        return new Problem(new Loc(file, l == null ? 1 : Math.max(1, l.getLineNr()), l == null ? 1 : Math.max(1, l.getColumnNr())), "", "YAML syntax error: " + msg);
    }

    /** Recursive descent over Jackson's tokens; the parser stands on the value's first token. */
    private record Reader(JsonParser p, String file, String[] lines, List<Problem> problems) {
        Loc loc() {
            JsonLocation l = p.currentTokenLocation();
            return new Loc(file, l.getLineNr(), l.getColumnNr());
        }

        Node value() throws IOException {
            Loc loc = loc();
            if (p instanceof YAMLParser y && y.isCurrentAlias()) {
                problems.add(new Problem(loc, "", "YAML anchors and aliases (&name, *name) are not supported in recipes; use 'extends: base.yaml' to share settings"));
                return new Scalar(loc, null, -1);
            }
            JsonToken t = p.currentToken();
            switch (t) {
                case START_OBJECT: {
                    List<Entry> entries = new ArrayList<>();
                    Map<String, Loc> seen = new HashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        Loc keyLoc = loc();
                        p.nextToken();
                        Node v = value();
                        Loc first = seen.putIfAbsent(key, keyLoc);
                        if (first != null) {
                            problems.add(new Problem(keyLoc, key, "duplicate key (first given at line " + first.line() + "); keep one of them"));
                        } else {
                            entries.add(new Entry(key, keyLoc, v));
                        }
                    }
                    return new MapNode(loc, List.copyOf(entries));
                }
                case START_ARRAY: {
                    List<Node> items = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) items.add(value());
                    return new ListNode(loc, List.copyOf(items));
                }
                case VALUE_STRING:
                    return scalar(loc, p.getText());
                case VALUE_NUMBER_INT: {
                    Number n = p.getNumberValue();
                    return scalar(loc, n instanceof Integer || n instanceof Short || n instanceof Byte ? Long.valueOf(n.longValue()) : n);
                }
                case VALUE_NUMBER_FLOAT:
                    return scalar(loc, p.getDoubleValue());
                case VALUE_TRUE:
                    return scalar(loc, Boolean.TRUE);
                case VALUE_FALSE:
                    return scalar(loc, Boolean.FALSE);
                case VALUE_NULL:
                    return new Scalar(loc, null, -1);
                default:
                    problems.add(new Problem(loc, "", "unsupported YAML value (" + t + ")"));
                    return new Scalar(loc, null, -1);
            }
        }

        private Scalar scalar(Loc loc, Object value) {
            int column = -1;
            String text = String.valueOf(value);
            if (!text.contains("\n") && loc.line() - 1 < lines.length) {
                String line = lines[loc.line() - 1];
                int i = loc.column() - 1;
                if (i < line.length()) {
                    char c = line.charAt(i);
                    if (c == '\'' || c == '"') column = loc.column() + 1;
                    else if (c != '|' && c != '>') column = loc.column();
                }
            }
            return new Scalar(loc, value, column);
        }
    }

    /**
     * {@code over} laid over {@code base}: maps merge key by key (recursively), anything else in {@code over} replaces
     * the base value; a null in {@code over} removes the key. Locations stay those of the file each value came from.
     */
    public static Node merge(Node base, Node over) {
        if (!(base instanceof MapNode b) || !(over instanceof MapNode o)) return over;
        Map<String, Entry> merged = new LinkedHashMap<>();
        for (Entry e : b.entries()) merged.put(e.key(), e);
        for (Entry e : o.entries()) {
            Entry prev = merged.get(e.key());
            if (e.value() instanceof Scalar s && s.value() == null) merged.remove(e.key());
            else merged.put(e.key(), prev == null ? e : new Entry(e.key(), e.keyLoc(), merge(prev.value(), e.value())));
        }
        return new MapNode(o.loc(), List.copyOf(merged.values()));
    }
}
