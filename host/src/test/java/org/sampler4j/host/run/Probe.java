package org.sampler4j.host.run;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.noise.SeededNoise;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.ModelDenoiser;
import org.sampler4j.host.model.Models;

/**
 * Child-JVM probes for the tests.
 * <ul>
 *   <li>{@code determinism MODEL}: one guided stochastic generation; prints the SHA-256 of the final latent's float bits;</li>
 *   <li>{@code memory MODEL STEPS}: a STEPS-step euler run; prints {@code rss_kb_at_1000}, {@code rss_kb_at_end},
 *       {@code arrays_before}, {@code arrays_after} (native arrays attached to the model's manager);</li>
 *   <li>{@code sd-memory MODEL STEPS}: a STEPS-step guided Stable Diffusion run (UNet, text encoder and VAE loaded; prompts
 *       encoded, images decoded); prints the same keys (RSS at step 100 instead of 1000).</li>
 * </ul>
 */
public final class Probe {
    private Probe() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "determinism" -> determinism(args[1]);
            case "memory" -> memory(args[1], Integer.parseInt(args[2]));
            case "sd-memory" -> sdMemory(args[1], Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void determinism(String model) throws Exception {
        try (DiffusionModel m = Models.open(model)) {
            RunSettings s = new RunSettings(RunSettings.VERSION, model, "euler_ancestral", Map.of(), "trailing(8)", 7, 2, "torch-cpu", 3.0, 0.5,
                    List.of(1, 4), null, null, null, null, null);
            Generator.Result r = Generator.run(m, s, st -> { });
            System.out.println("latent_sha256=" + sha(ArrayLatent.of(r.samples()).toFloatArray()));
        }
    }

    static void memory(String model, int steps) throws Exception {
        try (DiffusionModel m = Models.open(model)) {
            int arraysBefore = m.liveNativeArrays();
            double[] sigmas = new double[steps + 1];
            for (int i = 0; i < steps; i++) sigmas[i] = 14.6 * Math.pow(0.03 / 14.6, (double) i / (steps - 1));
            long[] seeds = {1};
            Latent x = Latents.scale(sigmas[0], SeededNoise.initial(SeededNoise.Rng.TORCH_CPU, seeds, Latent.Precision.FLOAT32, m.itemShape()));
            ModelDenoiser d = new ModelDenoiser(m, m.unconditional(1), m.unconditional(1), 1, 0, false);
            long[] at1000 = {0};
            Sampler euler = Samplers.get("euler");
            euler.sample(d, x, sigmas, euler.options(Map.of()), new SamplingContext(SeededNoise.steps(SeededNoise.Rng.TORCH_CPU, seeds), d.tracker(steps, st -> {
                if (st.index() + 1 == 1000) at1000[0] = rssKb();
                if ((st.index() + 1) % 2000 == 0) System.out.println("rss_kb_at_" + (st.index() + 1) + "=" + rssKb());
            })));
            System.out.println("rss_kb_at_1000=" + at1000[0]);
            System.out.println("rss_kb_at_end=" + rssKb());
            System.out.println("arrays_before=" + arraysBefore);
            System.out.println("arrays_after=" + m.liveNativeArrays());
            System.out.println("evaluations=" + d.evaluations());
        }
    }

    static void sdMemory(String model, int steps) throws Exception {
        try (org.sampler4j.host.sd.SdModel m = org.sampler4j.host.sd.SdModel.open(Path.of(model))) {
            int arraysBefore = m.liveNativeArrays();
            long[] at100 = {0};
            org.sampler4j.host.sd.SdRequest req = new org.sampler4j.host.sd.SdRequest(List.of("a photo of a cat"), List.of("blurry"), null, null, 1, null, null,
                    5.0, 0.0, 0, null, 1.0, 3, org.sampler4j.host.sd.SdRequest.Noise.PER_ITEM, "torch-cpu",
                    new org.sampler4j.host.sd.SdRequest.Dsl("euler_ancestral", Map.of(), "trailing(" + steps + ")"), null);
            org.sampler4j.host.sd.SdPipeline.Result r = org.sampler4j.host.sd.SdPipeline.run(m, req, st -> {
                if (st.index() + 1 == 100) at100[0] = rssKb();
                if ((st.index() + 1) % 100 == 0) System.out.println("rss_kb_at_" + (st.index() + 1) + "=" + rssKb());
            });
            System.out.println("rss_kb_at_100=" + at100[0]);
            System.out.println("rss_kb_at_end=" + rssKb());
            System.out.println("arrays_before=" + arraysBefore);
            System.out.println("arrays_after=" + m.liveNativeArrays());
            System.out.println("evaluations=" + r.evaluations());
        }
    }

    /** Resident set size of this process (Linux {@code /proc/self/status}, VmRSS). */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    static String sha(float[] v) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4);
        for (float f : v) b.putInt(Float.floatToRawIntBits(f));
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
    }
}
