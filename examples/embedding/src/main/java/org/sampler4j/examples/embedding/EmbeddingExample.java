package org.sampler4j.examples.embedding;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.noise.SeededNoise;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerStepper;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.EdmNoiseModel;
import org.sampler4j.api.schedule.Schedule;

/**
 * Samples a 2-D Gaussian mixture with sampler4j as a plain library: the denoiser is a lambda, the samplers come from
 * the classpath. Once in callback style (the sampler calls the model) and once in loop-owning style (our loop calls
 * the model). The error is measured against the exact ODE solution, computed with a 4000-step DPM-Solver++(2M) run.
 */
public final class EmbeddingExample {
    private EmbeddingExample() {}

    /** Runs the example and prints the errors; returns {callback error, loop error}. */
    public static double[] run(PrintStream out) {
        GaussianMixture gmm = GaussianMixture.golden();
        Denoiser model = (x, sigma) -> gmm.denoise(x, sigma);           // any lambda D(x; sigma) will do

        EdmNoiseModel noiseModel = new EdmNoiseModel(0.03, 15, 0.5);
        double[] sigmas = Schedule.linspace(12).karras().resolve(noiseModel).sigmas();
        Latent noise = SeededNoise.initial(SeededNoise.Rng.TORCH_CPU, new long[] {1, 2, 3, 4}, Latent.Precision.FLOAT64, 2);
        Latent x0 = Latents.scale(sigmas[0], noise);

        Latent exact = solve(Samplers.get("dpmpp_2m"), model, x0, Schedule.linspace(4000).karras().resolve(noiseModel).sigmas());

        // 1. callback style: the sampler drives
        Sampler heun = Samplers.get("heun");
        Latent viaCallback = heun.sample(model, x0, sigmas, heun.options(Map.of()), SamplingContext.deterministic());

        // 2. loop-owning style: we drive, the sampler is suspended between model calls
        Latent viaLoop;
        try (SamplerStepper stepper = new SamplerStepper(heun, heun.options(Map.of()), sigmas, x0, SamplingContext.deterministic())) {
            for (SamplerStepper.Request r = stepper.next(); r != null; r = stepper.next()) {
                stepper.respond(model.denoise(r.x(), r.sigma()));           // call "our" model here
            }
            viaLoop = stepper.result();
        }

        double e1 = maxAbsDiff(viaCallback, exact);
        double e2 = maxAbsDiff(viaLoop, exact);
        out.printf(Locale.ROOT, "heun, 12 steps, callback style: max error vs exact ODE solution %.3e%n", e1);
        out.printf(Locale.ROOT, "heun, 12 steps, loop-owning style: max error vs exact ODE solution %.3e%n", e2);
        return new double[] {e1, e2};
    }

    private static Latent solve(Sampler s, Denoiser model, Latent x0, double[] sigmas) {
        return s.sample(model, x0, sigmas, s.options(Map.of()), SamplingContext.deterministic());
    }

    private static double maxAbsDiff(Latent a, Latent b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
        return m;
    }

    /** Entry point. */
    public static void main(String[] args) {
        run(System.out);
    }
}
