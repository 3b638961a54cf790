package org.sampler4j.api.sampler;

/**
 * Where stochastic samplers get their noise. Each call returns standard normal noise shaped like {@code like};
 * Brownian-tree sources use the interval {@code [sigmaNext, sigma]} to return correlated increments, i.i.d.
 * sources ignore it.
 */
@FunctionalInterface
public interface NoiseSource {
    /**
     * @param sigma the current noise level
     * @param sigmaNext the next noise level
     * @param like a latent with the wanted shape and precision
     * @return unit-variance noise of {@code like}'s shape and precision
     */
    Latent noise(double sigma, double sigmaNext, Latent like);
}
