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
 * Heun++: Euler predictions one and two sigmas ahead, derivatives averaged with weights {@code sigma_{i+1} / (3 sigma_0)},
 * {@code sigma_{i+2} / (3 sigma_0)} and the rest on the current one (Heun with weight {@code sigma_{i+1} / (2 sigma_0)}
 * on the second-to-last step, Euler on the last). Carzit sd-webui-samplers-scheduler (no paper); ComfyUI {@code sample_heunpp2}.
 *
 * <p>As ComfyUI, it draws the churn noise on every step, also when {@code s_churn = 0} (then unused), and "last step"
 * means {@code sigma_{i+1} == sigmas[-1]}, not {@code sigma_{i+1} == 0}.
 */
@Extension
public final class Heunpp2 implements Sampler {
    private static final List<OptionSpec> OPTIONS = Churn.OPTIONS.stream().filter(s -> !s.name().equals("reference")).toList();
    private static final SamplerInfo INFO = new SamplerInfo("heunpp2", List.of(),
            "Heun with a third look-ahead derivative, weighted by sigma / sigma_0 (up to 3 model calls per step)",
            "Carzit sd-webui-samplers-scheduler Heun++ (ComfyUI sample_heunpp2)", OPTIONS, SamplerInfo.Capabilities.stochastic(3));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        double sEnd = sigmas[sigmas.length - 1];
        double[] sigmaHat = new double[1];
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(4); // x, the churned x, the Euler step and the third point
        LatentRing ds = storage.ring(3); // the estimates at the three points (the first is reported after the step)
        LatentRing derivatives = storage.ring(3); // d, d2 and d3
        for (int i = 0; i < sigmas.length - 1; i++) {
            x = Churn.apply(x, sigmas, i, o, ctx, sigmaHat, true, xs);
            double s = sigmaHat[0];
            double s1 = sigmas[i + 1];
            Latent denoised = storage.denoise(x, s, ds);
            Latent d = derivatives.toD(x, s, denoised);
            double dt = s1 - s;
            Latent euler = xs.sum(1, x, dt, d);
            if (s1 == sEnd) {
                x = euler;
            } else {
                Latent d2 = derivatives.toD(euler, s1, storage.denoise(euler, s1, ds));
                if (sigmas[i + 2] == sEnd) {
                    double w2 = s1 / (2 * sigmas[0]);
                    double w1 = 1 - w2;
                    x = xs.sum(1, x, dt * w1, d, dt * w2, d2);
                } else {
                    double s2 = sigmas[i + 2];
                    Latent x3 = xs.sum(1, euler, s2 - s1, d2);
                    Latent d3 = derivatives.toD(x3, s2, storage.denoise(x3, s2, ds));
                    double w2 = s1 / (3 * sigmas[0]);
                    double w3 = s2 / (3 * sigmas[0]);
                    double w1 = 1 - w2 - w3;
                    x = xs.sum(1, x, dt * w1, d, dt * w2, d2, dt * w3, d3);
                }
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
