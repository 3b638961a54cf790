package org.sampler4j.api.sampler;

import java.util.Map;
import org.pf4j.ExtensionPoint;

/**
 * Extension point: a sampler that walks a sigma schedule with a denoiser, in k-diffusion's shape
 * ({@code sample_x(model, x, sigmas, ...)}). Samplers are stateless: everything lives in local variables of
 * {@link #sample}, and the host may create a new instance per use.
 */
public interface Sampler extends ExtensionPoint {
    /** {@return the id, aliases, options and capabilities} */
    SamplerInfo info();

    /**
     * Samples.
     *
     * @param model the denoiser {@code D(x; sigma)}
     * @param x the initial latent, already scaled to {@code sigmas[0]} (k-diffusion: {@code noise * sigmas[0]})
     * @param sigmas the {@code n+1} sigmas, descending, usually ending at 0
     * @param options validated options ({@link #options})
     * @param ctx noise and per-step hook
     * @return the final latent
     */
    Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions options, SamplingContext ctx);

    /**
     * The per-step noise this sampler's reference implementation draws with these options, as a
     * {@link org.sampler4j.api.noise.StepNoise} name, or {@code null} for i.i.d. normals from the run's generator. A host
     * uses it when the user names no per-step noise: k-diffusion's and ComfyUI's SDE DPM-Solver++ samplers answer
     * {@code brownian-torchsde}.
     *
     * @param options the validated options
     * @return a per-step noise name, or {@code null}
     */
    default String referenceNoise(SamplerOptions options) {
        return null;
    }

    /**
     * Validates options for this sampler (defaults filled in).
     *
     * @param given the values by name; options not given take their defaults
     * @return the validated options
     * @throws IllegalArgumentException naming the option and the fix
     */
    default SamplerOptions options(Map<String, ?> given) {
        return SamplerOptions.of(info().id(), info().options(), given);
    }
}
