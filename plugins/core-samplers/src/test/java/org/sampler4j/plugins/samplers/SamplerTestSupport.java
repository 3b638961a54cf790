package org.sampler4j.plugins.samplers;

import java.util.Random;
import java.util.function.BiConsumer;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.SamplingContext;

/** Fixtures shared by the sampler unit tests. */
final class SamplerTestSupport {
    /** k-diffusion get_sigmas_karras(5, 0.0291675, 14.614642) (float64), as in the golden runs. */
    static final double[] KARRAS_5 = {14.614642000000002, 4.796541829538071, 1.2741046095069786, 0.24795151395848186,
            0.029167500000000013, 0.0};
    /** k-diffusion get_sigmas_karras(10, 0.0291675, 14.614642) (float64), as in the golden runs. */
    static final double[] KARRAS_10 = {14.614642000000002, 9.102933809129306, 5.478398998853922, 3.1686095477659966,
            1.7494221961418408, 0.9140759353356421, 0.446920586813722, 0.2013996971917513, 0.08191097563728135,
            0.029167500000000013, 0.0};

    private SamplerTestSupport() {}

    /** Eight 2-D points with standard normal coordinates times {@code scale} (float64). */
    static Latent randomLatent(long seed, double scale) {
        Random r = new Random(seed);
        double[] v = new double[16];
        for (int i = 0; i < v.length; i++) v[i] = scale * r.nextGaussian();
        return ArrayLatent.ofDoubles(v, 8, 2);
    }

    /** Reproducible i.i.d. normal noise. */
    static SamplingContext seededNoise(long seed) {
        return seededNoise(seed, (s, sn) -> { });
    }

    /** Reproducible i.i.d. normal noise that reports the {@code (sigma, sigma_next)} of every draw. */
    static SamplingContext seededNoise(long seed, BiConsumer<Double, Double> onDraw) {
        Random r = new Random(seed);
        return SamplingContext.of((s, sn, like) -> {
            onDraw.accept(s, sn);
            double[] v = new double[like.size()];
            for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
            return like.withValues(v);
        });
    }
}
