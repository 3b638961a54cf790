package org.sampler4j.api.diffusers;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * {@code step} of diffusers' {@code LCMScheduler} and {@code TCDScheduler} on the sample it is given. Both are
 * stateless between calls but for the step index: LCM takes the consistency-model boundary scalings
 * {@code c_skip}, {@code c_out} at {@code t * timestep_scaling} and re-noises the denoised sample to the next timestep;
 * TCD (step argument {@code eta}, diffusers' default 0.3) goes to the noised prediction at
 * {@code s = floor((1 - eta) * t_prev)} and re-noises from there. The noise is one normal tensor per step but the last,
 * drawn from the noise source as diffusers draws from its generator. Scalars are float32, as diffusers' 0-d tensors.
 *
 * <p>Provenance: Luo et al. 2023, "Latent Consistency Models" (multistep LCM sampling, algorithm 1); Zheng et al. 2024,
 * "Trajectory Consistency Distillation" (strategic stochastic sampling); diffusers {@code scheduling_lcm.py} and
 * {@code scheduling_tcd.py} {@code step}, {@code get_scalings_for_boundary_condition_discrete}.
 */
final class LcmTcdSteps implements ClassSteps {
    private static final float SIGMA_DATA_SQUARED = 0.25f;

    private final boolean tcd;
    private final Prediction prediction;
    private final float[] alphasCumprod;
    private final float finalAlphaCumprod;
    private final double[] timesteps;
    private final int numInferenceSteps;
    private final float timestepScaling;
    private final UnaryOperator<Latent> postprocess;
    private final double eta;
    private final NoiseSource noise;

    /** Whether the class has a native step here. */
    static boolean handles(String className) {
        return className.equals("LCMScheduler") || className.equals("TCDScheduler");
    }

    LcmTcdSteps(DiffusersConfig cfg, DiffusersTimesteps ts, Map<String, Object> kw, NoiseSource noise) {
        this.tcd = cfg.className().equals("TCDScheduler");
        this.prediction = Prediction.parse(cfg.str("prediction_type"));
        if (prediction == Prediction.FLOW) throw new ScheduleException(cfg.className() + " supports prediction_type epsilon, sample or v_prediction, got 'flow_prediction'");
        this.alphasCumprod = DdpmFamily.model(cfg).alphasCumprod();
        this.finalAlphaCumprod = cfg.bool("set_alpha_to_one") ? 1f : alphasCumprod[0];
        this.timesteps = ts.timesteps();
        this.numInferenceSteps = ts.numInferenceSteps() != null ? ts.numInferenceSteps() : timesteps.length;
        this.timestepScaling = (float) cfg.dbl("timestep_scaling");
        if (!tcd && cfg.bool("thresholding")) {
            postprocess = ClassSteps.thresholding(cfg);
        } else if (!tcd && cfg.bool("clip_sample")) {
            double range = cfg.dbl("clip_sample_range");
            postprocess = x0 -> ClassSteps.clamp(x0, range);
        } else {
            postprocess = ClassSteps.NO_THRESHOLD;
        }
        this.eta = kw.get("eta") instanceof Number n ? n.doubleValue() : 0.3;
        if (tcd && !(eta >= 0 && eta <= 1)) throw new IllegalArgumentException("TCDScheduler: eta (gamma) must be in [0, 1], got " + eta);
        this.noise = noise;
    }

    private float alphaAt(int t) {
        return t >= 0 ? alphasCumprod[t] : finalAlphaCumprod;
    }

    @Override
    public Latent step(Latent out, double timestep, Latent sample, int index) {
        int t = (int) timestep;
        boolean last = index == numInferenceSteps - 1;
        int next = index + 1 < timesteps.length ? (int) timesteps[index + 1] : tcd ? 0 : t;
        float alphaProd = alphasCumprod[t];
        float betaProd = 1f - alphaProd;
        float alphaPrev = alphaAt(next);
        return tcd ? tcd(out, sample, next, alphaProd, betaProd, alphaPrev, last) : lcm(out, sample, t, alphaProd, betaProd, alphaPrev, last);
    }

    /** LCM: {@code denoised = c_out * x0 + c_skip * x}, re-noised to the next timestep but after the last step. */
    private Latent lcm(Latent out, Latent sample, int t, float alphaProd, float betaProd, float alphaPrev, boolean last) {
        float scaled = t * timestepScaling;
        float cSkip = SIGMA_DATA_SQUARED / (scaled * scaled + SIGMA_DATA_SQUARED);
        float cOut = scaled / VpSolverMath.sqrt(scaled * scaled + SIGMA_DATA_SQUARED);
        Latent x0 = postprocess.apply(AlphaSpaceSteps.dataAndNoise(prediction, VpSolverMath.sqrt(alphaProd), VpSolverMath.sqrt(betaProd), out, sample)[0]);
        Latent denoised = Latents.sum(cOut, x0, cSkip, sample);
        if (last) return denoised;
        Latent z = noise.noise(Math.sqrt(betaProd / alphaProd), Math.sqrt((1 - alphaPrev) / alphaPrev), out);
        return Latents.sum(VpSolverMath.sqrt(alphaPrev), denoised, VpSolverMath.sqrt(1f - alphaPrev), z);
    }

    /** TCD: the noised prediction at {@code s = floor((1 - eta) * t_prev)}, then (eta > 0, not the last step) re-noised to {@code t_prev}. */
    private Latent tcd(Latent out, Latent sample, int next, float alphaProd, float betaProd, float alphaPrev, boolean last) {
        int s = (int) Math.floor((float) (1 - eta) * (float) next);
        float alphaS = alphasCumprod[s];
        float betaS = 1f - alphaS;
        Latent[] x0Eps = AlphaSpaceSteps.dataAndNoise(prediction, VpSolverMath.sqrt(alphaProd), VpSolverMath.sqrt(betaProd), out, sample);
        Latent noised = Latents.sum(VpSolverMath.sqrt(alphaS), x0Eps[0], VpSolverMath.sqrt(betaS), x0Eps[1]);
        if (!(eta > 0) || last) return noised;
        Latent z = noise.noise(Math.sqrt(betaProd / alphaProd), Math.sqrt((1 - alphaPrev) / alphaPrev), out);
        float ratio = alphaPrev / alphaS;
        return Latents.sum(VpSolverMath.sqrt(ratio), noised, VpSolverMath.sqrt(1f - ratio), z);
    }
}
