package org.sampler4j.api.noise;

import java.util.Objects;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.NoiseSource;

/**
 * The noise a diffusers loop draws from one {@code torch.Generator}: every draw is
 * {@code randn_tensor(shape, generator=g)} over the <em>whole</em> latent (the batch shares one stream, item after
 * item), in the latent's dtype, from a CPU generator ({@link TorchCpuGenerator}) or a CUDA one
 * ({@link TorchCudaGenerator}). This is what replays a diffusers scheduler loop such as
 * {@code generator = torch.manual_seed(0); scheduler.step(..., generator=generator)}.
 *
 * <p>{@link SeededNoise#steps} is different on purpose: it seeds batch item {@code b} with {@code seed + b + 1}
 * (ComfyUI's convention), which is right for the samplers but not for replaying diffusers.
 *
 * <p>Provenance: diffusers {@code utils/torch_utils.py randn_tensor} with a single generator. Not thread-safe.
 */
public final class TorchGeneratorNoise implements NoiseSource {
    private final TorchCpuGenerator cpu;
    private final TorchCudaGenerator cuda;

    private TorchGeneratorNoise(TorchCpuGenerator cpu, TorchCudaGenerator cuda) {
        this.cpu = cpu;
        this.cuda = cuda;
    }

    /**
     * {@code torch.Generator('cpu').manual_seed(seed)} (also what {@code torch.manual_seed(seed)} returns).
     *
     * @param seed the seed, as given to {@code manual_seed}
     * @return a noise source drawing from a fresh generator
     */
    public static TorchGeneratorNoise cpu(long seed) {
        return new TorchGeneratorNoise(new TorchCpuGenerator(seed), null);
    }

    /**
     * Draws from the given CPU generator (its state advances as torch's would).
     *
     * @param generator the generator to draw from (shared, not copied)
     * @return a noise source drawing from {@code generator}
     */
    public static TorchGeneratorNoise of(TorchCpuGenerator generator) {
        return new TorchGeneratorNoise(Objects.requireNonNull(generator, "generator"), null);
    }

    /**
     * {@code torch.Generator('cuda').manual_seed(seed)}, with the H200/H100 launch geometry of {@link TorchCudaGenerator}.
     *
     * @param seed the seed, as given to {@code manual_seed}
     * @return a noise source drawing from a fresh generator
     */
    public static TorchGeneratorNoise cuda(long seed) {
        return new TorchGeneratorNoise(null, new TorchCudaGenerator(seed));
    }

    /**
     * Draws from the given CUDA generator.
     *
     * @param generator the generator to draw from (shared, not copied)
     * @return a noise source drawing from {@code generator}
     */
    public static TorchGeneratorNoise of(TorchCudaGenerator generator) {
        return new TorchGeneratorNoise(null, Objects.requireNonNull(generator, "generator"));
    }

    /**
     * {@code torch.randn(like.shape, generator=g, dtype=like.dtype)}; the sigmas are ignored (i.i.d. draws).
     *
     * @param sigma the current sigma (ignored)
     * @param sigmaNext the next sigma (ignored)
     * @param like the latent whose shape and precision the noise takes
     * @return standard normal noise, the generator advanced past it
     */
    @Override
    public Latent noise(double sigma, double sigmaNext, Latent like) {
        int n = like.size();
        boolean f64 = like.precision() == Latent.Precision.FLOAT64;
        double[] v = new double[n];
        if (cpu != null) {
            if (f64) {
                v = cpu.randnDouble(n);
            } else {
                float[] f = cpu.randnFloat(n);
                for (int i = 0; i < n; i++) v[i] = f[i];
            }
        } else if (f64) {
            v = cuda.randnDouble(n);
        } else {
            float[] f = cuda.randnFloat(n);
            for (int i = 0; i < n; i++) v[i] = f[i];
        }
        return like.withValues(v);
    }
}
