package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * k-diffusion / ComfyUI {@code samplers.json}: full sampler runs on the exact Gaussian-mixture denoiser with the
 * recorded noise replayed in draw order. Every model call is checked (its input {@code x} and {@code sigma}, in
 * order), the number of noise draws must match, {@code noise_sampler(sigma, sigma_next)} arguments must match, and
 * {@code x_final} is compared element-wise.
 *
 * <p>Tolerances (golden README: a faithful float64 port agrees to ~1e-13 per call; loops are contractive):
 * {@code |a - e| <= 1e-9 + 1e-9 |e|} for call inputs and {@code x_final}; {@code er_sde} 1e-6 (ComfyUI sums its
 * stage-2/3 integrals in float32 even in float64 runs). ComfyUI cases run the sampler with option
 * {@code reference=comfyui} where the sampler has that option (the behaviours that differ between the libraries).
 */
final class KdiffusionSamplersChecker implements GoldenChecker {
    static final double TOL = 1e-9;
    static final double ER_SDE_TOL = 1e-6;

    @Override
    public String format() {
        return "kdiffusion-samplers";
    }

    @Override
    public boolean accepts(JsonNode root) {
        return root.isObject() && root.has("gmm") && root.has("cases") && root.path("cases").path(0).has("calls");
    }

    @Override
    public List<CaseResult> check(JsonNode root) {
        JsonNode g = root.get("gmm");
        double[][] means = new double[g.get("means").size()][];
        for (int i = 0; i < means.length; i++) means[i] = Compare.array(g.get("means").get(i));
        GaussianMixture gmm = new GaussianMixture(means, Compare.array(g.get("stds")), Compare.array(g.get("weights")));
        List<CaseResult> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String id = c.path("id").asText();
            out.add(GoldenChecker.guard(id, () -> run(id, c, gmm)));
        }
        return out;
    }

    static Sampler find(JsonNode c) {
        String fn = c.path("function").asText().replaceFirst("^sample_", "");
        try {
            return Samplers.get(fn);
        } catch (ScheduleException e) {
            return Samplers.get(c.path("sampler").asText());
        }
    }

    private static CaseResult run(String id, JsonNode c, GaussianMixture gmm) {
        Sampler sampler;
        try {
            sampler = find(c);
        } catch (ScheduleException e) {
            return CaseResult.fail(id, "sampler not available: " + e.getMessage());
        }
        Map<String, Object> params = new LinkedHashMap<>(DiffusersSchedulesChecker.map(c.get("params")));
        boolean comfy = "comfyui".equals(c.path("library").asText());
        boolean hasReference = sampler.info().options().stream().map(OptionSpec::name).anyMatch("reference"::equals);
        if (hasReference) params.put("reference", comfy ? "comfyui" : "k-diffusion");
        SamplerOptions opts = sampler.options(params);
        double tol = c.path("sampler").asText().equals("er_sde") ? ER_SDE_TOL : TOL;

        int batch = c.get("x_init").size();
        int dim = gmm.dim();
        double[] sigmas = Compare.array(c.get("sigmas"));
        Latent x = ArrayLatent.ofDoubles(Compare.array(c.get("x_init")), batch, dim);

        JsonNode calls = c.get("calls");
        String[] firstMismatch = {null};
        int[] callIndex = {0};
        Denoiser recording = (xi, sigma) -> {
            int k = callIndex[0]++;
            if (firstMismatch[0] == null) {
                if (k >= calls.size()) {
                    firstMismatch[0] = "model call " + k + ": the reference made only " + calls.size() + " calls";
                } else {
                    JsonNode rec = calls.get(k);
                    String d = Compare.close("call " + k + " sigma", new double[] {Compare.num(rec.get("sigma").get(0))}, new double[] {sigma}, tol, tol);
                    if (d == null) d = Compare.close("call " + k + " x", Compare.array(rec.get("x")), xi.toDoubleArray(), tol, tol);
                    firstMismatch[0] = d;
                }
            }
            return gmm.denoise(xi, sigma);
        };
        JsonNode draws = c.get("noise");
        int[] drawIndex = {0};
        NoiseSource replay = (s, sn, like) -> {
            int k = drawIndex[0]++;
            if (k >= draws.size()) throw new IllegalStateException("noise draw " + k + ": the reference drew only " + draws.size() + " times");
            JsonNode rec = draws.get(k);
            if (rec.has("sigma") && firstMismatch[0] == null) {
                firstMismatch[0] = Compare.close("noise draw " + k + " (sigma, sigma_next)",
                        new double[] {Compare.num(rec.get("sigma")), Compare.num(rec.get("sigma_next"))}, new double[] {s, sn}, tol, tol);
            }
            return like.withValues(Compare.array(rec.get("values")));
        };
        Latent result = sampler.sample(recording, x, sigmas, opts, SamplingContext.of(replay));
        if (firstMismatch[0] != null) return CaseResult.fail(id, firstMismatch[0]);
        if (callIndex[0] != calls.size()) return CaseResult.fail(id, "made " + callIndex[0] + " model calls, the reference " + calls.size());
        if (drawIndex[0] != draws.size()) return CaseResult.fail(id, "drew noise " + drawIndex[0] + " times, the reference " + draws.size());
        String d = Compare.close("x_final", Compare.array(c.get("x_final")), result.toDoubleArray(), tol, tol);
        return d == null ? CaseResult.pass(id) : CaseResult.fail(id, d);
    }
}
