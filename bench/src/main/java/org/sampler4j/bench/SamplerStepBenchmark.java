package org.sampler4j.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Cost of one sampler step (10-step runs, per step) on a float32 latent, against a bare fused loop doing the same
 * arithmetic. The denoiser is a trivial scaling (one pass over the latent) in both, so the difference is the
 * sampler's own overhead. Noise for the SDE sampler is a fixed pre-drawn latent (noise generation is measured
 * separately by the RNG, not here).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SamplerStepBenchmark {
    static final int STEPS = 10;

    @Param({"1x4x64x64", "1x4x128x128"})
    public String shape;

    @Param({"euler", "dpmpp_2m", "dpmpp_2m_sde"})
    public String sampler;

    private Sampler s;
    private SamplerOptions options;
    private Latent x;
    private float[] xf;
    private double[] sigmas;
    private Denoiser denoiser;
    private SamplingContext ctx;

    @Setup(Level.Trial)
    public void setup() {
        String[] d = shape.split("x");
        int[] dims = new int[d.length];
        int n = 1;
        for (int i = 0; i < d.length; i++) n *= dims[i] = Integer.parseInt(d[i]);
        xf = new float[n];
        for (int i = 0; i < n; i++) xf[i] = (float) Math.sin(0.37 * i) * 14.6f;
        x = ArrayLatent.ofFloats(xf, dims);
        sigmas = new double[STEPS + 1];
        for (int i = 0; i < STEPS; i++) sigmas[i] = 14.6 * Math.pow(0.6, i);
        s = Samplers.get(sampler);
        options = s.options(Map.of());
        denoiser = (xi, sigma) -> Latents.scale(0.9, xi);
        Latent noise = ArrayLatent.ofFloats(xf, dims);
        NoiseSource fixed = (a, b, like) -> noise;
        ctx = SamplingContext.of(fixed);
    }

    /** One sampler step, averaged over a 10-step run. */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public Latent samplerStep() {
        return s.sample(denoiser, x, sigmas, options, ctx);
    }

    /**
     * The bare loop: the same denoiser pass and the same update arithmetic as the sampler, fused, on {@code float[]}
     * (euler: 2 terms; dpmpp_2m: 3 terms with the previous denoised; dpmpp_2m_sde: 4 terms with noise).
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public float[] bareFusedLoop() {
        float[] cur = xf.clone();
        float[] old = null;
        for (int k = 0; k < STEPS; k++) {
            double ratio = sigmas[k + 1] / sigmas[k];
            float[] den = denoise(cur);
            float[] next = old == null || sampler.equals("euler") ? update2(cur, den, ratio)
                    : sampler.equals("dpmpp_2m") ? update3(cur, den, old, ratio) : update4(cur, den, old, xf, ratio);
            old = den;
            cur = next;
        }
        return cur;
    }

    // One method per loop, as in ArrayLatent, so that each compiles to its own tight loop.
    private static float[] denoise(float[] x) {
        float[] o = new float[x.length];
        for (int i = 0; i < x.length; i++) o[i] = (float) (0.9 * x[i]);
        return o;
    }

    private static float[] update2(float[] x, float[] d, double r) {
        float[] o = new float[x.length];
        for (int i = 0; i < x.length; i++) o[i] = (float) (r * x[i] + (1 - r) * d[i]);
        return o;
    }

    private static float[] update3(float[] x, float[] d, float[] old, double r) {
        float[] o = new float[x.length];
        for (int i = 0; i < x.length; i++) o[i] = (float) (r * x[i] + 0.7 * d[i] - 0.1 * old[i]);
        return o;
    }

    private static float[] update4(float[] x, float[] d, float[] old, float[] noise, double r) {
        float[] o = new float[x.length];
        for (int i = 0; i < x.length; i++) o[i] = (float) (r * x[i] + 0.7 * d[i] - 0.1 * old[i] + 0.2 * noise[i]);
        return o;
    }
}
