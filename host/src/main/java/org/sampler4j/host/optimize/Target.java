package org.sampler4j.host.optimize;

import java.util.Map;
import org.sampler4j.api.noise.SeededNoise;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.NoiseModel;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleSpec;
import org.sampler4j.host.eval.Evaluation;
import org.sampler4j.host.model.AnalyticModel;
import org.sampler4j.host.model.ConditioningSpec;
import org.sampler4j.host.model.Conditions;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.ModelDenoiser;
import org.sampler4j.host.model.ModelException;
import org.sampler4j.host.run.Generator;
import org.sampler4j.host.run.RunSettings;

/**
 * What a schedule is fitted to: a denoiser, a sampler with its options, a batch of starting noise and the schedule
 * template that fixes the noise model and the endpoints. {@link #of} builds one for a {@link DiffusionModel} exactly as
 * {@code run} and {@code eval} sample it (same parameterization, guidance, float32 latents, per-item seeded noise),
 * so a fitted schedule is measured by {@code eval} on the same pipeline; tests build small ones directly.
 *
 * <p><b>Seeds.</b> Item {@code i} uses seed {@link #seed(long, int)}: {@code 2^62 + seed * 2^24 + i}. {@code eval} and
 * {@code run} use {@code seed + i} with user seeds far below {@code 2^62}, so the optimizer never sees the noise an
 * evaluation is measured on.
 *
 * @param denoiser the model as {@code D(x; sigma)} for a batch of {@link #batch()} items
 * @param sampler the sampler being fitted for
 * @param options its options
 * @param noiseModel the model's noise model (the template's modifiers, e.g. {@code .zeroSnr()}, apply on top)
 * @param template the schedule DSL text the fit starts from and whose first and final sigma it keeps (its step count is replaced)
 * @param seeds one seed per item
 * @param rng the noise generator
 * @param itemShape the shape of one item
 * @param referenceSampler the sampler of the fine reference solve
 * @param referenceSigmas its sigmas
 */
public record Target(Denoiser denoiser, Sampler sampler, SamplerOptions options, NoiseModel noiseModel, String template, long[] seeds,
                     SeededNoise.Rng rng, int[] itemShape, Sampler referenceSampler, double[] referenceSigmas) {
    /** The base of the optimizer's seed stream ({@code 2^62}). */
    public static final long SEED_STREAM = 1L << 62;
    /** Items per optimizer seed ({@code 2^24}). */
    public static final int MAX_ITEMS = 1 << 24;

    /** Seed of item {@code i} for optimizer seed {@code seed} (see the class comment). */
    public static long seed(long seed, int i) {
        if (seed < 0 || seed >= 1L << 36) throw new ModelException("optimizer seed must lie in 0.." + ((1L << 36) - 1) + ", got " + seed);
        if (i < 0 || i >= MAX_ITEMS) throw new IllegalArgumentException("item " + i);
        return SEED_STREAM + seed * MAX_ITEMS + i;
    }

    /** Seeds of {@code n} items for optimizer seed {@code seed}. */
    public static long[] seeds(long seed, int n) {
        if (n < 1 || n > MAX_ITEMS / 2) throw new ModelException("samples must lie in 1.." + MAX_ITEMS / 2 + ", got " + n);
        long[] s = new long[n];
        for (int i = 0; i < n; i++) s[i] = seed(seed, i);
        return s;
    }

    /**
     * A target for a model.
     *
     * @param model the model
     * @param samplerId sampler id or alias
     * @param samplerOptions its options
     * @param template the schedule template (its step count is ignored; its modifiers and endpoints are kept)
     * @param samples the batch size
     * @param seed the optimizer seed
     * @param guidance classifier-free guidance scale
     * @param guidanceRescale {@code guidance_rescale}
     * @param referenceSteps steps of the fine reference solve
     */
    public static Target of(DiffusionModel model, String samplerId, Map<String, Object> samplerOptions, String template, int samples, long seed,
                            double guidance, double guidanceRescale, int referenceSteps) {
        Sampler sampler = Samplers.get(samplerId);
        var kind = Generator.kind(model.noiseModel());
        if (!sampler.info().capabilities().modelKinds().contains(kind)) {
            throw new ModelException("sampler '" + sampler.info().id() + "' does not support " + kind.name().toLowerCase(java.util.Locale.ROOT) + " models like " + model.name());
        }
        if (referenceSteps < 10) throw new ModelException("reference steps must be >= 10, got " + referenceSteps);
        Schedule resolved = Schedule.parse(template).resolve(model.noiseModel());
        NoiseModel noise = resolved.model();
        long[] seeds = seeds(seed, samples);
        int[] labels = null;
        ConditioningSpec c = model.conditioning();
        if (c.kindValue() == ConditioningSpec.Kind.CLASS_LABEL) {
            labels = new int[samples];
            for (int i = 0; i < samples; i++) labels[i] = i % c.classes();
        }
        Conditions cond = labels != null ? Conditions.labels(labels) : model.unconditional(samples);
        Denoiser d = new ModelDenoiser(model, model.parameterization(noise), cond, model.unconditional(samples), guidance, guidanceRescale,
                sampler.info().capabilities().needsUnconditional());
        double sigma0 = resolved.sigma(0);
        boolean analytic = model instanceof AnalyticModel;
        String ref = analytic ? Evaluation.reference(sigma0, referenceSteps) : karras(sigma0, noise.sigmaMin(), referenceSteps);
        double[] refSigmas = Schedule.parse(ref).resolve(noise).sigmas();
        Sampler refSampler = Samplers.get(analytic ? Evaluation.REFERENCE_SAMPLER : REFERENCE_SAMPLER);
        return new Target(d, sampler, sampler.options(samplerOptions), model.noiseModel(), template, seeds, SeededNoise.Rng.TORCH_CPU, model.itemShape(), refSampler, refSigmas);
    }

    /** The reference sampler for trained models (second order, one evaluation per step, stable at zero-SNR's first step). */
    public static final String REFERENCE_SAMPLER = "dpmpp_2m";

    /** {@code steps} Karras-spaced (rho 7) sigmas from {@code hi} to {@code lo}, then 0, as DSL text. */
    static String karras(double hi, double lo, int steps) {
        return Schedule.sigmas(org.sampler4j.api.math.Numerics.append(ScheduleOptimizer.karras(hi, lo, steps - 1), 0)).toString();
    }

    /** Items in the batch. */
    public int batch() {
        return seeds.length;
    }

    /** The template's text at {@code steps} steps. */
    public String templateText(int steps) {
        return RunSettings.withSteps(template, steps);
    }

    /** The template resolved at {@code steps} steps. */
    public Schedule templateAt(int steps) {
        return Schedule.parse(templateText(steps)).resolve(noiseModel);
    }

    /** The noise model fitted schedules are for: the model's, with the template's modifiers applied. */
    public NoiseModel resolvedNoiseModel() {
        return templateAt(2).model();
    }

    /**
     * The DSL text that uses preset {@code id} at {@code steps} steps the way it was fitted: the template's noise-model
     * modifiers ({@code .zeroSnr()}, {@code .shift(s)}) kept, its sigma remap dropped.
     */
    public String usage(String id, int steps) {
        ScheduleSpec t = Schedule.parse(template);
        ScheduleSpec u = Schedule.preset(id, steps, Map.of());
        if (t.isZeroSnr()) u = u.zeroSnr();
        if (t.shiftValue() != null) u = u.shift(t.shiftValue());
        return u.toString();
    }

    /** The unit starting noise of the batch. */
    public Latent unitNoise() {
        return SeededNoise.initial(rng, seeds, Latent.Precision.FLOAT32, itemShape);
    }

    /** Runs {@code sampler} over {@code sigmas} from {@code x}, with this batch's seeded step noise. */
    public Latent solve(Sampler s, SamplerOptions o, Latent x, double[] sigmas) {
        return s.sample(denoiser, x, sigmas, o, SamplingContext.of(SeededNoise.steps(rng, seeds)));
    }

    /** The fitted sampler's result over {@code sigmas} from the starting noise scaled to {@code sigmas[0]}. */
    public Latent sample(double[] sigmas) {
        return solve(sampler, options, Latents.scale(sigmas[0], unitNoise()), sigmas);
    }

    /** The fine reference solve of the same starting noise (for the analytic model: what {@code eval} measures against). */
    public Latent reference() {
        return solve(referenceSampler, referenceSampler.options(Map.of()), Latents.scale(referenceSigmas[0], unitNoise()), referenceSigmas);
    }
}
