package org.sampler4j.api.schedule.generators;

import java.util.Arrays;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.schedule.BetaSchedule;
import org.sampler4j.api.schedule.DiscreteNoiseModel;

/**
 * ComfyUI's {@code ModelSamplingDiscrete} ({@code comfy/model_sampling.py}): the float32 table of training sigmas
 * and log-sigmas that ComfyUI's schedulers index, with its {@code timestep(sigma)}, {@code sigma(t)} and
 * {@code percent_to_sigma}. Immutable.
 *
 * <p>ComfyUI builds the table in float64 and stores it as float32: betas from {@code make_beta_schedule}
 * ({@code "linear"} = {@code linspace(sqrt(start), sqrt(end), N, float64)^2}, which diffusers calls
 * {@code scaled_linear}), {@code alphas_cumprod = cumprod(1 - betas)}, {@code sigmas = sqrt((1 - ac) / ac)},
 * then {@code sigmas.float()} and {@code log_sigmas = log(sigmas).float()} (log of the float64 sigmas). This
 * differs from diffusers' float32 path ({@link DiscreteNoiseModel}) by about 1e-7 relative.
 */
public final class ComfyModelSampling {
    /** What {@code percent_to_sigma(0)} returns (ComfyUI's "no upper bound"). */
    public static final double PERCENT_ZERO_SIGMA = 999999999.9;

    private final float[] sigmas;
    private final float[] logSigmas;

    private ComfyModelSampling(float[] sigmas, float[] logSigmas) {
        this.sigmas = sigmas;
        this.logSigmas = logSigmas;
    }

    /**
     * SD1.x / SD2.x / SDXL: ComfyUI's defaults, {@code "linear"} 0.00085..0.012 over 1000 timesteps.
     *
     * @return the table of ComfyUI's default SD model sampling
     */
    public static ComfyModelSampling sd15() {
        return linear(0.00085, 0.012, 1000);
    }

    /**
     * ComfyUI's {@code "linear"} beta schedule (diffusers' {@code scaled_linear}):
     * {@code betas = torch.linspace(start^0.5, end^0.5, timesteps, float64)^2}.
     *
     * @param linearStart the first beta (0.00085 for SD)
     * @param linearEnd the last beta (0.012 for SD)
     * @param timesteps the number of training timesteps, at least 1
     * @return the sigma table
     */
    public static ComfyModelSampling linear(double linearStart, double linearEnd, int timesteps) {
        double[] b = Numerics.torchLinspaceF64(Math.sqrt(linearStart), Math.sqrt(linearEnd), timesteps);
        for (int i = 0; i < b.length; i++) b[i] = b[i] * b[i];
        return fromBetas(b);
    }

    /**
     * ComfyUI's {@code "sqrt_linear"} schedule (diffusers' {@code linear}): {@code torch.linspace(start, end, timesteps, float64)}.
     *
     * @param linearStart the first beta
     * @param linearEnd the last beta
     * @param timesteps the number of training timesteps, at least 1
     * @return the sigma table
     */
    public static ComfyModelSampling sqrtLinear(double linearStart, double linearEnd, int timesteps) {
        return fromBetas(Numerics.torchLinspaceF64(linearStart, linearEnd, timesteps));
    }

    /**
     * {@return {@code _register_schedule(given_betas=...)}: float64 betas to the float32 sigma table}
     *
     * @param betas one beta per training timestep, each in {@code (0, 1)}
     */
    public static ComfyModelSampling fromBetas(double[] betas) {
        if (betas.length < 2) throw new IllegalArgumentException("a discrete model needs at least 2 betas, got " + betas.length);
        double[] s = new double[betas.length];
        double ac = 1;
        for (int i = 0; i < betas.length; i++) {
            ac *= 1 - betas[i]; // torch.cumprod on float64: sequential
            s[i] = Math.sqrt((1 - ac) / ac);
        }
        return fromSigmas(s);
    }

    /**
     * {@return {@code set_sigmas(sigmas)}: ascending float64 sigmas, stored as float32 with float32 log-sigmas of the float64 values}
     *
     * @param ascendingSigmas the table's sigmas, smallest first
     */
    public static ComfyModelSampling fromSigmas(double[] ascendingSigmas) {
        float[] sg = new float[ascendingSigmas.length];
        float[] ls = new float[ascendingSigmas.length];
        for (int i = 0; i < sg.length; i++) {
            sg[i] = (float) ascendingSigmas[i];
            ls[i] = (float) Math.log(ascendingSigmas[i]);
        }
        return new ComfyModelSampling(sg, ls);
    }

    /**
     * The table ComfyUI would build for a diffusers-style discrete model: ComfyUI's float64 path for
     * {@code scaled_linear} (ComfyUI "linear") and {@code linear} (ComfyUI "sqrt_linear") betas; for other
     * schedules, trained betas or zero-SNR (whose ComfyUI terminal value differs from diffusers'), the model's own
     * float32 training sigmas.
     *
     * @param model a diffusers-style discrete noise model
     * @return ComfyUI's sigma table for it
     */
    public static ComfyModelSampling of(DiscreteNoiseModel model) {
        BetaSchedule b = model.betaSchedule();
        if (b != null && !model.zeroSnr()) {
            if (b == BetaSchedule.SCALED_LINEAR) return linear(model.betaStart(), model.betaEnd(), model.numTrainTimesteps());
            if (b == BetaSchedule.LINEAR) return sqrtLinear(model.betaStart(), model.betaEnd(), model.numTrainTimesteps());
        }
        return fromSigmas(model.trainingSigmas());
    }

    /** {@return number of table entries (training timesteps)} */
    public int size() {
        return sigmas.length;
    }

    /** {@return the float32 sigmas, ascending (a copy, widened to double)} */
    public double[] sigmas() {
        return Numerics.widen(sigmas);
    }

    /** {@return the float32 log-sigmas (a copy, widened to double)} */
    public double[] logSigmas() {
        return Numerics.widen(logSigmas);
    }

    /**
     * {@return table entry {@code i} (float32 value)}
     *
     * @param i the table index, {@code 0 <= i < N}
     */
    public double sigmaAt(int i) {
        return sigmas[i];
    }

    /** {@return {@code sigma_min = sigmas[0]}} */
    public double sigmaMin() {
        return sigmas[0];
    }

    /** {@return {@code sigma_max = sigmas[-1]}} */
    public double sigmaMax() {
        return sigmas[sigmas.length - 1];
    }

    /**
     * {@code timestep(sigma)}: the index whose float32 log-sigma is nearest to {@code log(sigma)} (float32, first
     * index on ties) — an integer, unlike diffusers' interpolating {@code _sigma_to_t}.
     *
     * @param sigma a noise level, positive
     * @return the table index, in {@code [0, N-1]}
     */
    public int timestep(double sigma) {
        float logSigma = (float) Math.log((float) sigma);
        int best = 0;
        float bestDist = Float.POSITIVE_INFINITY;
        for (int i = 0; i < logSigmas.length; i++) {
            float d = Math.abs(logSigma - logSigmas[i]);
            if (d < bestDist) {
                bestDist = d;
                best = i;
            }
        }
        return best;
    }

    /**
     * {@code sigma(t)}: linear interpolation of the float32 log-sigmas at {@code t} (rounded to float32, clamped to
     * [0, N-1]), exponentiated, all in float32.
     *
     * @param t the (fractional) timestep
     * @return the sigma, a float32 value
     */
    public double sigma(double t) {
        float tf = Math.min(Math.max((float) t, 0f), (float) (sigmas.length - 1));
        int low = (int) Math.floor(tf);
        int high = (int) Math.ceil(tf);
        float w = tf - low;
        float logSigma = (1f - w) * logSigmas[low] + w * logSigmas[high];
        return KDiffusionSigmas.expF32(logSigma);
    }

    /**
     * {@code percent_to_sigma(percent)}: {@link #PERCENT_ZERO_SIGMA} at or below 0, 0 at or above 1, else
     * {@code sigma(float32((1 - percent) * 999))}.
     *
     * @param percent the share of the sampling done, in {@code [0, 1]}
     * @return the sigma at that point
     */
    public double percentToSigma(double percent) {
        if (percent <= 0.0) return PERCENT_ZERO_SIGMA;
        if (percent >= 1.0) return 0.0;
        return sigma((float) ((1.0 - percent) * 999.0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComfyModelSampling m && Arrays.equals(sigmas, m.sigmas) && Arrays.equals(logSigmas, m.logSigmas);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sigmas) * 31 + Arrays.hashCode(logSigmas);
    }

    @Override
    public String toString() {
        return "ComfyModelSampling[N=" + sigmas.length + ", sigma_min=" + sigmaMin() + ", sigma_max=" + sigmaMax() + "]";
    }
}
