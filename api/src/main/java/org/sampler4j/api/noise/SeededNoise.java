package org.sampler4j.api.noise;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntFunction;
import org.sampler4j.api.math.Parallel;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.schedule.Names;

/**
 * Reproducible noise with one seed per batch item, so that a batch of 4 gives exactly the images of 4 runs of 1.
 * Two separate streams per item: the initial latent ({@link #initial}) and the per-step noise of stochastic samplers
 * ({@link #steps}), seeded with {@code seed + 1} as ComfyUI's default noise sampler does, so that changing the sampler
 * never changes the starting noise.
 *
 * <p>{@link Rng#TORCH_CPU} is bit-exact with {@code torch.randn(shape, generator=torch.Generator('cpu').manual_seed(seed))};
 * {@link Rng#TORCH_CUDA} reproduces {@code torch.Generator('cuda')} to within 2e-6 (see {@link TorchCudaGenerator}).
 *
 * <p>float32 noise is written straight into the new latent's storage; the items of a batch are drawn in parallel
 * when the batch is large ({@link Parallel}), each from its own generator, so the values never depend on it.
 */
public final class SeededNoise {
    /** Which PyTorch generator to reproduce. */
    public enum Rng {
        /** {@code torch.Generator('cpu')} (ComfyUI's and A1111's "CPU" noise). */
        TORCH_CPU,
        /** {@code torch.Generator('cuda')} (diffusers pipelines on a GPU). */
        TORCH_CUDA;

        /** {@return the DSL and recipe name: {@code torch-cpu} or {@code torch-cuda}} */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * Parses {@code torch-cpu} or {@code torch-cuda}.
         *
         * @param s the name
         * @return the generator kind
         * @throws IllegalArgumentException for other names, with a "did you mean"
         */
        public static Rng parse(String s) {
            for (Rng r : values()) if (r.id().equals(s)) return r;
            if (TorchsdeBrownianNoise.ID.equals(s)) {
                throw new IllegalArgumentException("'" + s + "' is a per-step noise, not a generator of the initial noise: give it for the steps"
                        + " (recipe 'rng: {initial: torch-cpu, steps: " + s + "}', command line '--step-rng " + s + "')");
            }
            throw new IllegalArgumentException(Names.unknown("rng", s, Arrays.stream(values()).map(Rng::id).toList()));
        }
    }

    private SeededNoise() {}

    /** Draws float32 noise straight into a slice of the batch's storage. */
    private interface FloatFill {
        void fill(float[] out, int offset, int n);
    }

    /** A per-item generator: float32 noise into the batch's storage, or float64 values. */
    private record Gen(FloatFill floats, IntFunction<double[]> doubles) {}

    private static Gen gen(Rng rng, long seed) {
        if (rng == Rng.TORCH_CPU) {
            TorchCpuGenerator g = new TorchCpuGenerator(seed);
            return new Gen(g::randnFloat, g::randnDouble);
        }
        TorchCudaGenerator g = new TorchCudaGenerator(seed);
        return new Gen(g::randnFloat, g::randnDouble);
    }

    /** One draw of {@code per} values from every item's generator, stacked; the items are drawn in parallel. */
    private static Latent draw(Gen[] gens, int per, Latent like) {
        int items = gens.length;
        if (like.precision() == Latent.Precision.FLOAT32) {
            float[] all = new float[per * items];
            Parallel.forRange(items, 1, per * items, (from, to) -> {
                for (int b = from; b < to; b++) gens[b].floats().fill(all, b * per, per);
            });
            return like.withFloatValues(all);
        }
        double[] all = new double[per * items];
        Parallel.forRange(items, 1, per * items, (from, to) -> {
            for (int b = from; b < to; b++) System.arraycopy(gens[b].doubles().apply(per), 0, all, b * per, per);
        });
        return like.withValues(all);
    }

    /**
     * Standard normal initial noise of shape {@code [seeds.length, itemShape...]}: item {@code b} is
     * {@code torch.randn(itemShape)} from a generator seeded with {@code seeds[b]}.
     *
     * @param rng the generator kind
     * @param seeds one seed per batch item
     * @param precision float32 or float64 values
     * @param itemShape the shape of one item, e.g. {@code [4, 64, 64]}
     * @return the batch of noise, batch first
     */
    public static Latent initial(Rng rng, long[] seeds, Latent.Precision precision, int... itemShape) {
        int per = 1;
        for (int d : itemShape) per *= d;
        Gen[] gens = new Gen[seeds.length];
        for (int b = 0; b < seeds.length; b++) gens[b] = gen(rng, seeds[b]);
        int[] shape = new int[itemShape.length + 1];
        shape[0] = seeds.length;
        System.arraycopy(itemShape, 0, shape, 1, itemShape.length);
        return draw(gens, per, ArrayLatent.zeros(precision, shape));
    }

    /**
     * The per-step noise stream: each call draws one item's worth of noise from each item's generator (seeded with
     * {@code seeds[b] + 1}) and stacks them. Latents must have the batch as first dimension.
     *
     * @param rng the generator kind
     * @param seeds the items' seeds (each stream is seeded with {@code seeds[b] + 1})
     * @return the noise source of the sampler's steps
     */
    public static NoiseSource steps(Rng rng, long[] seeds) {
        Gen[] gens = new Gen[seeds.length];
        for (int b = 0; b < seeds.length; b++) gens[b] = gen(rng, seeds[b] + 1);
        return (sigma, sigmaNext, like) -> {
            if (like.shape()[0] != seeds.length) {
                throw new IllegalArgumentException("noise for a batch of " + like.shape()[0] + " asked from " + seeds.length + " seeds");
            }
            return draw(gens, like.size() / seeds.length, like);
        };
    }
}
