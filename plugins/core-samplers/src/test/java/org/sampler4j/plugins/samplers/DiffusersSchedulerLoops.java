package org.sampler4j.plugins.samplers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sampler4j.api.diffusers.DiffusersConfig;
import org.sampler4j.api.diffusers.DiffusersStepper;
import org.sampler4j.api.diffusers.SetTimesteps;
import org.sampler4j.api.noise.TorchGeneratorNoise;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;

/**
 * The fixtures and loops of diffusers' scheduler tests ({@code tests/schedulers/test_schedulers.py} at commit
 * 58eb52c0, Apache-2.0), restated over {@link DiffusersStepper}: the deterministic dummy sample and noise, the dummy
 * model {@code sample * t / (t + 1)}, and the loop shapes the {@code test_scheduler_*.py} files use.
 */
final class DiffusersSchedulerLoops {
    static final int[] SHAPE = {4, 3, 8, 8};

    private DiffusersSchedulerLoops() {}

    /** {@code dummy_sample_deter}: {@code arange(768)} laid out as (c, h, w, b), divided by 768, permuted to (b, c, h, w). */
    static Latent sampleDeter() {
        return deter(false, SHAPE);
    }

    /** {@code dummy_noise_deter}: the same with the arange flipped. */
    static Latent noiseDeter() {
        return deter(true, SHAPE);
    }

    /**
     * The deterministic fixtures for any shape {@code (b, rest...)}: {@code arange(n)} (flipped for the noise) laid out
     * as {@code (rest..., b)}, divided by {@code n}, with the batch dimension moved to the front.
     */
    static Latent deter(boolean flip, int... shape) {
        int b = shape[0];
        int n = 1;
        for (int d : shape) n *= d;
        int rest = n / b;
        float[] v = new float[n];
        for (int ib = 0; ib < b; ib++) {
            for (int r = 0; r < rest; r++) {
                int k = r * b + ib;
                v[ib * rest + r] = (float) (flip ? n - 1 - k : k) / n;
            }
        }
        return ArrayLatent.ofFloats(v, shape);
    }

    /** {@code dummy_model}: {@code sample * t / (t + 1)} in float32, {@code t} cast to the sample's dtype. */
    static Latent model(Latent sample, double t) {
        float tf = (float) t;
        double[] x = sample.toDoubleArray();
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            float product = (float) x[i] * tf;
            out[i] = product / (tf + 1f);
        }
        return sample.withValues(out);
    }

    static Map<String, Object> config(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** {@code get_scheduler_config(**overrides)}: the test file's base config with the overrides. */
    static Map<String, Object> with(Map<String, Object> base, Object... overrides) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        m.putAll(config(overrides));
        return m;
    }

    /** How the loop feeds the model and {@code step}. */
    enum Feed {
        /** {@code sample = scale_model_input(sample, t); out = model(sample, t); step(out, t, sample)} (sigma-space tests). */
        SCALED_SAMPLE,
        /** {@code out = model(scale_model_input(sample, t), t); step(out, t, sample)}. */
        UNSCALED_SAMPLE,
        /** {@code out = model(sample, t); step(out, t, sample)}: no {@code scale_model_input} at all. */
        NO_SCALING
    }

    private static final java.util.function.UnaryOperator<Latent> IDENTITY = x -> x;

    /** The classes that ran on their sampler route before they stepped natively: their routes are cross-checked. */
    private static final java.util.Set<String> ROUTE_CHECKED = java.util.Set.of("DPMSolverMultistepScheduler", "DPMSolverMultistepInverseScheduler",
            "DPMSolverSinglestepScheduler", "DEISMultistepScheduler", "UniPCMultistepScheduler", "SASolverScheduler", "LCMScheduler", "TCDScheduler",
            "EDMEulerScheduler", "EDMDPMSolverMultistepScheduler", "FlowMatchEulerDiscreteScheduler");

    /** One loop of a diffusers scheduler test. */
    static final class Loop {
        final String className;
        final Map<String, Object> config;
        Map<String, Object> stepKwargs = Map.of();
        SetTimesteps args = SetTimesteps.steps(10);
        Feed feed = Feed.SCALED_SAMPLE;
        Long seed = 0L;
        boolean initNoiseSigma = true;
        Integer noiseFrom;
        boolean setBeginIndex;
        int[] shape = SHAPE;
        /** With {@link #withNoise}: start there on the sample as is, without {@code add_noise}. */
        boolean noiseless;
        DiffusersConfig prebuilt;
        java.util.function.UnaryOperator<Latent> edit = IDENTITY;

        Loop(String className, Map<String, Object> config) {
            this.className = className;
            this.config = config;
        }

        /** A loop over a config built elsewhere (e.g. through a {@code from_config} chain). */
        Loop(DiffusersConfig cfg) {
            this(cfg.className(), cfg.values());
            prebuilt = cfg;
        }

        Loop steps(int n) { args = SetTimesteps.steps(n); return this; }
        Loop shape(int... s) { shape = s; return this; }
        Loop args(SetTimesteps a) { args = a; return this; }
        Loop feed(Feed f) { feed = f; return this; }
        Loop kwargs(Object... kv) { stepKwargs = config(kv); return this; }
        Loop noSeed() { seed = null; return this; }
        Loop seed(long s) { seed = s; return this; }
        /** Applies {@code edit} to the sample after every step (an inpainting blend, a guidance trick ...). */
        Loop edit(java.util.function.UnaryOperator<Latent> e) { edit = e; return this; }
        Loop rawSample() { initNoiseSigma = false; return this; }

        /**
         * {@code test_full_loop_with_noise}: {@code t_start = n - 2}, the loop runs from {@code timesteps[t_start * order]}
         * on a sample that {@code add_noise} took there from the dummy noise.
         */
        Loop withNoise(boolean beginIndex) {
            return withNoise(null, beginIndex);
        }

        /** As {@link #withNoise(boolean)}, from model call {@code from} ({@code null}: {@code (n - 2) * order}). */
        Loop withNoise(Integer from, boolean beginIndex) {
            noiseFrom = from == null ? -1 : from;
            setBeginIndex = beginIndex;
            return this;
        }

        /**
         * The loop through the native steps; for the classes that once ran on their sampler route, an unedited loop is
         * also run through the route ({@link DiffusersStepper#viaSampler}) and must agree within 1e-4 of the result's
         * largest magnitude (the native result is checked against diffusers' recorded values by the caller).
         */
        Latent run() {
            Latent nativeResult = run(false);
            if (ROUTE_CHECKED.contains(className) && edit == IDENTITY) {
                Latent viaSampler = run(true);
                double[] a = nativeResult.toDoubleArray();
                double[] b = viaSampler.toDoubleArray();
                double scale = 0;
                double diff = 0;
                for (int i = 0; i < a.length; i++) {
                    scale = Math.max(scale, Math.abs(a[i]));
                    diff = Math.max(diff, Math.abs(a[i] - b[i]));
                }
                boolean bothNaN = Double.isNaN(diff) && java.util.Arrays.equals(a, b);
                assertTrue(bothNaN || diff <= 1e-4 * Math.max(scale, 1e-6), className + " " + config + ": native and sampler-route loops differ by " + diff
                        + " (largest magnitude " + scale + ")");
            }
            return nativeResult;
        }

        private Latent run(boolean viaSampler) {
            DiffusersConfig cfg = prebuilt != null ? prebuilt : DiffusersConfig.of(className, config);
            TorchGeneratorNoise noise = seed == null ? null : TorchGeneratorNoise.cpu(seed);
            try (DiffusersStepper s = viaSampler ? DiffusersStepper.viaSampler(cfg, args, stepKwargs, noise) : DiffusersStepper.create(cfg, stepKwargs, noise)) {
                if (!viaSampler) s.setTimesteps(args);
                Latent sample = initNoiseSigma ? s.initialSample(deter(false, shape)) : deter(false, shape);
                double[] ts = s.timesteps();
                int from = 0;
                if (noiseFrom != null) {
                    from = noiseFrom >= 0 ? noiseFrom : (args.numInferenceSteps() - 2) * s.order();
                    if (setBeginIndex) s.setBeginIndex(from);
                    if (!noiseless) sample = s.addNoise(sample, deter(true, shape), ts[from]);
                }
                for (int i = from; i < ts.length; i++) {
                    double t = ts[i];
                    Latent out;
                    if (feed == Feed.SCALED_SAMPLE) {
                        sample = s.scaleModelInput(sample, t);
                        out = model(sample, t);
                    } else if (feed == Feed.UNSCALED_SAMPLE) {
                        out = model(s.scaleModelInput(sample, t), t);
                    } else {
                        out = model(sample, t);
                    }
                    sample = edit.apply(s.step(out, t, sample));
                }
                return sample;
            }
        }
    }

    /** {@code torch.sum(torch.abs(sample))} and {@code torch.mean(...)} against the recorded values and tolerances. */
    static void assertSumMean(String test, Latent sample, double sum, double sumTol, double mean, double meanTol) {
        double s = 0;
        for (double v : sample.toDoubleArray()) s += Math.abs(v);
        double m = s / sample.size();
        assertTrue(Math.abs(s - sum) < sumTol && Math.abs(m - mean) < meanTol,
                test + ": result_sum " + s + " (expected " + sum + " within " + sumTol + "), result_mean " + m + " (expected " + mean + " within " + meanTol + ")");
    }
}
