package org.example.sampler4j;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * The classical fourth-order Runge-Kutta method on the probability-flow ODE {@code dx/dsigma = (x - D(x; sigma)) / sigma}
 * (Karras et al. 2022, eq. 3): four model calls per step, error O(h^4) where Euler's is O(h). The idea: k-diffusion's
 * Heun is RK2 on this ODE; RK4 is the next rung of the same ladder (PNDM, Liu et al. 2022, uses it to warm up). The
 * step to sigma = 0 is an Euler step ({@code x = D(x; sigma)}), as the derivative is undefined at 0.
 *
 * <p>Stateless: everything lives in local variables, as sampler4j requires of extensions.
 */
@Extension
public final class Rk4 implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("rk4", List.of("runge_kutta_4"),
            "classical 4th-order Runge-Kutta on the probability-flow ODE (4 model calls per step)",
            "Runge-Kutta (1901) on Karras et al. 2022, eq. 3; example third-party plugin", List.of(),
            SamplerInfo.Capabilities.deterministic(4));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions options, SamplingContext ctx) {
        for (int i = 0; i < sigmas.length - 1; i++) {
            double s = sigmas[i];
            double h = sigmas[i + 1] - s;
            Latent denoised = model.denoise(x, s);
            if (sigmas[i + 1] == 0) {
                x = denoised;
            } else {
                Latent k1 = Latents.toD(x, s, denoised);
                Latent k2 = slope(model, Latents.sum(1, x, h / 2, k1), s + h / 2);
                Latent k3 = slope(model, Latents.sum(1, x, h / 2, k2), s + h / 2);
                Latent k4 = slope(model, Latents.sum(1, x, h, k3), s + h);
                x = Latents.sum(new double[] {1, h / 6, h / 3, h / 3, h / 6}, new Latent[] {x, k1, k2, k3, k4});
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }

    /** {@code dx/dsigma} at {@code (x, sigma)}. */
    private static Latent slope(Denoiser model, Latent x, double sigma) {
        return Latents.toD(x, sigma, model.denoise(x, sigma));
    }
}
