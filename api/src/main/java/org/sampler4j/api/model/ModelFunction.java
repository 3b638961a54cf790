package org.sampler4j.api.model;

import org.sampler4j.api.sampler.Latent;

/** A network as it is called: {@code out = f(modelInput, timestep)} (conditioning is bound inside). */
@FunctionalInterface
public interface ModelFunction {
    /**
     * @param modelInput the scaled input ({@code c_in * x}); {@link Denoisers}' adapters reuse its storage from call to
     *        call, so it is valid during this call only (copy it to keep it)
     * @param timestep the conditioning timestep ({@code t}, fractional where the adapter interpolates)
     * @return the raw network output, of {@code modelInput}'s shape
     */
    Latent apply(Latent modelInput, double timestep);
}
