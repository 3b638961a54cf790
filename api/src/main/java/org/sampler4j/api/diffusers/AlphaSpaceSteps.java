package org.sampler4j.api.diffusers;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * {@code step} of diffusers' {@code DDIMScheduler}, {@code DDIMInverseScheduler} (the same update from
 * {@code min(t - N // n, N - 1)} up to {@code t}, {@code initial_alpha_cumprod} below 0) and {@code DDPMScheduler} on the
 * sample it is given, between the
 * call's integer timestep and the previous one, with the scalar coefficients computed in float32 from
 * {@code alphas_cumprod} in diffusers' order (near {@code t = 0}, {@code 1 - alpha_prod} is tiny and its rounding
 * shows in the result).
 *
 * <p>Provenance: Song et al. 2021, "Denoising Diffusion Implicit Models", eq. (12); Ho et al. 2020, "Denoising
 * Diffusion Probabilistic Models", eq. (7); diffusers {@code scheduling_ddim.py}, {@code scheduling_ddim_inverse.py} and
 * {@code scheduling_ddpm.py}
 * {@code step}, {@code _get_variance}.
 */
final class AlphaSpaceSteps implements ClassSteps {
    private final boolean ddim;
    /** DDIMInverseScheduler: from {@code min(t - N // n, N - 1)} up to the call's {@code t}. */
    private final boolean inverse;
    private final Prediction prediction;
    private final float[] alphasCumprod;
    private final float finalAlphaCumprod;
    private final int stride;
    private final double[] timesteps;
    private final UnaryOperator<Latent> postprocess;
    private final double eta;
    private final boolean useClippedModelOutput;
    private final String varianceType;
    private final NoiseSource noise;

    /** Whether the class has a native step here. */
    static boolean handles(String className) {
        return className.equals("DDIMScheduler") || className.equals("DDPMScheduler") || className.equals("DDIMInverseScheduler");
    }

    /** The DDIM/DDPM step of a {@code DiffusersStepper}'s class, for {@link #batchStepNoNoise}. */
    static AlphaSpaceSteps of(ClassSteps steps, String className) {
        if (steps instanceof AlphaSpaceSteps a) return a;
        throw new IllegalStateException("batchStepNoNoise belongs to DDIMParallelScheduler and DDPMParallelScheduler (DDIM/DDPM maths), not " + className);
    }

    AlphaSpaceSteps(DiffusersConfig cfg, DiffusersTimesteps ts, Map<String, Object> kw, NoiseSource noise) {
        this.inverse = cfg.className().equals("DDIMInverseScheduler");
        this.ddim = inverse || cfg.className().equals("DDIMScheduler");
        this.prediction = Prediction.parse(cfg.str("prediction_type"));
        if (prediction == Prediction.FLOW) throw new ScheduleException(cfg.className() + " supports prediction_type epsilon, sample or v_prediction, got 'flow'");
        DiscreteNoiseModel model = DdpmFamily.model(cfg);
        this.alphasCumprod = model.alphasCumprod();
        this.finalAlphaCumprod = !ddim || cfg.bool("set_alpha_to_one") ? 1f : alphasCumprod[0];
        // custom timesteps (DDPM) leave num_inference_steps unset here; DDPM then steps along the list
        this.stride = model.numTrainTimesteps() / (ts.numInferenceSteps() != null ? ts.numInferenceSteps() : Math.max(1, ts.timesteps().length));
        this.timesteps = ts.timesteps();
        this.noise = noise;
        this.eta = kw.get("eta") instanceof Number n ? n.doubleValue() : 0.0;
        this.useClippedModelOutput = Boolean.TRUE.equals(kw.get("use_clipped_model_output"));
        this.varianceType = ddim ? null : cfg.str("variance_type");
        if (!ddim && !java.util.List.of("fixed_small", "fixed_small_log", "fixed_large").contains(varianceType)) {
            throw new ScheduleException(cfg.className() + ": variance_type '" + varianceType + "' is not supported (learned variances need the"
                    + " model's variance channels; fixed_large_log gives NaN in diffusers' step); use fixed_small, fixed_small_log or fixed_large");
        }
        if (cfg.bool("thresholding")) {
            postprocess = ClassSteps.thresholding(cfg);
        } else if (cfg.bool("clip_sample")) {
            double range = cfg.dbl("clip_sample_range");
            postprocess = x0 -> ClassSteps.clamp(x0, range);
        } else {
            postprocess = x0 -> x0;
        }
    }

    @Override
    public Latent scaleModelInput(Latent sample, double t, int index) {
        return sample;
    }

    private float alphaAt(int t) {
        return t >= 0 ? alphasCumprod[t] : finalAlphaCumprod;
    }

    /** DDIM: {@code t - N // n}; DDPM with {@code set_timesteps}: the next listed timestep ({@code -1} after the last). */
    private int previous(int t) {
        if (ddim) return t - stride;
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] == t) return i + 1 < timesteps.length ? (int) timesteps[i + 1] : -1;
        }
        return t - stride;
    }

    @Override
    public Latent step(Latent out, double timestep, Latent sample, int index) {
        int t = (int) timestep;
        if (inverse) return update(out, Math.min(t - stride, alphasCumprod.length - 1), t, sample, true);
        return update(out, t, previous(t), sample, true);
    }

    /**
     * diffusers' {@code DDIMParallelScheduler/DDPMParallelScheduler.batch_step_no_noise}: every batch item (first
     * dimension) steps from its own timestep to {@code t - N // n} ({@code n} = the training steps when DDPM has no
     * {@code set_timesteps}), with no noise.
     */
    Latent batchStepNoNoise(Latent out, int[] t, Latent sample) {
        int batch = sample.shape()[0];
        if (t.length != batch) throw new IllegalArgumentException("batchStepNoNoise needs one timestep per batch item (" + batch + "), got " + t.length);
        int per = sample.size() / batch;
        double[] o = out.toDoubleArray();
        double[] x = sample.toDoubleArray();
        double[] result = new double[x.length];
        int[] itemShape = sample.shape().clone();
        itemShape[0] = 1;
        for (int b = 0; b < batch; b++) {
            Latent ob = org.sampler4j.api.sampler.ArrayLatent.ofDoubles(java.util.Arrays.copyOfRange(o, b * per, (b + 1) * per), itemShape);
            Latent xb = org.sampler4j.api.sampler.ArrayLatent.ofDoubles(java.util.Arrays.copyOfRange(x, b * per, (b + 1) * per), itemShape);
            double[] r = update(ob, t[b], t[b] - stride, xb, false).toDoubleArray();
            System.arraycopy(r, 0, result, b * per, per);
        }
        return sample.withValues(result);
    }

    private Latent update(Latent out, int t, int prevT, Latent sample, boolean withNoise) {
        float alphaProd = inverse && t < 0 ? finalAlphaCumprod : alphasCumprod[t];
        float alphaProdPrev = inverse ? alphasCumprod[prevT] : ddim ? alphaAt(prevT) : prevT >= 0 ? alphasCumprod[prevT] : 1f;
        float betaProd = 1 - alphaProd;
        float betaProdPrev = 1 - alphaProdPrev;
        Latent[] x0Eps = dataAndNoise(prediction, Math.sqrt(alphaProd), Math.sqrt(betaProd), out, sample);
        Latent x0 = postprocess.apply(x0Eps[0]);
        Latent eps = x0Eps[1];
        return ddim ? ddimUpdate(sample, x0, eps, alphaProd, alphaProdPrev, betaProd, betaProdPrev, withNoise)
                : ddpmUpdate(out, withNoise ? t : 0, sample, x0, alphaProd, alphaProdPrev, betaProd, betaProdPrev);
    }

    /**
     * The data and noise predictions {@code (x0, eps)} of a network output at a noise level
     * {@code sample = sa * x0 + sb * eps} (diffusers' DDIM, DDPM, LCM and TCD {@code step}).
     *
     * @param prediction what the network predicts (epsilon, sample or v_prediction)
     * @param sa {@code alpha_prod_t ** 0.5}
     * @param sb {@code beta_prod_t ** 0.5}
     * @param out the network's output
     * @param sample the sample it was given
     * @return {@code {x0, eps}}
     */
    static Latent[] dataAndNoise(Prediction prediction, double sa, double sb, Latent out, Latent sample) {
        return switch (prediction) {
            case EPSILON -> new Latent[] {Latents.sum(1 / sa, sample, -sb / sa, out), out};
            case SAMPLE -> new Latent[] {out, Latents.sum(1 / sb, sample, -sa / sb, out)};
            default -> new Latent[] {Latents.sum(sa, sample, -sb, out), Latents.sum(sa, out, sb, sample)};
        };
    }

    private Latent ddimUpdate(Latent sample, Latent x0, Latent eps, float alphaProd, float alphaProdPrev, float betaProd, float betaProdPrev,
                              boolean withNoise) {
        float variance = (betaProdPrev / betaProd) * (1 - alphaProd / alphaProdPrev);
        double std = eta > 0 && !inverse ? eta * Math.sqrt(variance) : 0;
        if (useClippedModelOutput) eps = Latents.sum(1 / Math.sqrt(betaProd), sample, -Math.sqrt(alphaProd) / Math.sqrt(betaProd), x0);
        double direction = Math.sqrt(1 - alphaProdPrev - std * std);
        Latent prev = Latents.sum(Math.sqrt(alphaProdPrev), x0, direction, eps);
        if (eta > 0 && withNoise) prev = Latents.sum(1, prev, std, noise.noise(Math.sqrt(betaProd / alphaProd), Math.sqrt(betaProdPrev / alphaProdPrev), sample));
        return prev;
    }

    private Latent ddpmUpdate(Latent out, int t, Latent sample, Latent x0, float alphaProd, float alphaProdPrev, float betaProd, float betaProdPrev) {
        float currentAlpha = alphaProd / alphaProdPrev;
        float currentBeta = 1 - currentAlpha;
        double x0Coeff = Math.sqrt(alphaProdPrev) * currentBeta / betaProd;
        double sampleCoeff = Math.sqrt(currentAlpha) * betaProdPrev / betaProd;
        Latent prev = Latents.sum(x0Coeff, x0, sampleCoeff, sample);
        if (t <= 0) return prev;
        Latent n = noise.noise(Math.sqrt(betaProd / alphaProd), Math.sqrt(betaProdPrev / alphaProdPrev), out);
        float variance = Math.max(betaProdPrev / betaProd * currentBeta, 1e-20f);
        double std = switch (varianceType) {
            case "fixed_small" -> Math.sqrt(variance);
            case "fixed_small_log" -> Math.exp(0.5 * Math.log(variance));
            default -> Math.sqrt(currentBeta);
        };
        return Latents.sum(1, prev, std, n);
    }
}
