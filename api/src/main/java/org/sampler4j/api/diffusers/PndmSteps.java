package org.sampler4j.api.diffusers;

import java.util.ArrayList;
import java.util.List;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * {@code step} of diffusers' {@code PNDMScheduler}, on the sample it is given: the Runge-Kutta warm-up
 * ({@code step_prk}, four model calls per step on the doubled timesteps, {@code skip_prk_steps=False}) and the
 * linear multistep steps ({@code step_plms}, with the Heun-like second call when {@code skip_prk_steps=True}), driven by
 * the class's call counter exactly as diffusers drives them; every update is {@code _get_prev_sample} between two
 * integer timesteps on the float32 {@code alphas_cumprod}.
 *
 * <p>Provenance: Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models on Manifolds"; diffusers
 * {@code scheduling_pndm.py} {@code step_prk}, {@code step_plms}, {@code _get_prev_sample}.
 */
final class PndmSteps implements ClassSteps {
    private final boolean skipPrk;
    private final boolean vPrediction;
    private final float[] alphasCumprod;
    private final double finalAlphaCumprod;
    private final int stride;
    private final double[] prkTimesteps;
    private int counter;
    private final List<Latent> ets = new ArrayList<>();
    private Latent curModelOutput;
    private Latent curSample;

    PndmSteps(DiffusersConfig cfg, DiffusersTimesteps ts) {
        Prediction p = Prediction.parse(cfg.str("prediction_type"));
        if (p != Prediction.EPSILON && p != Prediction.V_PREDICTION) {
            throw new ScheduleException(cfg.className() + " supports prediction_type epsilon or v_prediction, got '" + p.id() + "'");
        }
        DiscreteNoiseModel model = DdpmFamily.model(cfg);
        this.skipPrk = cfg.bool("skip_prk_steps");
        this.vPrediction = p == Prediction.V_PREDICTION;
        this.alphasCumprod = model.alphasCumprod();
        this.finalAlphaCumprod = cfg.bool("set_alpha_to_one") ? 1.0 : alphasCumprod[0];
        this.stride = model.numTrainTimesteps() / ts.numInferenceSteps();
        this.prkTimesteps = ts.extras().get("prk_timesteps");
    }

    @Override
    public Latent scaleModelInput(Latent sample, double t, int index) {
        return sample;
    }

    @Override
    public Latent step(Latent out, double t, Latent sample, int index) {
        int timestep = (int) t;
        return counter < prkTimesteps.length && !skipPrk ? stepPrk(out, timestep, sample) : stepPlms(out, timestep, sample);
    }

    /** {@code step_prk}: RK4 over half steps; the four calls of a step share the sample and timestep of its first. */
    private Latent stepPrk(Latent out, int timestep, Latent sample) {
        int prevTimestep = timestep - (counter % 2 == 1 ? 0 : stride / 2);
        int from = (int) prkTimesteps[counter / 4 * 4];
        Latent eps = out;
        switch (counter % 4) {
            case 0:
                curModelOutput = accumulate(1.0 / 6, out);
                ets.add(out);
                curSample = sample;
                break;
            case 1:
            case 2:
                curModelOutput = accumulate(1.0 / 3, out);
                break;
            default:
                eps = accumulate(1.0 / 6, out);
                curModelOutput = null;
                break;
        }
        Latent prev = prevSample(curSample != null ? curSample : sample, from, prevTimestep, eps);
        counter++;
        return prev;
    }

    private Latent accumulate(double weight, Latent out) {
        return curModelOutput == null ? Latents.scale(weight, out) : Latents.sum(1, curModelOutput, weight, out);
    }

    /** {@code step_plms}: Adams-Bashforth on the stored model outputs (orders 1 to 4). */
    private Latent stepPlms(Latent out, int timestep, Latent sample) {
        if (!skipPrk && ets.size() < 3) {
            throw new IllegalStateException("PNDMScheduler: step_plms needs the 12 Runge-Kutta warm-up calls first (diffusers raises);"
                    + " iterate over timesteps() from the start");
        }
        int prevTimestep = timestep - stride;
        if (counter != 1) {
            while (ets.size() > 3) ets.remove(0);
            ets.add(out);
        } else {
            prevTimestep = timestep;
            timestep = timestep + stride;
        }
        Latent eps;
        Latent x = sample;
        if (ets.size() == 1 && counter == 0) {
            eps = out;
            curSample = sample;
        } else if (ets.size() == 1 && counter == 1) {
            eps = Latents.sum(0.5, out, 0.5, ets.get(0));
            x = curSample;
            curSample = null;
        } else {
            eps = adamsBashforth(ets);
        }
        Latent prev = prevSample(x, timestep, prevTimestep, eps);
        counter++;
        return prev;
    }

    /**
     * The linear multistep combination of the last (up to four) entries of {@code ets}, newest last: PNDM's
     * {@code step_plms} and IPNDM's {@code step} (Adams-Bashforth coefficients 1; 3/2, -1/2; 23, -16, 5 /12; 55, -59, 37, -9 /24).
     */
    static Latent adamsBashforth(List<Latent> ets) {
        int n = ets.size();
        return switch (Math.min(n, 4)) {
            case 1 -> ets.get(n - 1);
            case 2 -> Latents.sum(1.5, ets.get(n - 1), -0.5, ets.get(n - 2));
            case 3 -> Latents.sum(23.0 / 12, ets.get(n - 1), -16.0 / 12, ets.get(n - 2), 5.0 / 12, ets.get(n - 3));
            default -> Latents.sum(new double[] {55.0 / 24, -59.0 / 24, 37.0 / 24, -9.0 / 24},
                    new Latent[] {ets.get(n - 1), ets.get(n - 2), ets.get(n - 3), ets.get(n - 4)});
        };
    }

    /** {@code _get_prev_sample}: formula (9) of the paper, from timestep {@code t} to {@code prev}. */
    private Latent prevSample(Latent sample, int t, int prev, Latent modelOutput) {
        double alpha = alphasCumprod[t];
        double alphaPrev = prev >= 0 ? alphasCumprod[prev] : finalAlphaCumprod;
        double beta = 1 - alpha;
        double betaPrev = 1 - alphaPrev;
        Latent eps = vPrediction ? Latents.sum(Math.sqrt(alpha), modelOutput, Math.sqrt(beta), sample) : modelOutput;
        double sampleCoeff = Math.sqrt(alphaPrev / alpha);
        double denom = alpha * Math.sqrt(betaPrev) + Math.sqrt(alpha * beta * alphaPrev);
        return Latents.sum(sampleCoeff, sample, -(alphaPrev - alpha) / denom, eps);
    }
}
