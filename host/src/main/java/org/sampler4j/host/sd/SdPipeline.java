package org.sampler4j.host.sd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.sampler4j.api.diffusers.DiffusersRoute;
import org.sampler4j.api.diffusers.DiffusersSchedules;
import org.sampler4j.api.diffusers.DiffusersTimesteps;
import org.sampler4j.api.diffusers.SetTimesteps;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.noise.SeededNoise;
import org.sampler4j.api.noise.TorchCpuGenerator;
import org.sampler4j.api.noise.TorchCudaGenerator;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.sampler.StepListener;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.host.model.Conditions;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.ModelDenoiser;
import org.sampler4j.host.model.ModelException;
import org.sampler4j.host.model.Parameterization;
import org.sampler4j.host.model.PixelBatch;
import org.sampler4j.host.run.Generator;

/**
 * Text-to-image and image-to-image on an {@link SdModel}, numerically as diffusers' Stable Diffusion pipelines:
 * prompts encoded once per distinct text, classifier-free guidance in one batched forward ({@link ModelDenoiser}),
 * {@code guidance_rescale}, SDXL pooled embeddings and {@code time_ids}, img2img strength with diffusers' timestep
 * truncation, and diffusers' generator order when asked ({@link SdRequest.Noise#DIFFUSERS}).
 *
 * <p>Every sampler works in sampler4j's frame ({@code x = x0 + sigma * noise}); a diffusers scheduler is stepped
 * through its route ({@link DiffusersSchedules#route}): its sampler and sigma list, its {@code init_noise_sigma} and
 * sample frame, and its timesteps fed to the UNet call by call, so the UNet sees exactly diffusers' inputs.
 */
public final class SdPipeline {
    private SdPipeline() {}

    /**
     * A finished call.
     *
     * @param latents the final latents as diffusers returns them ({@code output_type="latent"}), {@code [B, C, h, w]}
     * @param pixels the decoded images (levels / 255)
     * @param timesteps the timesteps the UNet was called at, in order
     * @param steps sampler steps
     * @param evaluations batched UNet calls
     * @param unconditionalPass whether calls included the negative half
     * @param seconds wall time of the sampling loop
     */
    public record Result(Latent latents, PixelBatch pixels, double[] timesteps, int steps, long evaluations, boolean unconditionalPass, double seconds) {}

    /** What a request runs with, all checked before a network runs. */
    private record Checked(int height, int width, DiffusionModel sized, Plan plan, Sampler sampler, SamplerOptions options) {}

    /**
     * Checks a request without running a network, so that a command can refuse it before it writes anything: the
     * image size, the prompt lists, SDXL's sizes, the init image's size, the strength against the step count, the
     * schedule, the sampler (and that it supports the model), its options.
     *
     * @param model the model the request is for
     * @param r the request
     * @throws ModelException or another user error naming the problem and the fix
     */
    public static void check(SdModel model, SdRequest r) {
        checked(model, r);
    }

    private static Checked checked(SdModel model, SdRequest r) {
        int sf = model.vaeScaleFactor();
        int[] item = model.itemShape();
        int height = r.height() != null ? r.height() : (r.init() != null ? r.init().height() : item[1] * sf);
        int width = r.width() != null ? r.width() : (r.init() != null ? r.init().width() : item[2] * sf);
        if (height < sf || width < sf || height % sf != 0 || width % sf != 0) {
            throw new ModelException("width and height must be positive multiples of " + sf + " (the VAE scale factor), got " + width + "x" + height);
        }
        if (r.prompts().isEmpty()) throw new ModelException("give at least one prompt");
        if (r.imagesPerPrompt() < 1) throw new ModelException("images per prompt must be >= 1, got " + r.imagesPerPrompt());
        if (r.clipSkip() < 0) throw new ModelException("clip skip must be >= 0, got " + r.clipSkip());
        int p = r.prompts().size();
        expand(r.negativePrompts(), p, "negative prompts");
        expand(r.prompts2(), p, "second prompts (prompt_2)");
        expand(r.negativePrompts2(), p, "second negative prompts (negative_prompt_2)");
        timeIds(model, r.micro(), height, width);
        if (r.init() != null && (r.init().height() != height || r.init().width() != width)) {
            throw new ModelException("the init image is " + r.init().width() + "x" + r.init().height() + " but the output is " + width + "x" + height + ": resize the image or drop --width/--height");
        }
        DiffusionModel sized = model.at(height / sf, width / sf);
        Plan plan = r.sampling() instanceof SdRequest.Diffusers d ? diffusersPlan(sized, d, r) : dslPlan(sized, (SdRequest.Dsl) r.sampling(), r);
        Sampler sampler = Samplers.get(plan.samplerId);
        SamplerInfo info = sampler.info();
        SamplerInfo.ModelKind kind = Generator.kind(model.noiseModel());
        if (!info.capabilities().modelKinds().contains(kind)) {
            throw new ModelException("sampler '" + info.id() + "' does not support " + kind.name().toLowerCase(java.util.Locale.ROOT) + " models; see 'sampler4j samplers'");
        }
        return new Checked(height, width, sized, plan, sampler, Generator.options(sampler, plan.options));
    }

    /** Runs a request. */
    public static Result run(SdModel model, SdRequest r, StepListener progress) {
        Checked checked = checked(model, r);
        int height = checked.height();
        int width = checked.width();
        DiffusionModel sized = checked.sized();
        int[] shape = sized.itemShape();
        int per = shape[0] * shape[1] * shape[2];
        int batch = r.prompts().size() * r.imagesPerPrompt();
        int[] batchShape = {batch, shape[0], shape[1], shape[2]};
        boolean cfg = r.guidance() > 1;

        Conditions[] conds = conditions(model, r, height, width, cfg);

        Draws draws = new Draws(r, batch);
        float[] init = r.init() == null ? null : initLatents(model, r.init(), batch, per, draws);

        Plan plan = checked.plan();
        Sampler sampler = checked.sampler();
        SamplerInfo info = sampler.info();
        double sigma0 = plan.sigmas[0];
        Latent x;
        float[] noise = draws.initial(per);
        if (init == null) {
            x = Latents.scale(plan.initScale, ArrayLatent.ofFloats(noise, batchShape));
        } else {
            float[] v = new float[init.length];
            float s = (float) sigma0;
            for (int i = 0; i < v.length; i++) v[i] = init[i] + s * noise[i];
            x = ArrayLatent.ofFloats(v, batchShape);
        }
        ModelDenoiser md = new ModelDenoiser(sized, plan.parameterization, conds[0], conds[1], cfg ? r.guidance() : 1, r.guidanceRescale(),
                info.capabilities().needsUnconditional());
        Denoiser den = plan.postprocess == null ? md : plan.postprocess.apply(md);
        SamplingContext ctx = new SamplingContext(draws.steps(), md.tracker(plan.steps, progress));
        long t0 = System.nanoTime();
        Latent out = sampler.sample(den, x, plan.sigmas, checked.options(), ctx);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Latent latents = plan.finalScale == 1 ? out : Latents.scale(plan.finalScale, out);
        float[] lat = ArrayLatent.of(latents).toFloatArray();
        return new Result(ArrayLatent.ofFloats(lat, batchShape), sized.toPixels(lat, batch), plan.parameterization.used(), plan.steps, md.evaluations(), md.runsUnconditional(), seconds);
    }

    // ---- conditioning ------------------------------------------------------------------------------------------

    /** {@code [positive, negative]} conditioning of the batch, each item's prompts encoded once per distinct text. */
    private static Conditions[] conditions(SdModel model, SdRequest r, int height, int width, boolean cfg) {
        int p = r.prompts().size();
        int n = r.imagesPerPrompt();
        List<String> neg = expand(r.negativePrompts(), p, "negative prompts");
        List<String> p2 = expand(r.prompts2(), p, "second prompts (prompt_2)");
        List<String> neg2 = expand(r.negativePrompts2(), p, "second negative prompts (negative_prompt_2)");
        double[][] ids = timeIds(model, r.micro(), height, width);
        int size = model.perItem();
        float[] pos = new float[p * n * size];
        float[] negs = cfg ? new float[p * n * size] : null;
        for (int i = 0; i < p; i++) {
            String prompt = r.prompts().get(i);
            String prompt2 = orElse(p2 == null ? null : p2.get(i), prompt);
            SdModel.Encoded e = model.encode(prompt, prompt2, r.clipSkip());
            float[] c = model.condition(e.hidden(), e.pooled(), ids[0]);
            float[] u = null;
            if (cfg) {
                String np = neg == null ? null : neg.get(i);
                if (np == null && model.xl() && model.descriptor().forceZerosForEmptyPrompt()) {
                    u = model.zeroCondition(ids[1]);
                } else {
                    String n1 = np == null ? "" : np;
                    String n2 = model.xl() ? orElse(neg2 == null ? null : neg2.get(i), n1) : n1;
                    SdModel.Encoded ne = model.encode(n1, n2, r.clipSkip());
                    u = model.condition(ne.hidden(), ne.pooled(), ids[1]);
                }
            }
            for (int k = 0; k < n; k++) {
                System.arraycopy(c, 0, pos, (i * n + k) * size, size);
                if (cfg) System.arraycopy(u, 0, negs, (i * n + k) * size, size);
            }
        }
        Conditions c = new Conditions(p * n, null, pos);
        return new Conditions[] {c, cfg ? new Conditions(p * n, null, negs) : c};
    }

    /** Python's {@code a or b} on strings: an empty or missing value takes the fallback. */
    private static String orElse(String a, String b) {
        return a == null || a.isEmpty() ? b : a;
    }

    private static List<String> expand(List<String> l, int p, String what) {
        if (l == null) return null;
        if (l.size() == p) return l;
        if (l.size() == 1) return java.util.Collections.nCopies(p, l.get(0));
        throw new ModelException("give one of the " + what + " for all prompts or one per prompt: " + l.size() + " for " + p + " prompts");
    }

    /** SDXL's default {@code time_ids} for an image of {@code latentH x latentW} latents. */
    static double[] defaultTimeIds(SdModel model, int latentH, int latentW) {
        return timeIds(model, null, latentH * model.vaeScaleFactor(), latentW * model.vaeScaleFactor())[0];
    }

    private static double[][] timeIds(SdModel model, SdRequest.Micro m, int height, int width) {
        int[] hw = {height, width};
        int[] orig = m == null || m.originalSize() == null ? hw : pair(m.originalSize(), "original_size");
        int[] crop = m == null || m.cropsCoordsTopLeft() == null ? new int[] {0, 0} : pair(m.cropsCoordsTopLeft(), "crops_coords_top_left");
        int[] target = m == null || m.targetSize() == null ? hw : pair(m.targetSize(), "target_size");
        double[] pos = ids(orig, crop, target);
        double[] neg = pos;
        if (m != null && m.negativeOriginalSize() != null && m.negativeTargetSize() != null) {
            int[] ncrop = m.negativeCropsCoordsTopLeft() == null ? new int[] {0, 0} : pair(m.negativeCropsCoordsTopLeft(), "negative_crops_coords_top_left");
            neg = ids(pair(m.negativeOriginalSize(), "negative_original_size"), ncrop, pair(m.negativeTargetSize(), "negative_target_size"));
        }
        return new double[][] {pos, neg};
    }

    private static int[] pair(int[] v, String what) {
        if (v.length != 2) throw new ModelException(what + " must be two numbers [height, width] (or [top, left]), got " + Arrays.toString(v));
        return v;
    }

    private static double[] ids(int[] a, int[] b, int[] c) {
        return new double[] {a[0], a[1], b[0], b[1], c[0], c[1]};
    }

    // ---- noise -------------------------------------------------------------------------------------------------

    /** The random draws of one call, in diffusers' order or per item. */
    private static final class Draws {
        private final SdRequest r;
        private final int batch;
        private final IntFunction<float[]> stream;
        private final List<IntFunction<float[]>> items = new ArrayList<>();

        Draws(SdRequest r, int batch) {
            this.r = r;
            this.batch = batch;
            this.stream = r.noise() == SdRequest.Noise.DIFFUSERS ? generator(r.rng(), r.seed()) : null;
            if (stream == null) for (int i = 0; i < batch; i++) items.add(generator(r.rng(), r.seed() + i));
        }

        /** The VAE sample's noise of one image (diffusers: drawn once for the image, then repeated over the batch). */
        float[] vaeSample(int per, int images) {
            if (stream != null) return stream.apply(per * images);
            float[] all = new float[per * batch];
            for (int i = 0; i < batch; i++) System.arraycopy(items.get(i).apply(per), 0, all, i * per, per);
            return all;
        }

        float[] initial(int per) {
            if (stream != null) return stream.apply(per * batch);
            float[] all = new float[per * batch];
            for (int i = 0; i < batch; i++) System.arraycopy(items.get(i).apply(per), 0, all, i * per, per);
            return all;
        }

        NoiseSource steps() {
            if (stream == null) {
                long[] seeds = new long[batch];
                for (int i = 0; i < batch; i++) seeds[i] = r.seed() + i;
                return SeededNoise.steps(rng(r.rng()), seeds);
            }
            return (s, sn, like) -> {
                float[] f = stream.apply(like.size());
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) d[i] = f[i];
                return like.withValues(d);
            };
        }

        private static SeededNoise.Rng rng(String id) {
            try {
                return SeededNoise.Rng.parse(id);
            } catch (IllegalArgumentException e) {
                throw new ModelException(e.getMessage());
            }
        }

        private static IntFunction<float[]> generator(String id, long seed) {
            if (rng(id) == SeededNoise.Rng.TORCH_CPU) {
                TorchCpuGenerator g = new TorchCpuGenerator(seed);
                return g::randnFloat;
            }
            TorchCudaGenerator g = new TorchCudaGenerator(seed);
            return g::randnFloat;
        }
    }

    /** The init image through the VAE encoder, its latent sampled, repeated over the batch. */
    private static float[] initLatents(SdModel model, SdRequest.InitImage img, int batch, int per, Draws draws) {
        float[] x = new float[img.rgb().length];
        for (int i = 0; i < x.length; i++) {
            float v = img.rgb()[i];
            x[i] = 2f * v - 1f;
        }
        if (draws.stream != null) {
            float[] one = model.encodeImage(x, 1, img.height(), img.width(), n -> draws.vaeSample(per, 1));
            float[] all = new float[batch * per];
            for (int b = 0; b < batch; b++) System.arraycopy(one, 0, all, b * per, per);
            return all;
        }
        float[] xs = new float[batch * x.length];
        for (int b = 0; b < batch; b++) System.arraycopy(x, 0, xs, b * x.length, x.length);
        return model.encodeImage(xs, batch, img.height(), img.width(), n -> draws.vaeSample(per, batch));
    }

    // ---- schedules ---------------------------------------------------------------------------------------------

    /** How the sampler runs: its sigmas, options, the UNet's timesteps, and the frame conversions. */
    private record Plan(String samplerId, Map<String, Object> options, double[] sigmas, int steps, double initScale, double finalScale,
                        Timesteps parameterization, java.util.function.UnaryOperator<Denoiser> postprocess) {}

    /** A diffusers scheduler: its route's sampler over its sigma list, the class's timesteps fed call by call. */
    private static Plan diffusersPlan(DiffusionModel model, SdRequest.Diffusers d, SdRequest r) {
        DiffusersTimesteps ts;
        DiffusersRoute route;
        try {
            ts = d.timesteps() != null ? DiffusersSchedules.retrieveTimesteps(d.config(), null, d.timesteps(), null)
                    : DiffusersSchedules.setTimesteps(d.config(), SetTimesteps.steps(d.steps()));
            route = DiffusersSchedules.route(d.config(), d.stepKwargs() == null ? Map.of() : d.stepKwargs());
        } catch (ScheduleException e) {
            throw new ModelException(d.config().className() + ": " + e.getMessage(), e);
        }
        if (route.frame() != DiffusersRoute.Frame.VE && route.frame() != DiffusersRoute.Frame.VP) {
            throw new ModelException(d.config().className() + " steps in the " + route.frame() + " frame; Stable Diffusion models need a DDPM-type scheduler");
        }
        if (ts.schedule() == null) throw new ModelException(d.config().className() + " with this config has no sampler4j schedule; it cannot be stepped");
        double[] all = Numerics.toF32(route.samplerSigmas().apply(ts));
        double[] calls = ts.timesteps();
        boolean paired = Boolean.TRUE.equals(route.options().get("paired"));
        int start = 0;
        if (r.init() != null) {
            int n = d.steps() != null ? d.steps() : calls.length;
            start = n - Math.min((int) (n * r.strength()), n);
            checkStrength(r.strength(), n);
            start *= d.config().order();
        }
        double[] sigmas = Arrays.copyOfRange(all, paired ? 2 * start : start, all.length);
        double[] callTs = Arrays.copyOfRange(calls, start, calls.length);
        Parameterization base = Parameterization.of(model.noiseModel(), route.prediction());
        Timesteps p = Timesteps.inOrder(base, callTs);
        boolean vp = route.frame() == DiffusersRoute.Frame.VP;
        double initScale = (ts.initNoiseSigma() == null ? 1.0 : ts.initNoiseSigma()) * (vp ? Math.sqrt(1 + sigmas[0] * sigmas[0]) : 1);
        double last = sigmas[sigmas.length - 1];
        double finalScale = vp ? 1 / Math.sqrt(1 + last * last) : 1;
        return new Plan(route.samplerId(), route.options(), sigmas, callTs.length, initScale, finalScale, p, route.postprocess());
    }

    private static void checkStrength(double strength, int steps) {
        if (!(strength > 0 && strength <= 1)) throw new ModelException("strength must lie in (0, 1], got " + strength);
        if ((int) (steps * strength) < 1) throw new ModelException("strength " + strength + " of " + steps + " steps keeps no step: raise the strength or the step count");
    }

    /** A sampler4j sampler over a DSL schedule; the UNet gets the schedule's timestep at each listed sigma. */
    private static Plan dslPlan(DiffusionModel model, SdRequest.Dsl d, SdRequest r) {
        Schedule schedule;
        try {
            schedule = Schedule.parse(d.schedule()).resolve(model.noiseModel());
            if (r.init() != null) {
                checkStrength(r.strength(), schedule.steps());
                schedule = schedule.truncate(r.strength());
            }
        } catch (ScheduleException e) {
            throw new ModelException("schedule '" + d.schedule() + "': " + e.getMessage(), e);
        }
        Timesteps p = Timesteps.listed(model.parameterization(schedule.model()), schedule.sigmas(), schedule.timesteps());
        return new Plan(d.sampler(), d.options() == null ? Map.of() : d.options(), schedule.sigmas(), schedule.steps(), schedule.sigma(0), 1, p, null);
    }

    /**
     * The parameterization with the UNet timesteps of a schedule: diffusers' own timesteps call by call, or the
     * schedule's timestep at a listed sigma (the noise model's {@code t(sigma)} between listed sigmas).
     */
    private static final class Timesteps implements Parameterization {
        private final Parameterization base;
        private final double[] sigmas;
        private final double[] timesteps;
        private final boolean inOrder;
        private final List<Double> used = new ArrayList<>();

        private Timesteps(Parameterization base, double[] sigmas, double[] timesteps, boolean inOrder) {
            this.base = base;
            this.sigmas = sigmas;
            this.timesteps = timesteps;
            this.inOrder = inOrder;
        }

        static Timesteps inOrder(Parameterization base, double[] timesteps) {
            return new Timesteps(base, null, timesteps, true);
        }

        static Timesteps listed(Parameterization base, double[] sigmas, double[] timesteps) {
            return new Timesteps(base, sigmas, timesteps, false);
        }

        double[] used() {
            return used.stream().mapToDouble(Double::doubleValue).toArray();
        }

        @Override
        public double cIn(double sigma) {
            return base.cIn(sigma);
        }

        @Override
        public double timestep(double sigma) {
            double t;
            if (inOrder) {
                int k = used.size();
                if (k >= timesteps.length) throw new IllegalStateException("the sampler called the model " + (k + 1) + " times; the scheduler has " + timesteps.length + " timesteps");
                t = timesteps[k];
            } else {
                t = base.timestep(sigma);
                for (int i = 0; i < timesteps.length; i++) {
                    if (Math.abs(sigmas[i] - sigma) <= 1e-9 * Math.max(1, sigma)) {
                        t = timesteps[i];
                        break;
                    }
                }
            }
            used.add(t);
            return t;
        }

        @Override
        public Latent denoised(Latent x, double sigma, Latent out) {
            return base.denoised(x, sigma, out);
        }
    }
}
