package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.sampler4j.api.diffusers.DiffusersConfig;
import org.sampler4j.api.diffusers.DiffusersSchedules;
import org.sampler4j.api.diffusers.DiffusersTimesteps;
import org.sampler4j.api.guidance.Guidance;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.schedule.FlowNoiseModel;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * diffusers {@code pipeline_ops.json}: classifier-free guidance, {@code rescale_noise_cfg}, {@code calculate_shift}
 * and {@code retrieve_timesteps}.
 *
 * <p>Tolerances: guidance outputs are float32 tensors computed by diffusers in float32; sampler4j computes each as
 * fused float32 sums in its own order of terms, so each element is compared within 1e-6 of the array's largest
 * magnitude (a few float32 ulps);
 * the per-item standard deviations relative 1e-6; {@code calculate_shift} relative 1e-12 (Python floats);
 * {@code retrieve_timesteps} as the schedules checker (integer timesteps exact, float relative 1e-6).
 */
final class PipelineOpsChecker implements GoldenChecker {
    static final double RTOL = 1e-6;

    @Override
    public String format() {
        return "diffusers-pipeline-ops";
    }

    @Override
    public boolean accepts(JsonNode root) {
        return root.isArray() && root.size() > 0 && root.get(0).has("op") && root.get(0).has("expect");
    }

    @Override
    public List<CaseResult> check(JsonNode root) {
        return GoldenChecker.eachCase(root, PipelineOpsChecker::checkOp);
    }

    private static Latent latent(JsonNode c, String field) {
        return Compare.float32Latent(c.get(field), Compare.shape(c.get("shape")));
    }

    private static String checkOp(JsonNode c) {
        switch (c.get("op").asText()) {
            case "classifier_free_guidance": {
                Latent g = Guidance.cfg(latent(c, "noise_pred_uncond"), latent(c, "noise_pred_text"), c.get("guidance_scale").asDouble());
                return Compare.closeToMaxAbs("guided", Compare.array(c.get("expect")), g.toDoubleArray(), RTOL);
            }
            case "rescale_noise_cfg": {
                Latent cfg = latent(c, "noise_cfg");
                Latent text = latent(c, "noise_pred_text");
                double[] cv = cfg.toDoubleArray();
                double[] tv = text.toDoubleArray();
                int batch = cfg.shape()[0];
                int per = cv.length / batch;
                double[] stdText = new double[batch];
                double[] stdCfg = new double[batch];
                for (int b = 0; b < batch; b++) {
                    stdText[b] = Guidance.std(tv, b * per, per);
                    stdCfg[b] = Guidance.std(cv, b * per, per);
                }
                String d = Compare.close("std_text", Compare.array(c.get("std_text")), stdText, RTOL, 0);
                if (d == null) d = Compare.close("std_cfg", Compare.array(c.get("std_cfg")), stdCfg, RTOL, 0);
                if (d != null) return d;
                Latent r = Guidance.rescale(cfg, text, c.get("guidance_rescale").asDouble());
                return Compare.closeToMaxAbs("rescaled", Compare.array(c.get("expect")), r.toDoubleArray(), RTOL);
            }
            case "calculate_shift": {
                JsonNode a = c.get("args");
                double mu = FlowNoiseModel.calculateShift(a.get("image_seq_len").asDouble(), a.get("base_seq_len").asDouble(),
                        a.get("max_seq_len").asDouble(), a.get("base_shift").asDouble(), a.get("max_shift").asDouble());
                return Compare.close("mu", new double[] {c.get("expect").asDouble()}, new double[] {mu}, 1e-12, 0);
            }
            case "retrieve_timesteps": {
                JsonNode a = c.get("args");
                JsonNode e = c.get("expect");
                DiffusersConfig cfg = DiffusersConfig.of(c.get("scheduler").asText(), DiffusersSchedulesChecker.map(c.get("config")));
                DiffusersTimesteps r;
                try {
                    r = DiffusersSchedules.retrieveTimesteps(cfg, a.has("num_inference_steps") ? a.get("num_inference_steps").asInt() : null,
                            a.has("timesteps") ? Compare.array(a.get("timesteps")) : null, a.has("sigmas") ? Compare.array(a.get("sigmas")) : null);
                } catch (ScheduleException ex) {
                    return e.has("error") ? null : "rejected: " + ex.getMessage();
                }
                if (e.has("error")) return "accepted a call diffusers rejects (" + e.get("error").asText() + ")";
                if (r.numInferenceSteps() != e.get("num_inference_steps").asInt()) {
                    return "num_inference_steps " + r.numInferenceSteps() + ", expected " + e.get("num_inference_steps");
                }
                return Compare.close("timesteps", Compare.array(e.get("timesteps")), r.timesteps(), RTOL, DiffusersSchedulesChecker.TIMESTEP_ATOL);
            }
            default:
                return "unknown op '" + c.get("op").asText() + "'";
        }
    }
}
