package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplerStorage;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Multistep DEIS (Adams-Bashforth on the noise prediction, exponential-integrator time variables). Zhang &amp; Chen 2023
 * (DEIS); ComfyUI {@code sample_deis} ('tab'), diffusers {@code DEISMultistepScheduler} ('logrho'). Coefficients:
 * {@link DeisCoefficients}. {@code reference=comfyui} takes ComfyUI's Riemann-sum 'tab' coefficients (about 1e-4
 * off the exact integral that {@code sampler4j}, the default, uses). A step to sigma 0 is an Euler step (x = denoised).
 */
@Extension
public final class Deis implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("deis", List.of("DEISMultistepScheduler"),
            "multistep DEIS of the given order (1 model call per step; lower orders while history builds up)",
            "Zhang & Chen 2023, DEIS tAB / log-rho AB (ComfyUI sample_deis, diffusers DEISMultistepScheduler)",
            List.of(OptionSpec.integer("order", 3, 1, 3, "number of past noise predictions combined"),
                    OptionSpec.choice("deis_mode", DeisCoefficients.TAB, List.of(DeisCoefficients.TAB, DeisCoefficients.LOGRHO),
                            "interpolation variable: VP time t (tab, ComfyUI) or log sigma (logrho, diffusers)"),
                    OptionSpec.bool("lower_order_final", false, "with fewer than 15 steps: first order on the last step, at most second on the one before (diffusers)"),
                    OptionSpec.choice("reference", UniPc.SAMPLER4J, List.of(UniPc.SAMPLER4J, Churn.COMFYUI),
                            "tab coefficients: exact integral (sampler4j) or ComfyUI's 10,000-point Riemann sum")),
            SamplerInfo.Capabilities.deterministic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        int n = sigmas.length - 1;
        int order = o.integer("order");
        boolean lowerFinal = o.bool("lower_order_final") && n < 15;
        boolean riemann = o.choice("reference").equals(Churn.COMFYUI);
        Latent[] d = new Latent[order]; // noise predictions, newest first
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(1);
        LatentRing predictions = storage.ring(order); // d: the newest overwrites the one that leaves it
        for (int i = 0; i < n; i++) {
            Latent denoised = storage.denoise(x, sigmas[i], ds);
            System.arraycopy(d, 0, d, 1, order - 1);
            d[0] = predictions.toD(x, sigmas[i], denoised);
            int p = sigmas[i + 1] == 0 ? 1 : Math.min(order, i + 1);
            if (lowerFinal) p = Math.min(p, n - i);
            double[] c = p == 1 ? new double[] {sigmas[i + 1] - sigmas[i]} : DeisCoefficients.of(o.choice("deis_mode"), riemann, sigmas, i, p);
            double[] coeffs = new double[p + 1];
            Latent[] terms = new Latent[p + 1];
            coeffs[0] = 1;
            terms[0] = x;
            for (int j = 0; j < p; j++) {
                coeffs[j + 1] = c[j];
                terms[j + 1] = d[j];
            }
            x = xs.sum(coeffs, terms);
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
