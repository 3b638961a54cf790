package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sampler4j.api.preset.Presets;
import org.sampler4j.api.preset.SchedulePreset;
import org.sampler4j.api.schedule.NoiseModels;
import org.sampler4j.api.schedule.generators.ComfyModelSampling;
import org.sampler4j.api.schedule.generators.ComfySchedulers;
import org.sampler4j.api.schedule.generators.Dtype;
import org.sampler4j.api.schedule.generators.KDiffusionSigmas;
import org.sampler4j.api.schedule.generators.LogLinear;

/**
 * k-diffusion / ComfyUI {@code sigmas.json} ({@code shared/golden/kdiffusion/README.md}): every entry of the sections
 * {@code kdiffusion_functions}, {@code comfyui_model_sampling_discrete}, {@code comfyui_schedulers},
 * {@code comfyui_ksampler_sigmas}, {@code comfyui_beta_scheduler_params}, {@code comfyui_sd_turbo_scheduler},
 * {@code align_your_steps} and {@code gits}, element-wise. Recognised by the presence of
 * {@code kdiffusion_functions} and {@code comfyui_model_sampling_discrete}. The ComfyUI table all ComfyUI sections
 * use is rebuilt from the file's {@code beta_schedule} description ({@link #table}).
 *
 * <p>Tolerances (and what sampler4j measures against this file):
 * <ul>
 *   <li>float64 results (k-diffusion {@code float64} columns, AYS {@code loglinear_interp_float64}): relative
 *       {@value #F64_RTOL}, the README's figure. Both sides evaluate the same float64 formulas on the same
 *       {@code torch.linspace} layout; only {@code pow}/{@code exp}/{@code log}/{@code expm1} may differ by an ulp,
 *       amplified at most by rho = 7 in Karras' {@code ^rho} (measured: 9.4e-16).</li>
 *   <li>float32 results (k-diffusion {@code float32} columns, ComfyUI scheduler, KSampler, SD-Turbo, AYS and GITS
 *       outputs, the discrete table, {@code sigma(t)}, {@code percent_to_sigma}): at most {@value #F32_ULPS}
 *       float32 ulps per element. sampler4j emulates every float32 operation, but torch's vectorised SLEEF
 *       {@code expf}/{@code powf}/{@code tanf} are 1-ulp accurate rather than correctly rounded, and k-diffusion's
 *       float32 {@code sqrt(exp(x) - 1)} in {@code get_sigmas_vp} cancels near {@code eps_s} (measured: 2 ulps
 *       there, 1 ulp everywhere else; the discrete table is bit-exact).</li>
 *   <li>Integers ({@code timestep(sigma)}), lengths, the beta scheduler's rounded table indices and the AYS/GITS
 *       tables themselves: exact. NaN (the golden's {@code null}: {@code kl_optimal} at one step divides 0 by 0)
 *       must be NaN.</li>
 * </ul>
 */
final class KdiffusionSigmasChecker implements GoldenChecker {
    static final double F64_RTOL = 1e-13;
    static final int F32_ULPS = 4;

    @Override
    public String format() {
        return "kdiffusion-sigmas";
    }

    @Override
    public boolean accepts(JsonNode root) {
        return root.isObject() && root.has("kdiffusion_functions") && root.has("comfyui_model_sampling_discrete");
    }

    @Override
    public List<CaseResult> check(JsonNode root) {
        List<CaseResult> out = new ArrayList<>();
        ComfyModelSampling ms;
        try {
            ms = table(root.path("comfyui_model_sampling_discrete").path("beta_schedule").asText());
        } catch (IllegalArgumentException e) {
            out.add(CaseResult.fail("comfyui_model_sampling_discrete/beta_schedule", e.getMessage()));
            return out;
        }
        int i = 0;
        for (JsonNode c : root.path("kdiffusion_functions")) {
            String id = "kdiffusion_functions/" + i++ + "/" + c.path("library").asText() + "/" + c.path("fn").asText() + "/" + args(c.path("args"));
            out.add(run(id, () -> kdiffusionFunction(c)));
        }
        modelSampling(root.path("comfyui_model_sampling_discrete"), ms, out);
        i = 0;
        for (JsonNode c : root.path("comfyui_schedulers")) {
            String id = "comfyui_schedulers/" + i++ + "/" + c.path("scheduler").asText() + "/steps=" + c.path("steps").asInt();
            out.add(run(id, () -> f32("sigmas", c.get("sigmas"),
                    ComfySchedulers.calculateSigmas(ms, c.path("scheduler").asText(), c.path("steps").asInt()))));
        }
        i = 0;
        for (JsonNode c : root.path("comfyui_ksampler_sigmas")) {
            String scheduler = c.path("scheduler").asText();
            int steps = c.path("steps").asInt();
            double denoise = c.path("denoise").asDouble();
            String id = "comfyui_ksampler_sigmas/" + i++ + "/" + scheduler + "/steps=" + steps + "/denoise=" + denoise + "/" + c.path("sampler").asText();
            out.add(run(id, () -> {
                String d = f32("ksampler_sigmas", c.get("ksampler_sigmas"),
                        ComfySchedulers.ksampler(ms, scheduler, c.path("sampler").asText(), steps, denoise));
                if (d == null && c.has("basic_scheduler_node_sigmas")) {
                    d = f32("basic_scheduler_node_sigmas", c.get("basic_scheduler_node_sigmas"), ComfySchedulers.basicScheduler(ms, scheduler, steps, denoise));
                }
                return d;
            }));
        }
        i = 0;
        for (JsonNode c : root.path("comfyui_beta_scheduler_params")) {
            String id = "comfyui_beta_scheduler_params/" + i++ + "/alpha=" + c.path("alpha").asDouble() + ",beta=" + c.path("beta").asDouble()
                    + "/steps=" + c.path("steps").asInt();
            out.add(run(id, () -> f32("sigmas", c.get("sigmas"),
                    ComfySchedulers.beta(ms, c.path("steps").asInt(), c.path("alpha").asDouble(), c.path("beta").asDouble()))));
        }
        i = 0;
        for (JsonNode c : root.path("comfyui_sd_turbo_scheduler")) {
            String id = "comfyui_sd_turbo_scheduler/" + i++ + "/steps=" + c.path("steps").asInt() + "/denoise=" + c.path("denoise").asDouble();
            out.add(run(id, () -> f32("sigmas", c.get("sigmas"), ComfySchedulers.sdTurbo(ms, c.path("steps").asInt(), c.path("denoise").asDouble()))));
        }
        alignYourSteps(root.path("align_your_steps"), out);
        gits(root.path("gits"), out);
        return out;
    }

    private static final Pattern SCALED = Pattern.compile("linspace\\(sqrt\\(([-+0-9.eE]+)\\),\\s*sqrt\\(([-+0-9.eE]+)\\),\\s*(\\d+)[^)]*\\)\\s*\\*\\*\\s*2");
    private static final Pattern PLAIN = Pattern.compile("linspace\\(([-+0-9.eE]+),\\s*([-+0-9.eE]+),\\s*(\\d+)[^)]*\\)");

    /**
     * The ComfyUI table the file describes in {@code beta_schedule}: {@code linspace(sqrt(a), sqrt(b), N, float64)**2}
     * (ComfyUI "linear") or {@code linspace(a, b, N, float64)} ("sqrt_linear").
     */
    static ComfyModelSampling table(String betaSchedule) {
        Matcher m = SCALED.matcher(betaSchedule);
        if (m.find()) return ComfyModelSampling.linear(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Integer.parseInt(m.group(3)));
        m = PLAIN.matcher(betaSchedule);
        if (m.find()) return ComfyModelSampling.sqrtLinear(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Integer.parseInt(m.group(3)));
        throw new IllegalArgumentException("cannot read the beta schedule '" + betaSchedule + "'; expected linspace(sqrt(a), sqrt(b), N, float64)**2 "
                + "or linspace(a, b, N, float64) — extend KdiffusionSigmasChecker.table");
    }

    private static CaseResult run(String id, Supplier<String> check) {
        return GoldenChecker.guard(id, () -> {
            String d = check.get();
            return d == null ? CaseResult.pass(id) : CaseResult.fail(id, d);
        });
    }

    private static String args(JsonNode a) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : a.properties()) {
            parts.add(e.getKey() + "=" + e.getValue().asText());
        }
        return String.join(",", parts);
    }

    private static String kdiffusionFunction(JsonNode c) {
        String fn = c.path("fn").asText();
        boolean comfy = c.path("library").asText().equals("comfyui");
        JsonNode a = c.path("args");
        String d = null;
        for (Dtype dtype : Dtype.values()) {
            String column = dtype == Dtype.FLOAT32 ? "float32" : "float64";
            if (!c.has(column)) continue;
            double[] mine = kdiffusionFunction(fn, a, dtype, comfy);
            if (dtype == Dtype.FLOAT64) d = Compare.close(column, Compare.array(c.get(column)), mine, F64_RTOL, 0);
            else d = f32(column, c.get(column), mine);
            if (d != null) return d;
        }
        return null;
    }

    private static double[] kdiffusionFunction(String fn, JsonNode a, Dtype dtype, boolean comfy) {
        int n = a.path("n").asInt();
        switch (fn) {
            case "get_sigmas_karras":
                return KDiffusionSigmas.karras(n, a.path("sigma_min").asDouble(), a.path("sigma_max").asDouble(), a.path("rho").asDouble(), dtype);
            case "get_sigmas_exponential":
                return KDiffusionSigmas.exponential(n, a.path("sigma_min").asDouble(), a.path("sigma_max").asDouble(), dtype);
            case "get_sigmas_polyexponential":
                return KDiffusionSigmas.polyexponential(n, a.path("sigma_min").asDouble(), a.path("sigma_max").asDouble(), a.path("rho").asDouble(), dtype);
            case "get_sigmas_vp":
                return KDiffusionSigmas.vp(n, a.path("beta_d").asDouble(), a.path("beta_min").asDouble(), a.path("eps_s").asDouble(), dtype, comfy);
            case "get_sigmas_laplace":
                return KDiffusionSigmas.laplace(n, a.path("sigma_min").asDouble(), a.path("sigma_max").asDouble(), a.path("mu").asDouble(),
                        a.path("beta").asDouble(), dtype);
            default:
                throw new IllegalArgumentException("unknown k-diffusion function '" + fn + "'");
        }
    }

    private static void modelSampling(JsonNode m, ComfyModelSampling ms, List<CaseResult> out) {
        String p = "comfyui_model_sampling_discrete/";
        out.add(run(p + "sigmas_float32", () -> f32("sigmas_float32", m.get("sigmas_float32"), ms.sigmas())));
        out.add(run(p + "log_sigmas_float32", () -> f32("log_sigmas_float32", m.get("log_sigmas_float32"), ms.logSigmas())));
        out.add(run(p + "sigma_min_max", () -> f32("sigma_min/sigma_max", new double[] {Compare.num(m.get("sigma_min")), Compare.num(m.get("sigma_max"))},
                new double[] {ms.sigmaMin(), ms.sigmaMax()})));
        for (JsonNode c : m.path("percent_to_sigma")) {
            double pc = c.path("percent").asDouble();
            out.add(run(p + "percent_to_sigma/" + pc, () -> f32("sigma", new double[] {Compare.num(c.get("sigma"))}, new double[] {ms.percentToSigma(pc)})));
        }
        for (JsonNode c : m.path("timestep_of_sigma")) {
            double s = c.path("sigma").asDouble();
            out.add(run(p + "timestep_of_sigma/" + s, () -> Compare.exact("timestep", new double[] {c.path("timestep").asInt()}, new double[] {ms.timestep(s)})));
        }
        for (JsonNode c : m.path("sigma_of_timestep")) {
            double t = c.path("timestep").asDouble();
            out.add(run(p + "sigma_of_timestep/" + t, () -> f32("sigma", new double[] {Compare.num(c.get("sigma"))}, new double[] {ms.sigma(t)})));
        }
    }

    /**
     * ComfyUI's {@code AlignYourStepsScheduler}, through the installed {@code ays} preset: its published
     * {@code noise_levels/MODEL} tables, its sigmas for {@code model} and {@code denoise}, and the float64 log-linear
     * interpolation of the levels ({@link LogLinear#interp}) that the node computes before the float32 cast.
     */
    private static void alignYourSteps(JsonNode ays, List<CaseResult> out) {
        for (Map.Entry<String, JsonNode> e : ays.path("noise_levels").properties()) {
            out.add(run("align_your_steps/noise_levels/" + e.getKey(), () -> Compare.exact("noise_levels", Compare.array(e.getValue()),
                    table("ays", "noise_levels/" + e.getKey().toLowerCase(Locale.ROOT)))));
        }
        int i = 0;
        for (JsonNode c : ays.path("cases")) {
            int steps = c.path("steps").asInt();
            double denoise = c.path("denoise").asDouble();
            String model = c.path("model_type").asText();
            String id = "align_your_steps/" + i++ + "/" + model + "/steps=" + steps + "/denoise=" + denoise;
            out.add(run(id, () -> {
                double[] sigmas = preset("ays").sigmas(PRESET_MODEL, steps, Map.of("model", model, "denoise", Double.toString(denoise)));
                String d = f32("sigmas_float32", c.get("sigmas_float32"), sigmas);
                if (d != null) return d;
                double[] levels = table("ays", "noise_levels/" + model.toLowerCase(Locale.ROOT));
                double[] interp = steps + 1 == levels.length ? null : LogLinear.interp(levels, steps + 1);
                JsonNode expected = c.get("loglinear_interp_float64");
                if (expected == null || expected.isNull()) return interp == null ? null : "loglinear_interp_float64: expected none (10 steps use the levels)";
                if (interp == null) return "loglinear_interp_float64: not computed";
                return Compare.close("loglinear_interp_float64", Compare.array(expected), interp, F64_RTOL, 0);
            }));
        }
    }

    /** ComfyUI's {@code GITSScheduler}, through the installed {@code gits} preset: its table rows and its sigmas. */
    private static void gits(JsonNode g, List<CaseResult> out) {
        for (Map.Entry<String, JsonNode> e : g.path("noise_levels").properties()) {
            double coeff = Double.parseDouble(e.getKey());
            out.add(run("gits/noise_levels/" + e.getKey(), () -> {
                JsonNode rows = e.getValue();
                if (rows.size() != 19) return "expected 19 rows in the golden table, found " + rows.size();
                for (int k = 0; k < rows.size(); k++) {
                    String name = String.format(Locale.ROOT, "coeff=%.2f/steps=%d", coeff, k + 2);
                    String d = Compare.exact("row " + k + " (" + (k + 2) + " steps)", Compare.array(rows.get(k)), table("gits", name));
                    if (d != null) return d;
                }
                return null;
            }));
        }
        int i = 0;
        for (JsonNode c : g.path("cases")) {
            double coeff = c.path("coeff").asDouble();
            int steps = c.path("steps").asInt();
            double denoise = c.path("denoise").asDouble();
            String id = "gits/" + i++ + "/coeff=" + coeff + "/steps=" + steps + "/denoise=" + denoise;
            out.add(run(id, () -> f32("sigmas_float32", c.get("sigmas_float32"),
                    preset("gits").sigmas(PRESET_MODEL, steps, Map.of("coeff", Double.toString(coeff), "denoise", Double.toString(denoise))))));
        }
    }

    /** The noise model handed to table presets (ComfyUI's AYS and GITS nodes ignore the model's own sigmas). */
    private static final org.sampler4j.api.schedule.NoiseModel PRESET_MODEL = NoiseModels.named("sd15");

    /** The installed preset {@code id}; a {@link Compare.Skip} naming the plugin when it is not installed. */
    static SchedulePreset preset(String id) {
        if (!Presets.registry().has(id)) {
            throw new Compare.Skip("the preset '" + id + "' is not installed (it comes with the ays plugin: put sampler4j-plugin-ays in the "
                    + "plugins folder)");
        }
        return Presets.get(id);
    }

    /** A published table of the installed preset {@code id}. */
    static double[] table(String id, String name) {
        double[] t = preset(id).tables().get(name);
        if (t == null) throw new IllegalStateException("the preset '" + id + "' publishes no table '" + name + "' (it has " + preset(id).tables().keySet() + ")");
        return t;
    }

    private static String f32(String what, JsonNode expected, double[] actual) {
        return f32(what, Compare.array(Compare.present(what, expected)), actual);
    }

    /** At most {@link #F32_ULPS} float32 ulps apart, element-wise; NaN matches NaN only. */
    static String f32(String what, double[] expected, double[] actual) {
        if (expected.length != actual.length) return Compare.close(what, expected, actual, 0, 0);
        for (int k = 0; k < expected.length; k++) {
            long ulps = f32Ulps(expected[k], actual[k]);
            if (ulps > F32_ULPS) {
                return String.format(Locale.ROOT, "%s[%d]: expected %s, got %s (%s float32 ulps apart; tolerance %d)", what, k,
                        Double.toString(expected[k]), Double.toString(actual[k]), ulps == Long.MAX_VALUE ? "infinitely many" : Long.toString(ulps), F32_ULPS);
            }
        }
        return null;
    }

    /** Distance in float32 ulps (0 for two NaNs, {@code Long.MAX_VALUE} when only one is NaN). */
    static long f32Ulps(double e, double a) {
        if (Double.isNaN(e) || Double.isNaN(a)) return Double.isNaN(e) && Double.isNaN(a) ? 0 : Long.MAX_VALUE;
        return Math.abs(ordered((float) e) - ordered((float) a));
    }

    private static long ordered(float f) {
        int bits = Float.floatToIntBits(f == 0f ? 0f : f);
        return bits < 0 ? -(long) (bits & 0x7fffffff) : bits;
    }
}
