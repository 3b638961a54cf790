package org.sampler4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sampler4j.api.diffusers.DiffusersConfig;
import org.sampler4j.api.diffusers.DiffusersRoute;
import org.sampler4j.api.diffusers.DiffusersSchedules;
import org.sampler4j.api.diffusers.DiffusersTimesteps;
import org.sampler4j.api.diffusers.SetTimesteps;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.math.Parallel;
import org.sampler4j.api.model.Denoisers;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.noise.SeededNoise;
import org.sampler4j.api.noise.TorchCpuGenerator;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.DiscreteNoiseModel;

/**
 * sampler4j against the outside world: the diffusers scheduler loop figures of {@code shared/anchors/diffusers_cpu_*.json}
 * (measured with {@code tools/anchors/diffusers_cpu_bench.py}) and a memory-bound floor measured in this JVM run.
 *
 * <p>Per configuration (the anchor's ten scheduler classes and configs): the class's {@code set_timesteps(25)} and
 * route ({@link DiffusersSchedules}), then the routed sampler over the 25-step sigmas with a fixed network output and no
 * network ({@link Denoisers#discrete}: the input scaling and the epsilon-to-denoised pass are included, as
 * {@code scale_model_input} and {@code step} are on the diffusers side), torch-cpu seeded noise for stochastic samplers.
 * Reported: microseconds per model call (median of round-robin samples), next to the anchor's figure and to the floor
 * {@code y = x + c d} over the same float32 bytes (the anchor's {@code axpy}). Also {@code set_timesteps(25)} per class
 * against the anchor's section (a), and the standalone seeded noise.
 *
 * <p>Usage: {@code bench/compare [--anchor FILE] [--reps N] [--shapes 1x4x64x64,...] [--only key,...] [--cpu-time]};
 * {@code --cpu-time} counts the timing thread's CPU time instead of wall time, which is steadier on a shared machine
 * (pin to one core: the parallel path's worker threads are not counted).
 */
public final class OutsideComparison {
    private static final int STEPS = 25;
    private static final long MIN_SAMPLE_NS = 20_000_000L;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    /** {@code --cpu-time}: samples count this thread's CPU time, not wall time (for a shared machine; one thread only). */
    private static boolean cpuTime;

    private OutsideComparison() {}

    /** One timed thing: runs once per call and says how many model calls that was. */
    private interface Work {
        int run();
    }

    public static void main(String[] args) throws IOException {
        String anchorPath = "bench/anchors/diffusers_cpu_2026-12-06.json"; // a copy of the shared anchor file
        int reps = 7;
        List<String> shapes = List.of("1x4x64x64", "1x4x128x128", "1x16x128x128", "1x16x21x60x104");
        List<String> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--anchor": anchorPath = args[++i]; break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                case "--shapes": shapes = List.of(args[++i].split(",")); break;
                case "--only": only = List.of(args[++i].split(",")); break;
                case "--cpu-time": cpuTime = true; break;
                default:
                    System.err.println("unknown argument '" + args[i] + "'; use --anchor FILE, --reps N, --shapes AxBxC,..., --only key,..., --cpu-time");
                    System.exit(2);
            }
        }
        File anchorFile = new File(anchorPath);
        if (!anchorFile.isFile()) {
            System.err.println("anchor file " + anchorPath + " not found; pass --anchor FILE (bench/anchors/ has the copy the README quotes)");
            System.exit(2);
        }
        ObjectMapper json = com.fasterxml.jackson.databind.json.JsonMapper.builder().enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        JsonNode anchor = json.readTree(anchorFile);
        JsonNode best = anchor.get("best");
        System.out.printf(Locale.ROOT, "anchor: %s (diffusers %s, torch %s, %s, %s)%n", anchorPath,
                anchor.at("/meta/diffusers_commit").asText().substring(0, 8), anchor.at("/meta/torch").asText(),
                anchor.at("/meta/date_utc").asText(), anchor.at("/meta/cpu_model").asText());
        System.out.printf(Locale.ROOT, "this run: %s, java %s, vector kernels %s, parallel split from %,d elements on %d cores%n",
                java.time.Instant.now(), System.getProperty("java.version"), TorchCpuGenerator.vectorised() ? "on" : "off (no jdk.incubator.vector)",
                Parallel.THRESHOLD, Runtime.getRuntime().availableProcessors());
        System.out.println("load average at start: " + loadAverage() + (cpuTime ? "; timing this thread's CPU time (--cpu-time), not wall time" : ""));

        DiscreteNoiseModel sd15 = DiscreteNoiseModel.sd15();
        Map<String, Config> configs = new LinkedHashMap<>();
        for (JsonNode s : anchor.get("schedulers")) {
            String key = s.get("key").asText();
            if (only != null && !only.contains(key)) continue;
            Map<String, Object> kwargs = json.convertValue(s.get("kwargs"), Map.class);
            configs.put(key, new Config(key, DiffusersConfig.of(s.get("class").asText(), kwargs)));
        }

        // (a) set_timesteps(25) per class
        System.out.println();
        System.out.println("(a) set_timesteps(25): sampler4j DiffusersSchedules.setTimesteps vs diffusers scheduler.set_timesteps");
        System.out.println("| scheduler | diffusers µs | sampler4j µs | ratio |");
        System.out.println("| --- | ---: | ---: | ---: |");
        Map<String, Work> resolve = new LinkedHashMap<>();
        for (Config c : configs.values()) {
            resolve.put(c.key, () -> {
                DiffusersSchedules.setTimesteps(c.cfg, SetTimesteps.steps(STEPS));
                return 1;
            });
        }
        for (Work w : resolve.values()) warmUp(w); // all first: the JIT compiles the shared code before any is timed
        for (Config c : configs.values()) {
            double us = medianMicros(resolve.get(c.key), reps);
            double theirs = best.at("/set_timesteps_ms/" + c.key + "/25").asDouble(Double.NaN) * 1000;
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.2f | %.2f |%n", c.key, theirs, us, us / theirs);
        }

        // (b) the loops
        for (String shapeText : shapes) {
            int[] shape = Arrays.stream(shapeText.split("x")).mapToInt(Integer::parseInt).toArray();
            int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] xs = new TorchCpuGenerator(1).randnFloat(n);
            float[] eps = new TorchCpuGenerator(2).randnFloat(n);
            for (int i = 0; i < n; i++) xs[i] *= 14.6f;
            Latent x0 = ArrayLatent.ofFloats(xs, shape);
            Latent epsLatent = ArrayLatent.ofFloats(eps, shape);
            int[] calls = {0}; // counted in the network, so the sampler gets the adapter itself (it writes into the sampler's storage)
            Denoiser fixedOutput = Denoisers.discrete((in, t) -> {
                calls[0]++;
                return epsLatent;
            }, sd15, Prediction.EPSILON);
            float[] floorOut = new float[n];
            Map<String, Work> work = new LinkedHashMap<>();
            work.put("floor", () -> {
                axpy(xs, 0.0625f, eps, floorOut);
                return 1;
            });
            work.put("noise", () -> {
                SeededNoise.initial(SeededNoise.Rng.TORCH_CPU, new long[] {7}, Latent.Precision.FLOAT32, Arrays.copyOfRange(shape, 1, shape.length));
                return 1;
            });
            for (Config c : configs.values()) {
                work.put(c.key, () -> {
                    calls[0] = 0;
                    SamplingContext ctx = SamplingContext.of(SeededNoise.steps(SeededNoise.Rng.TORCH_CPU, new long[] {0}));
                    c.sampler.sample(fixedOutput, x0, c.sigmas, c.options, ctx);
                    return calls[0];
                });
            }
            Map<String, double[]> samples = new LinkedHashMap<>();
            for (String k : work.keySet()) samples.put(k, new double[reps]);
            for (Work w : work.values()) warmUp(w);
            for (int r = 0; r < reps; r++) {
                for (Map.Entry<String, Work> e : work.entrySet()) samples.get(e.getKey())[r] = timeOnce(e.getValue());
            }
            double floor = median(samples.get("floor"));
            System.out.println();
            System.out.printf(Locale.ROOT, "(b) %s (%,d elements): µs per model call, 25-step loop, fixed network output; floor (axpy, this JVM) %.1f µs,"
                    + " anchor axpy %.1f µs; torch-cpu randn of the latent %.1f µs; load average %s%n", shapeText, n, floor,
                    best.at("/floor_us/axpy/" + shapeText).asDouble(Double.NaN), median(samples.get("noise")), loadAverage());
            System.out.println("| scheduler | sampler | diffusers µs | sampler4j µs | vs diffusers | x floor |");
            System.out.println("| --- | --- | ---: | ---: | ---: | ---: |");
            for (Config c : configs.values()) {
                double us = median(samples.get(c.key));
                double theirs = best.at("/loop_us_per_step/" + c.key + "/" + shapeText).asDouble(Double.NaN);
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %.1f | %s | %.1f |%n", c.key, c.route.samplerId(),
                        Double.isNaN(theirs) ? "—" : String.format(Locale.ROOT, "%.1f", theirs), us,
                        Double.isNaN(theirs) ? "—" : String.format(Locale.ROOT, "%.2f", us / theirs), us / floor);
            }
        }
        System.out.println();
        System.out.println("load average at end: " + loadAverage());
    }

    /** A scheduler configuration of the anchor, routed to its sampler over the class's 25-step sigmas. */
    private static final class Config {
        final String key;
        final DiffusersConfig cfg;
        final DiffusersRoute route;
        final Sampler sampler;
        final SamplerOptions options;
        final double[] sigmas;

        Config(String key, DiffusersConfig cfg) {
            this.key = key;
            this.cfg = cfg;
            this.route = DiffusersSchedules.route(cfg, Map.of());
            this.sampler = Samplers.get(route.samplerId());
            this.options = sampler.options(route.options());
            DiffusersTimesteps ts = DiffusersSchedules.setTimesteps(cfg, SetTimesteps.steps(STEPS));
            this.sigmas = Numerics.toF32(route.samplerSigmas().apply(ts));
        }
    }

    /** The memory-bound floor: one fused pass reading two arrays and writing one (torch.add(x, d, alpha=c, out=y)). */
    private static void axpy(float[] x, float c, float[] d, float[] y) {
        for (int i = 0; i < x.length; i++) y[i] = x[i] + c * d[i];
    }

    /** One sample: repeats the work for at least 20 ms; returns µs (wall, or CPU with --cpu-time) per model call. */
    private static double timeOnce(Work w) {
        long calls = 0;
        long c0 = cpuTime ? THREADS.getCurrentThreadCpuTime() : 0;
        long t0 = System.nanoTime();
        long t;
        do {
            calls += w.run();
            t = System.nanoTime();
        } while (t - t0 < MIN_SAMPLE_NS);
        long spent = cpuTime ? THREADS.getCurrentThreadCpuTime() - c0 : t - t0;
        return spent / 1e3 / calls;
    }

    /**
     * JIT warm-up: at least 10 samples and one second, then on until two successive medians of 5 samples agree within
     * 5 % (at most 20 s). The Vector API kernels run their slow Java fallback until C2 has compiled them, and a work
     * that calls them rarely (the standalone noise of one shape) can take many seconds on one core to get there.
     */
    private static void warmUp(Work w) {
        long t0 = System.nanoTime();
        for (int warm = 0; warm < 10 || System.nanoTime() - t0 < 1_000_000_000L; warm++) timeOnce(w);
        double before = fiveSampleMedian(w);
        while (System.nanoTime() - t0 < 20_000_000_000L) {
            double now = fiveSampleMedian(w);
            if (Math.abs(now - before) <= 0.05 * before) return;
            before = now;
        }
    }

    private static double fiveSampleMedian(Work w) {
        double[] s = new double[5];
        for (int i = 0; i < s.length; i++) s[i] = timeOnce(w);
        return median(s);
    }

    private static double medianMicros(Work w, int reps) {
        warmUp(w);
        double[] s = new double[reps];
        for (int r = 0; r < reps; r++) s[r] = timeOnce(w);
        return median(s);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).trim();
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
