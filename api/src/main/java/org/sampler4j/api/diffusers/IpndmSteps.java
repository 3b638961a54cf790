package org.sampler4j.api.diffusers;

import java.util.ArrayList;
import java.util.List;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;

/**
 * {@code step} of diffusers' {@code IPNDMScheduler} on the sample it is given: the combined estimate
 * {@code sample * beta + model_output * alpha} of each call joins a history that {@code set_timesteps} alone clears
 * (a second pass over the timesteps after the step index is reset keeps it, as in diffusers), then Adams-Bashforth of
 * order up to 4 on that history and the update to the next position.
 *
 * <p>Provenance: Zhang and Chen 2023, "Fast Sampling of Diffusion Models with Exponential Integrator" (iPNDM);
 * diffusers {@code scheduling_ipndm.py} {@code step}, {@code _get_prev_sample}.
 */
final class IpndmSteps implements ClassSteps {
    private static final double ALPHA_MIN = 1e-8;

    private final double[] betas;
    private final double[] alphas;
    private final List<Latent> ets = new ArrayList<>();

    IpndmSteps(DiffusersTimesteps ts) {
        this.betas = ts.extras().get("betas");
        this.alphas = ts.extras().get("alphas");
    }

    @Override
    public Latent scaleModelInput(Latent sample, double t, int index) {
        return sample;
    }

    @Override
    public Latent step(Latent out, double t, Latent sample, int index) {
        ets.add(Latents.sum(betas[index], sample, alphas[index], out));
        Latent e = PndmSteps.adamsBashforth(ets);
        double alpha = alphas[index];
        double sigma = betas[index];
        double nextAlpha = alphas[index + 1];
        double nextSigma = betas[index + 1];
        // pred = (sample - sigma * ets) / max(alpha, 1e-8); prev = next_alpha * pred + ets * next_sigma
        double inv = 1 / Math.max(alpha, ALPHA_MIN);
        Latent pred = Latents.sum(inv, sample, -sigma * inv, e);
        return Latents.sum(nextAlpha, pred, nextSigma, e);
    }
}
