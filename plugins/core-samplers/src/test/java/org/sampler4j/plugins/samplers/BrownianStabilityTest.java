package org.sampler4j.plugins.samplers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.noise.BrownianTreeNoise;
import org.sampler4j.api.noise.TorchCpuGenerator;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Why the SDE samplers want Brownian-tree noise: with one Brownian path (same seed, same sigma range) the sample
 * converges as the step count grows, so 100 and 800 steps land close to 1600, while another seed lands
 * elsewhere. Golden GMM denoiser, batch 8, Karras schedule.
 */
class BrownianStabilityTest {
    private static final double SIGMA_MIN = 0.0291675;
    private static final double SIGMA_MAX = 14.614642;

    private static double[] karras(int n) {
        double lo = Math.pow(SIGMA_MIN, 1 / 7.0);
        double hi = Math.pow(SIGMA_MAX, 1 / 7.0);
        double[] s = new double[n + 1];
        for (int i = 0; i < n; i++) s[i] = Math.pow(hi + i / (n - 1.0) * (lo - hi), 7);
        return s;
    }

    private static double[] run(String id, int steps, long seed) {
        Sampler s = Samplers.get(id);
        double[] sigmas = karras(steps);
        double[] z = new TorchCpuGenerator(1234).randnDouble(16);
        Latent x = Latents.scale(sigmas[0], ArrayLatent.ofDoubles(z, 8, 2));
        SamplingContext ctx = SamplingContext.of(new BrownianTreeNoise(seed, SIGMA_MIN, SIGMA_MAX));
        return s.sample(GaussianMixture.golden(), x, sigmas, s.options(Map.of()), ctx).toDoubleArray();
    }

    private static double meanAbsDiff(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
        return sum / a.length;
    }

    /**
     * These solvers converge slowly in the strong (pathwise) sense (about n^-1/2 here: the step's noise is a scaled
     * Brownian increment, not the exact stochastic integral), so the test compares 100 and 800 steps with 1600
     * (mean |difference| 1e-2 and 1.5e-3 for dpmpp_sde, 5e-3 and 4e-4 for the multistep ones; another seed: 1.3).
     */
    @ParameterizedTest
    @ValueSource(strings = {"dpmpp_sde", "dpmpp_2m_sde", "dpmpp_3m_sde"})
    void sameBrownianPathConvergesAcrossStepCounts(String id) {
        double[] fine = run(id, 1600, 7);
        double coarse = meanAbsDiff(run(id, 100, 7), fine);
        double medium = meanAbsDiff(run(id, 800, 7), fine);
        double otherSeed = meanAbsDiff(run(id, 1600, 8), fine);
        assertTrue(medium < 0.5 * coarse, id + ": refining the steps on one Brownian path converges");
        assertTrue(coarse < 0.05 * otherSeed, id + ": another seed is another path");
    }
}
