package org.sampler4j.plugins.samplers;

import org.sampler4j.api.math.LmsCoefficients;
import java.util.ArrayDeque;
import java.util.Deque;
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
 * Linear multistep (Adams-Bashforth on the sigma grid) on the probability-flow ODE (Karras et al. 2022 ODE); k-diffusion {@code sample_lms}.
 *
 * <p>{@code reference=k-diffusion} (default): the last step (to {@code sigma = 0}) is integrated with LMS coefficients
 * like every other step. {@code comfyui}: the last step returns the denoised estimate ({@code x = denoised}); the two
 * differ by a few 1e-3 in the final latent.
 */
@Extension
public final class Lms implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("lms", List.of("k_lms", "LMSDiscreteScheduler"),
            "linear multistep method of the given order on the sigma grid (lower orders while history builds up)",
            "Karras et al. 2022 ODE, linear multistep (k-diffusion sample_lms)",
            List.of(OptionSpec.integer("order", 4, 1, null, "number of past derivatives combined"),
                    OptionSpec.choice("reference", Churn.K_DIFFUSION, List.of(Churn.K_DIFFUSION, Churn.COMFYUI),
                            "last step: LMS integration to sigma 0 (k-diffusion) or x = denoised (comfyui)")),
            SamplerInfo.Capabilities.deterministic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        int order = o.integer("order");
        boolean comfy = o.choice("reference").equals(Churn.COMFYUI);
        Deque<Latent> ds = new ArrayDeque<>(); // newest first
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing estimates = storage.ring(1);
        LatentRing derivatives = storage.ring(order + 1); // ds and the new derivative
        for (int i = 0; i < sigmas.length - 1; i++) {
            Latent denoised = storage.denoise(x, sigmas[i], estimates);
            ds.addFirst(derivatives.toD(x, sigmas[i], denoised));
            if (ds.size() > order) ds.removeLast();
            if (comfy && sigmas[i + 1] == 0) {
                x = denoised;
            } else {
                double[] c = LmsCoefficients.of(sigmas, i, ds.size());
                double[] coeffs = new double[c.length + 1];
                Latent[] terms = new Latent[c.length + 1];
                coeffs[0] = 1;
                terms[0] = x;
                int j = 1;
                for (Latent d : ds) {
                    coeffs[j] = c[j - 1];
                    terms[j++] = d;
                }
                x = xs.sum(coeffs, terms);
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
