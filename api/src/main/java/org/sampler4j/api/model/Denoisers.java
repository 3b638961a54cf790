package org.sampler4j.api.model;

import java.util.concurrent.atomic.AtomicReference;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.EdmNoiseModel;
import org.sampler4j.api.schedule.FlowNoiseModel;

/**
 * Model adapters: turn a network with its training noise model and prediction type into {@code D(x; sigma)}
 * (k-diffusion {@code external.py}, stable-diffusion.cpp {@code denoiser.hpp}: scalings {@code c_in}, {@code c_skip},
 * {@code c_out} and a sigma-to-timestep map).
 */
public final class Denoisers {
    private Denoisers() {}

    /** How a discrete-time network's timestep is derived from sigma. */
    public enum TimestepMap {
        /**
         * Linear interpolation in log-sigma between neighbouring training timesteps, fractional (k-diffusion
         * {@code DiscreteSchedule.sigma_to_t}, diffusers {@code _sigma_to_t}).
         */
        LOG_SIGMA,
        /** The nearest training timestep in log-sigma (k-diffusion {@code quantize=True}, ComfyUI {@code timestep()}). */
        NEAREST,
        /** {@code 0.25 log(sigma)} (diffusers' {@code timestep_type="continuous"}, SVD). */
        CONTINUOUS;

        double apply(DiscreteNoiseModel m, double sigma) {
            switch (this) {
                case LOG_SIGMA: return m.sigmaToT(sigma);
                case NEAREST: {
                    double[] logs = m.logSigmas();
                    double ls = Math.log(sigma);
                    int best = 0;
                    for (int i = 1; i < logs.length; i++) if (Math.abs(logs[i] - ls) < Math.abs(logs[best] - ls)) best = i;
                    return best;
                }
                default: return 0.25 * Math.log(sigma);
            }
        }
    }

    /**
     * {@return {@link #discrete(ModelFunction, DiscreteNoiseModel, Prediction, TimestepMap)} with log-sigma interpolation}
     *
     * @param f the network
     * @param model its discrete noise model
     * @param prediction what the network predicts
     */
    public static Denoiser discrete(ModelFunction f, DiscreteNoiseModel model, Prediction prediction) {
        return discrete(f, model, prediction, TimestepMap.LOG_SIGMA);
    }

    /**
     * A discrete-time network (SD1.5/SDXL style): {@code c_in = 1/sqrt(sigma^2+1)}, the timestep from
     * {@code timesteps}, the output turned into {@code D} by {@code prediction}.
     *
     * @param f the network
     * @param model its discrete noise model
     * @param prediction what the network predicts
     * @param timesteps how a sigma becomes the network's timestep
     * @return the denoiser {@code D(x, sigma)}
     */
    public static Denoiser discrete(ModelFunction f, DiscreteNoiseModel model, Prediction prediction, TimestepMap timesteps) {
        if (prediction == Prediction.FLOW) throw new IllegalArgumentException("a discrete (DDPM) model cannot predict flow velocity; use Denoisers.flow");
        ModelInput input = new ModelInput(f);
        return (Adapter) (x, sigma, into) -> {
            double cIn = 1 / Math.sqrt(sigma * sigma + 1);
            Latent out = input.call(cIn, x, timesteps.apply(model, sigma));
            return prediction.denoised(x, sigma, out, into);
        };
    }

    /**
     * {@return a rectified-flow network: input {@code x} as is (flow frame), timestep {@code sigma * N}, {@code D = x - sigma v}}
     *
     * @param f the network, predicting the velocity {@code v}
     * @param model its flow noise model
     */
    public static Denoiser flow(ModelFunction f, FlowNoiseModel model) {
        return (Adapter) (x, sigma, into) -> Prediction.FLOW.denoised(x, sigma, f.apply(x, sigma * model.numTrainTimesteps()), into);
    }

    /**
     * An EDM-preconditioned network (Karras et al. 2022, Table 1): {@code D = c_skip x + c_out F(c_in x, log(sigma)/4)}
     * with {@code c_skip = sd^2/(sigma^2+sd^2)}, {@code c_out = sigma sd / sqrt(sigma^2+sd^2)},
     * {@code c_in = 1/sqrt(sigma^2+sd^2)}.
     *
     * @param f the network {@code F}
     * @param model its EDM noise model ({@code sigma_data})
     * @return the denoiser {@code D(x, sigma)}
     */
    public static Denoiser edm(ModelFunction f, EdmNoiseModel model) {
        double sd = model.sigmaData();
        ModelInput input = new ModelInput(f);
        return (Adapter) (x, sigma, into) -> {
            double v = sigma * sigma + sd * sd;
            double cSkip = sd * sd / v;
            double cOut = sigma * sd / Math.sqrt(v);
            double cIn = 1 / Math.sqrt(v);
            Latent out = input.call(cIn, x, model.timestepOf(sigma));
            return into.sum(cSkip, x, cOut, out);
        };
    }

    /**
     * A model adapter: writes its denoised estimate into the caller's ring where one is given
     * ({@link Denoiser#denoise(Latent, double, LatentRing)}).
     */
    @FunctionalInterface
    private interface Adapter extends Denoiser {
        @Override
        Latent denoise(Latent x, double sigma, LatentRing into);

        @Override
        default Latent denoise(Latent x, double sigma) {
            return denoise(x, sigma, LatentRing.none());
        }
    }

    /**
     * The network input {@code c_in x}, in storage the adapter reuses from call to call instead of a new latent per
     * call: one ring per concurrent call (taken and given back), so the input is valid during the network call only
     * (the {@link ModelFunction} contract). A network that returns its input keeps it: that latent leaves the ring.
     */
    private static final class ModelInput {
        private final ModelFunction f;
        private final AtomicReference<LatentRing> spare = new AtomicReference<>();

        ModelInput(ModelFunction f) {
            this.f = f;
        }

        Latent call(double cIn, Latent x, double timestep) {
            LatentRing ring = spare.getAndSet(null);
            if (ring == null) ring = LatentRing.of(1);
            Latent out = f.apply(ring.scale(cIn, x), timestep);
            ring.release(out);
            spare.set(ring);
            return out;
        }
    }

    /**
     * Clips the denoised estimate to {@code [-range, range]} (diffusers' {@code clip_sample}).
     *
     * @param d the denoiser to wrap
     * @param range the bound, positive (diffusers' {@code clip_sample_range}, 1 for pixels in {@code [-1, 1]})
     * @return a denoiser whose estimates lie in {@code [-range, range]}
     */
    public static Denoiser clipSample(Denoiser d, double range) {
        return (x, sigma) -> {
            double[] v = d.denoise(x, sigma).toDoubleArray();
            for (int i = 0; i < v.length; i++) v[i] = Math.max(-range, Math.min(range, v[i]));
            return x.withValues(v);
        };
    }

    /**
     * Dynamic thresholding (Saharia et al. 2022, Imagen; diffusers {@code _threshold_sample}): per batch item,
     * {@code s = clamp(quantile(|x0|, ratio), min=1, max=maxValue)} with {@code torch.clamp}'s order (the minimum first,
     * then the maximum, so {@code s = maxValue} when {@code maxValue < 1}, as in diffusers), then
     * {@code x0 = clamp(x0, -s, s) / s}.
     *
     * @param d the denoiser to wrap
     * @param ratio the quantile of {@code |x0|}, in {@code (0, 1]} (diffusers' {@code dynamic_thresholding_ratio}, 0.995)
     * @param maxValue the largest threshold (diffusers' {@code sample_max_value})
     * @return a denoiser with thresholded estimates
     */
    public static Denoiser dynamicThresholding(Denoiser d, double ratio, double maxValue) {
        return (x, sigma) -> {
            Latent x0 = d.denoise(x, sigma);
            double[] v = x0.toDoubleArray();
            int batch = x0.shape()[0];
            int per = v.length / batch;
            for (int b = 0; b < batch; b++) {
                double[] abs = new double[per];
                for (int i = 0; i < per; i++) abs[i] = Math.abs(v[b * per + i]);
                double s = Math.min(maxValue, Math.max(1, quantile(abs, ratio)));
                for (int i = b * per; i < (b + 1) * per; i++) v[i] = Math.max(-s, Math.min(s, v[i])) / s;
            }
            return x0.withValues(v);
        };
    }

    /** {@code torch.quantile} with linear interpolation. */
    static double quantile(double[] values, double q) {
        double[] s = values.clone();
        java.util.Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
