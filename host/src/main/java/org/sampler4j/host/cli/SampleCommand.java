package org.sampler4j.host.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sampler4j.api.ExtensionRegistry;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.noise.SeededNoise;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.EdmNoiseModel;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sampler4j sample}: a smoke command that runs any sampler, a plugin's included, on the built-in analytic model
 * (the 2-D Gaussian mixture {@link GaussianMixture#golden()} with its exact denoiser, on an EDM noise model with sigma
 * 0.03..15) and prints the sampled points. It checks that a sampler loads and runs; real models come with the run
 * command.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Smoke test: run a sampler on the built-in analytic model (a 2-D Gaussian mixture with modes near (-2, 0.5), (1.5, 1.5) "
                + "and (0.5, -2); EDM noise model, sigma 0.03..15) and print the sampled points."},
        footer = {"", "Examples:", "  sampler4j sample euler", "  sampler4j sample dpmpp_2m_sde --schedule 'linspace(20).karras()' \\", "      -o eta=0.5 --seed 7"})
final class SampleCommand implements Callable<Integer> {
    /** The noise model of the analytic mixture (the range of the golden runs). */
    static final EdmNoiseModel MODEL = new EdmNoiseModel(0.03, 15, 0.5);

    @Parameters(paramLabel = "SAMPLER", description = "Sampler id or alias (see 'sampler4j samplers list').")
    String samplerId;

    @Option(names = "--schedule", paramLabel = "SPEC", defaultValue = "linspace(10).karras()", description = "Schedule DSL spec (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the first point; point i uses seed+i (torch CPU generator). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--batch", defaultValue = "4", description = "Number of points (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE", description = "Sampler option (see 'sampler4j samplers ID').")
    Map<String, String> options = new LinkedHashMap<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        if (batch < 1 || batch > 1000) throw new Main.UserException("--batch must be between 1 and 1000, got " + batch);
        ExtensionRegistry.Entry<Sampler> entry = Samplers.registry().entry(samplerId);
        Sampler sampler = entry.extension();
        SamplerInfo info = sampler.info();
        if (info.capabilities().needsUnconditional()) {
            throw new Main.UserException("sampler '" + info.id() + "' needs the unconditional prediction (guidance), which the analytic model does not have");
        }
        ScheduleSpec spec = Schedule.parse(schedule);
        double[] sigmas = spec.resolve(MODEL).sigmas();
        long[] seeds = new long[batch];
        for (int i = 0; i < batch; i++) seeds[i] = seed + i;
        Latent x = Latents.scale(sigmas[0], SeededNoise.initial(SeededNoise.Rng.TORCH_CPU, seeds, Latent.Precision.FLOAT64, 2));
        GaussianMixture gmm = GaussianMixture.golden();
        int[] calls = {0};
        Denoiser counted = (z, sigma) -> {
            calls[0]++;
            return gmm.denoise(z, sigma);
        };
        SamplerOptions opts = sampler.options(RunCommand.samplerOptions(java.util.List.of(samplerId), options, "-o").of(samplerId));
        Latent out = sampler.sample(counted, x, sigmas, opts, SamplingContext.of(SeededNoise.steps(SeededNoise.Rng.TORCH_CPU, seeds)));

        PrintWriter w = cmd.commandLine().getOut();
        w.println("sampler " + info.id() + " from " + entry.origin().label());
        w.printf(Locale.ROOT, "schedule %s on %s: %d steps, sigma %.4g -> %.4g, %d model calls%n", spec, MODEL.describe(), sigmas.length - 1,
                sigmas[0], sigmas[sigmas.length - 1], calls[0]);
        w.printf(Locale.ROOT, "%5s %8s %12s %12s%n", "item", "seed", "x", "y");
        double[] v = out.toDoubleArray();
        for (int i = 0; i < batch; i++) w.printf(Locale.ROOT, "%5d %8d %12.6f %12.6f%n", i, seeds[i], v[2 * i], v[2 * i + 1]);
        for (double d : v) {
            if (!Double.isFinite(d)) {
                w.println("the result is not finite: the sampler diverged");
                return 1;
            }
        }
        return 0;
    }
}
