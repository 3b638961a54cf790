package org.sampler4j.api.schedule;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The schedule DSL's text form: a chain of calls, {@code base(...).modifier(...)...}.
 *
 * <pre>
 * base      := leading(n) | linspace(n) | trailing(n) | timesteps(t0, t1, ...) | sigmas(s0, ..., sN)
 *            | preset(id, n, key=value, ...)     id may be file:PATH (a preset file, see PresetFile)
 * modifier  := stepsOffset(k) | zeroSnr() | shift(s) | finalSigma(zero|sigma_min) | truncate(strength)
 *            | denoise(d) | convention(extra_point=BOOL, round_linspace=BOOL, timesteps=keep|round|truncate,
 *              terminal=clamp|keep_zero, lenient_steps=BOOL)
 *            | REMAP(args)   where REMAP is karras, exponential, beta, polyexponential or a registered remap
 * </pre>
 * Arguments are numbers or words, positional or {@code name=value}. Whitespace is ignored. {@link #print}
 * writes the canonical form, which parses back to an equal spec.
 */
public final class ScheduleText {
    private static final List<String> BASES = List.of("leading", "linspace", "trailing", "timesteps", "sigmas", "preset");
    private static final List<String> MODIFIERS = List.of("stepsOffset", "zeroSnr", "shift", "finalSigma", "truncate", "denoise", "convention");

    private ScheduleText() {}

    /**
     * Parses DSL text; errors name the column and the fix.
     *
     * @param text the DSL text, e.g. {@code trailing(10).karras()}
     * @return the spec
     * @throws ScheduleException naming the column and the fix
     */
    public static ScheduleSpec parse(String text) {
        if (text == null || text.isBlank()) throw new ScheduleException("empty schedule; write for example trailing(10).karras()");
        List<Call> calls = new Lexer(text).calls();
        Call first = calls.get(0);
        ScheduleSpec spec;
        try {
            spec = base(first);
        } catch (ScheduleException e) {
            throw at(first, e.getMessage());
        }
        for (int i = 1; i < calls.size(); i++) {
            Call c = calls.get(i);
            try {
                spec = modifier(spec, c);
            } catch (ScheduleException e) {
                throw at(c, e.getMessage());
            }
        }
        return spec;
    }

    private static ScheduleException at(Call c, String msg) {
        return new ScheduleException("at column " + (c.column + 1) + " (" + c.name + "): " + msg);
    }

    private static ScheduleSpec base(Call c) {
        switch (c.name) {
            case "leading": case "linspace": case "trailing":
                return Schedule.spaced(Spacing.parse(c.name), DslArgs.bind(c.name, c.args, "steps").integer("steps"));
            case "timesteps":
                return Schedule.timesteps(numbers(c));
            case "sigmas":
                return Schedule.sigmas(numbers(c));
            case "preset": {
                if (c.args.size() < 2 || c.args.get(0)[0] != null || c.args.get(1)[0] != null) {
                    throw new ScheduleException("preset(...) takes an id and a step count first, e.g. preset(ays, 10, model=sdxl)");
                }
                int steps = DslArgs.bind("preset", List.<String[]>of(c.args.get(1)), "steps").integer("steps");
                Map<String, String> opts = new LinkedHashMap<>();
                for (String[] kv : c.args.subList(2, c.args.size())) {
                    if (kv[0] == null) throw new ScheduleException("preset options must be named, e.g. model=sdxl; got '" + kv[1] + "'");
                    opts.put(kv[0], kv[1]);
                }
                return Schedule.preset(c.args.get(0)[1], steps, opts);
            }
            default:
                if (MODIFIERS.contains(c.name) || RemapRegistry.has(c.name)) {
                    throw new ScheduleException("a schedule starts with a base (" + String.join(", ", BASES) + "), e.g. trailing(10)." + c.name + "(...)");
                }
                throw new ScheduleException(Names.unknown("schedule base", c.name, BASES));
        }
    }

    private static double[] numbers(Call c) {
        double[] v = new double[c.args.size()];
        for (int i = 0; i < v.length; i++) {
            String[] kv = c.args.get(i);
            if (kv[0] != null) throw new ScheduleException(c.name + "(...) takes plain numbers, got '" + kv[0] + "=" + kv[1] + "'");
            try {
                v[i] = Double.parseDouble(kv[1]);
            } catch (NumberFormatException e) {
                throw new ScheduleException(c.name + "(...) value " + i + " is not a number: '" + kv[1] + "'");
            }
        }
        return v;
    }

    private static ScheduleSpec modifier(ScheduleSpec spec, Call c) {
        switch (c.name) {
            case "stepsOffset":
                return spec.stepsOffset(DslArgs.bind(c.name, c.args, "k").integer("k"));
            case "zeroSnr":
                DslArgs.bind(c.name, c.args);
                return spec.zeroSnr();
            case "shift":
                return spec.shift(DslArgs.bind(c.name, c.args, "s").dbl("s", Double.NaN));
            case "finalSigma":
                return spec.finalSigma(FinalSigma.parse(DslArgs.bind(c.name, c.args, "type").word("type", "")));
            case "truncate":
                return spec.truncate(DslArgs.bind(c.name, c.args, "strength").dbl("strength", Double.NaN));
            case "denoise":
                return spec.denoise(DslArgs.bind(c.name, c.args, "d").dbl("d", Double.NaN));
            case "convention": {
                DslArgs a = DslArgs.bind(c.name, c.args, "extra_point", "round_linspace", "timesteps", "terminal", "lenient_steps");
                Convention n = Convention.NATIVE;
                Convention.TimestepRounding r = switch (a.word("timesteps", n.remapTimesteps().id())) {
                    case "keep" -> Convention.TimestepRounding.KEEP;
                    case "round" -> Convention.TimestepRounding.ROUND;
                    case "truncate" -> Convention.TimestepRounding.TRUNCATE;
                    default -> throw new ScheduleException("convention timesteps must be keep, round or truncate, got '" + a.word("timesteps", "") + "'");
                };
                DiscreteNoiseModel.TerminalClamp tc = switch (a.word("terminal", "clamp")) {
                    case "clamp" -> DiscreteNoiseModel.TerminalClamp.CLAMP;
                    case "keep_zero" -> DiscreteNoiseModel.TerminalClamp.KEEP_ZERO;
                    default -> throw new ScheduleException("convention terminal must be clamp or keep_zero, got '" + a.word("terminal", "") + "'");
                };
                return spec.convention(new Convention(bool(a, "extra_point"), bool(a, "round_linspace"), r, tc, bool(a, "lenient_steps")));
            }
            default:
                if (RemapRegistry.has(c.name)) return spec.remap(RemapRegistry.create(c.name, DslArgs.bind(c.name, c.args, RemapRegistry.paramNames(c.name))));
                if (BASES.contains(c.name)) throw new ScheduleException("'" + c.name + "' is a base and must come first; a schedule has one base");
                java.util.Map<String, String> known = new java.util.TreeMap<>();
                MODIFIERS.forEach(m -> known.put(m, m));
                RemapRegistry.names().forEach(n -> known.put(n, RemapRegistry.registry().entry(n).id()));
                throw new ScheduleException(Names.unknown("schedule modifier", c.name, known));
        }
    }

    private static boolean bool(DslArgs a, String name) {
        String v = a.word(name, "false");
        if (v.equals("true")) return true;
        if (v.equals("false")) return false;
        throw new ScheduleException("convention " + name + " must be true or false, got '" + v + "'");
    }

    /**
     * {@return the canonical text of a spec (stage order)}
     *
     * @param s the spec
     */
    public static String print(ScheduleSpec s) {
        StringBuilder b = new StringBuilder();
        ScheduleSpec.Base base = s.base;
        if (base instanceof ScheduleSpec.Spaced sp) b.append(sp.spacing().id()).append('(').append(sp.steps()).append(')');
        else if (base instanceof ScheduleSpec.Timesteps t) b.append("timesteps(").append(nums(t.values())).append(')');
        else if (base instanceof ScheduleSpec.Sigmas g) b.append("sigmas(").append(nums(g.values())).append(')');
        else {
            ScheduleSpec.Preset p = (ScheduleSpec.Preset) base;
            b.append("preset(").append(p.id()).append(", ").append(p.steps());
            new java.util.TreeMap<>(p.options()).forEach((k, v) -> b.append(", ").append(k).append('=').append(v));
            b.append(')');
        }
        if (s.stepsOffset != 0) b.append(".stepsOffset(").append(s.stepsOffset).append(')');
        if (s.zeroSnr) b.append(".zeroSnr()");
        if (s.shift != null) b.append(".shift(").append(num(s.shift)).append(')');
        if (s.remap != null) {
            b.append('.').append(s.remap.name()).append('(');
            List<String> parts = new ArrayList<>();
            s.remap.nonDefaultParams().forEach((k, v) -> parts.add(k + "=" + (v instanceof Double d ? num(d) : v)));
            b.append(String.join(", ", parts)).append(')');
        }
        if (s.finalSigma != null) b.append(".finalSigma(").append(s.finalSigma.id()).append(')');
        if (s.denoise != null) b.append(".denoise(").append(num(s.denoise)).append(')');
        if (s.truncate != null) b.append(".truncate(").append(num(s.truncate)).append(')');
        if (!s.convention.isNative()) {
            Convention c = s.convention;
            b.append(".convention(extra_point=").append(c.extraPoint()).append(", round_linspace=").append(c.roundLinspace())
                    .append(", timesteps=").append(c.remapTimesteps().id()).append(", terminal=")
                    .append(c.terminalClamp() == DiscreteNoiseModel.TerminalClamp.CLAMP ? "clamp" : "keep_zero")
                    .append(", lenient_steps=").append(c.lenientSteps()).append(')');
        }
        return b.toString();
    }

    private static String nums(double[] v) {
        List<String> parts = new ArrayList<>();
        for (double d : v) parts.add(num(d));
        return String.join(", ", parts);
    }

    /** Shortest plain decimal that parses back to {@code v}. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return new BigDecimal(Double.toString(v)).toPlainString();
    }

    private static final class Call {
        final String name;
        final int column;
        final List<String[]> args = new ArrayList<>();

        Call(String name, int column) {
            this.name = name;
            this.column = column;
        }
    }

    private static final class Lexer {
        private final String s;
        private int i;

        Lexer(String s) {
            this.s = s;
        }

        List<Call> calls() {
            List<Call> out = new ArrayList<>();
            while (true) {
                skip();
                int col = i;
                String name = word();
                if (name.isEmpty()) throw error("expected a call such as trailing(10)");
                Call c = new Call(name, col);
                skip();
                expect('(', "after '" + name + "' (write " + name + "(...))");
                skip();
                if (peek() != ')') {
                    while (true) {
                        skip();
                        String a = token();
                        skip();
                        if (peek() == '=') {
                            i++;
                            skip();
                            c.args.add(new String[] {a, token()});
                        } else {
                            c.args.add(new String[] {null, a});
                        }
                        skip();
                        if (peek() == ',') { i++; continue; }
                        break;
                    }
                }
                expect(')', "to close " + name + "(");
                out.add(c);
                skip();
                if (i >= s.length()) return out;
                expect('.', "between calls");
            }
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private String word() {
            int st = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
            return s.substring(st, i);
        }

        private String token() {
            int st = i;
            // '/', ':', '\\' and '~' for paths: preset(file:out/fit.json, 8)
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || "_.-+/:\\~".indexOf(s.charAt(i)) >= 0)) i++;
            if (st == i) throw error("expected a value");
            return s.substring(st, i);
        }

        private void expect(char ch, String where) {
            if (peek() != ch) throw error("expected '" + ch + "' " + where + (i < s.length() ? ", found '" + s.charAt(i) + "'" : ", found the end"));
            i++;
        }

        private ScheduleException error(String msg) {
            return new ScheduleException("at column " + (i + 1) + ": " + msg + "\n  " + s + "\n  " + " ".repeat(Math.min(i, s.length())) + "^");
        }
    }
}
