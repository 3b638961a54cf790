package org.sampler4j.host.run;

import java.nio.file.Path;
import java.util.List;
import org.sampler4j.api.noise.SeededNoise;
import org.sampler4j.api.noise.StepNoise;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.host.UserInputException;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.sampler.StepListener;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.FlowNoiseModel;
import org.sampler4j.api.schedule.NoiseModel;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.host.model.ConditioningSpec;
import org.sampler4j.host.model.Conditions;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.ModelDenoiser;
import org.sampler4j.host.model.ModelException;
import org.sampler4j.host.model.PixelBatch;

/**
 * Runs one generation: settings + model to samples and pixels. Item {@code i} of a batch uses seed {@code seed + i}
 * for both its initial noise and its per-step noise ({@link SeededNoise}, {@link StepNoise}), so a batch of 4 is 4 runs
 * of 1. The per-step noise is the settings' {@code stepRng}, else the sampler's reference noise (a torchsde Brownian
 * tree for {@code dpmpp_sde}, {@code dpmpp_2m_sde}, {@code dpmpp_3m_sde} unless {@code reference=diffusers}), else
 * the initial generator. The initial
 * latent is {@code sigmas[0] * noise} (k-diffusion); samplers work on float32 {@link ArrayLatent}s.
 */
public final class Generator {
    private Generator() {}

    /**
     * A finished generation.
     *
     * @param settings what was run
     * @param pixels the images
     * @param samples the final latent
     * @param steps sampler steps
     * @param evaluations network calls (each one batched forward)
     * @param seconds wall time of the sampling loop
     * @param unconditionalPass whether network calls included the unconditional half
     */
    public record Result(RunSettings settings, PixelBatch pixels, Latent samples, int steps, long evaluations, double seconds, boolean unconditionalPass) {}

    /** What a run needs before its first step, all checked. */
    private record Prepared(Sampler sampler, SamplerOptions options, Schedule schedule, SeededNoise.Rng rng, String stepNoise,
                            Conditions cond, Conditions uncond) {}

    /**
     * Checks everything about {@code s} that can be checked without sampling (sampler and model kind, sampler options,
     * schedule, noise generators, conditioning), so that a command can refuse a run before it writes any file.
     *
     * @throws ModelException or another user error naming the problem and the fix
     */
    public static void check(DiffusionModel model, RunSettings s) {
        if (model instanceof org.sampler4j.host.sd.SdModel sd) {
            if (s.batch() < 1) throw new ModelException("batch must be >= 1, got " + s.batch());
            org.sampler4j.host.sd.SdPipeline.check(sd, org.sampler4j.host.sd.SdRunner.request(s));
            return;
        }
        prepare(model, s);
    }

    private static Prepared prepare(DiffusionModel model, RunSettings s) {
        if (s.batch() < 1) throw new ModelException("batch must be >= 1, got " + s.batch());
        Sampler sampler = Samplers.get(s.sampler());
        SamplerInfo info = sampler.info();
        SamplerInfo.ModelKind kind = kind(model.noiseModel());
        if (!info.capabilities().modelKinds().contains(kind)) {
            throw new ModelException("sampler '" + info.id() + "' does not support " + kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " models like " + model.name() + "; see 'sampler4j samplers' for one that does");
        }
        if (s.text() != null) throw new ModelException("prompts need a Stable Diffusion model (model.yaml with kind: sd or sdxl); " + model.name() + " is not one: drop --prompt and the image options");
        SamplerOptions options = options(sampler, s);
        Schedule schedule = org.sampler4j.api.schedule.Schedule.parse(s.schedule()).resolve(model.noiseModel());
        return new Prepared(sampler, options, schedule, rng(s.rng()), stepNoise(s, sampler, options), conditions(model, s), unconditional(model, s));
    }

    /** Runs {@code s} on {@code model}, reporting each step to {@code progress}. */
    public static Result run(DiffusionModel model, RunSettings s, StepListener progress) {
        if (model instanceof org.sampler4j.host.sd.SdModel sd) return org.sampler4j.host.sd.SdRunner.run(sd, s, progress);
        Prepared p = prepare(model, s);
        Schedule schedule = p.schedule();
        double[] sigmas = schedule.sigmas();
        ModelDenoiser d = new ModelDenoiser(model, model.parameterization(schedule.model()), p.cond(), p.uncond(), s.guidance(), s.guidanceRescale(),
                p.sampler().info().capabilities().needsUnconditional());
        long[] seeds = new long[s.batch()];
        for (int i = 0; i < seeds.length; i++) seeds[i] = s.seed() + i;
        Latent x = Latents.scale(sigmas[0], SeededNoise.initial(p.rng(), seeds, Latent.Precision.FLOAT32, model.itemShape()));
        SamplingContext ctx = new SamplingContext(StepNoise.create(p.stepNoise(), seeds, sigmas, Latent.Precision.FLOAT32), d.tracker(schedule.steps(), progress));
        long t0 = System.nanoTime();
        Latent out = p.sampler().sample(d, x, sigmas, p.options(), ctx);
        double seconds = (System.nanoTime() - t0) / 1e9;
        float[] samples = ArrayLatent.of(out).toFloatArray();
        // a default that differs from the initial generator is written out, so the image's settings name the noise it used
        RunSettings used = s.stepRng() == null && !p.stepNoise().equals(s.rng()) ? s.withStepRng(p.stepNoise()) : s;
        return new Result(used, model.toPixels(samples, s.batch()), out, schedule.steps(), d.evaluations(), seconds, d.runsUnconditional());
    }

    /**
     * The per-step noise: the one the settings name, else the sampler's reference noise for its options
     * ({@code brownian-torchsde} for k-diffusion's and ComfyUI's SDE DPM-Solver++ samplers), else the initial generator.
     */
    public static String stepNoise(RunSettings s, Sampler sampler, SamplerOptions options) {
        String id = s.stepRng() != null ? s.stepRng() : sampler.referenceNoise(options);
        try {
            return StepNoise.check(id != null ? id : s.rng());
        } catch (IllegalArgumentException e) {
            throw new ModelException(e.getMessage());
        }
    }

    /** The settings' options validated against {@code sampler}. */
    private static SamplerOptions options(Sampler sampler, RunSettings s) {
        return options(sampler, s.samplerOptions());
    }

    /**
     * Options validated against {@code sampler}, defaults filled in.
     *
     * @throws UserInputException naming the option, the fix and where the sampler's options are listed
     */
    public static SamplerOptions options(Sampler sampler, java.util.Map<String, ?> given) {
        try {
            return sampler.options(given);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage() + " (see 'sampler4j samplers " + sampler.info().id() + "')");
        }
    }

    private static SeededNoise.Rng rng(String id) {
        try {
            return SeededNoise.Rng.parse(id);
        } catch (IllegalArgumentException e) {
            throw new ModelException(e.getMessage());
        }
    }

    /** The kind of model a noise model makes, as samplers declare support for it. */
    public static SamplerInfo.ModelKind kind(NoiseModel m) {
        if (m instanceof DiscreteNoiseModel) return SamplerInfo.ModelKind.DISCRETE;
        if (m instanceof FlowNoiseModel) return SamplerInfo.ModelKind.FLOW;
        return SamplerInfo.ModelKind.EDM;
    }

    private static Conditions conditions(DiffusionModel model, RunSettings s) {
        ConditioningSpec c = model.conditioning();
        int b = s.batch();
        if (s.classLabels() != null && !s.classLabels().isEmpty()) {
            c.checkLabels(s.classLabels());
            List<Integer> l = s.classLabels();
            if (l.size() != 1 && l.size() != b) {
                throw new ModelException("give one class label for all items or one per item: " + l.size() + " labels for a batch of " + b);
            }
            int[] labels = new int[b];
            for (int i = 0; i < b; i++) labels[i] = l.size() == 1 ? l.get(0) : l.get(i);
            return Conditions.labels(labels);
        }
        if (s.embedding() != null) {
            if (c.kindValue() != ConditioningSpec.Kind.TEXT_EMBEDDING) throw new ModelException("this model is conditioned on " + c.kind() + ", not on a text embedding: drop --embedding");
            return Conditions.embedding(embedding(Path.of(s.embedding()), s.embeddingSha256(), c), b);
        }
        return model.unconditional(b);
    }

    private static Conditions unconditional(DiffusionModel model, RunSettings s) {
        if (s.negativeEmbedding() == null) return model.unconditional(s.batch());
        ConditioningSpec c = model.conditioning();
        if (c.kindValue() != ConditioningSpec.Kind.TEXT_EMBEDDING) throw new ModelException("this model is conditioned on " + c.kind() + ", not on a text embedding: drop --negative-embedding");
        return Conditions.embedding(embedding(Path.of(s.negativeEmbedding()), s.negativeEmbeddingSha256(), c), s.batch());
    }

    private static float[] embedding(Path file, String sha, ConditioningSpec c) {
        if (sha != null && !sha.equals(Embeddings.sha256(file))) {
            throw new ModelException("embedding file " + file + " has changed since the image was made (SHA-256 differs): the run cannot be reproduced from it");
        }
        return Embeddings.read(file, c.tokens(), c.dim());
    }
}
