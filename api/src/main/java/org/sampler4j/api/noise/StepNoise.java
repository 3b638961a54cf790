package org.sampler4j.api.noise;

import java.util.ArrayList;
import java.util.List;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.schedule.Names;

/**
 * The per-step noise of stochastic samplers, by name: an i.i.d. generator ({@code torch-cpu}, {@code torch-cuda}: see
 * {@link SeededNoise#steps}) or {@value TorchsdeBrownianNoise#ID} (k-diffusion's {@code BrownianTreeNoiseSampler} on
 * torchsde's Brownian tree, value for value: {@link TorchsdeBrownianNoise}), the default noise of k-diffusion's and
 * ComfyUI's {@code dpmpp_sde}, {@code dpmpp_2m_sde} and {@code dpmpp_3m_sde}
 * ({@link org.sampler4j.api.sampler.Sampler#referenceNoise}).
 */
public final class StepNoise {
    private StepNoise() {}

    /** {@return every per-step noise name} */
    public static List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (SeededNoise.Rng r : SeededNoise.Rng.values()) ids.add(r.id());
        ids.add(TorchsdeBrownianNoise.ID);
        return List.copyOf(ids);
    }

    /**
     * Checks a per-step noise name.
     *
     * @param id a per-step noise name
     * @return {@code id}
     * @throws IllegalArgumentException naming the known ones (and the closest)
     */
    public static String check(String id) {
        if (!ids().contains(id)) throw new IllegalArgumentException(Names.unknown("rng", id, ids()));
        return id;
    }

    /**
     * The per-step noise {@code id} for a run whose item {@code b} has seed {@code seeds[b]}: the i.i.d. generators draw
     * from {@code seeds[b] + 1} ({@link SeededNoise#steps}); the Brownian tree of item {@code b} has entropy
     * {@code seeds[b]} (ComfyUI passes the run's seed) over the schedule's positive sigma range
     * ({@link TorchsdeBrownianNoise#forSchedule}).
     *
     * @param id a per-step noise name ({@link #ids()})
     * @param seeds one seed per batch item
     * @param sigmas the schedule's sigmas (the Brownian tree's range)
     * @param precision the latent's precision
     * @return the noise source of the run
     */
    public static NoiseSource create(String id, long[] seeds, double[] sigmas, Latent.Precision precision) {
        if (TorchsdeBrownianNoise.ID.equals(check(id))) return TorchsdeBrownianNoise.forSchedule(seeds, sigmas, precision);
        return SeededNoise.steps(SeededNoise.Rng.parse(id), seeds);
    }
}
