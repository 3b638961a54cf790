package org.sampler4j.host.model;

import java.util.Locale;
import org.sampler4j.api.guidance.Guidance;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.GuidedDenoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.StepListener;

/**
 * A {@link DiffusionModel} as the samplers' {@code D(x; sigma)}, with classifier-free guidance:
 * <ul>
 *   <li>one network call per evaluation: conditional and unconditional items go through one batched forward
 *       ({@code [cond; uncond]}, batch {@code 2B});</li>
 *   <li>guidance on the raw predictions, {@code uncond + scale (cond - uncond)}, then diffusers'
 *       {@code rescale_noise_cfg} ({@link Guidance#rescale}) when {@code guidanceRescale > 0}, then the conversion to
 *       {@code D}, in that order, as diffusers pipelines do;</li>
 *   <li>the unconditional pass is skipped at scale 1 (and for unconditional models) unless the sampler needs the
 *       unconditional estimate ({@link GuidedDenoiser#denoiseBoth}, CFG++), in which case it is always computed;</li>
 *   <li>every output is checked for NaN/Inf, and the error names the step and sigma.</li>
 * </ul>
 * Latents handed back are float32 {@link ArrayLatent}s, so the samplers' linear combinations stay fused Java loops.
 */
public final class ModelDenoiser implements GuidedDenoiser {
    private final DiffusionModel model;
    private final Parameterization p;
    private final Conditions cond;
    private final Conditions both;
    private final double scale;
    private final double rescale;
    private final boolean guided;
    private int step;
    private int steps = -1;
    private long evaluations;

    /**
     * @param model the model
     * @param cond conditioning of each item
     * @param uncond the unconditional ("negative") conditioning of each item
     * @param scale guidance scale
     * @param guidanceRescale {@code phi} of {@code rescale_noise_cfg}, 0 for none
     * @param needsUnconditional whether the sampler asks for the unconditional estimate (CFG++)
     */
    public ModelDenoiser(DiffusionModel model, Conditions cond, Conditions uncond, double scale, double guidanceRescale, boolean needsUnconditional) {
        this(model, model.parameterization(), cond, uncond, scale, guidanceRescale, needsUnconditional);
    }

    /**
     * A denoiser with an explicit parameterization, e.g. {@link DiffusionModel#parameterization(org.sampler4j.api.schedule.NoiseModel)}
     * for a schedule whose modifiers changed the noise model.
     *
     * @param model the model
     * @param parameterization how the network is called and read
     * @param cond conditioning of each item
     * @param uncond the unconditional ("negative") conditioning of each item
     * @param scale guidance scale
     * @param guidanceRescale {@code phi} of {@code rescale_noise_cfg}, 0 for none
     * @param needsUnconditional whether the sampler asks for the unconditional estimate (CFG++)
     */
    public ModelDenoiser(DiffusionModel model, Parameterization parameterization, Conditions cond, Conditions uncond, double scale, double guidanceRescale,
                         boolean needsUnconditional) {
        if (!Double.isFinite(scale)) throw new ModelException("guidance scale must be finite, got " + scale);
        if (!(guidanceRescale >= 0 && guidanceRescale <= 1)) throw new ModelException("guidance rescale must lie in [0, 1], got " + guidanceRescale);
        if (cond.batch() != uncond.batch()) throw new IllegalArgumentException("conditional and unconditional batches differ");
        this.model = model;
        this.p = parameterization;
        this.cond = cond;
        this.scale = scale;
        this.rescale = guidanceRescale;
        boolean conditional = model.conditioning().kindValue() != ConditioningSpec.Kind.NONE;
        this.guided = conditional && (scale != 1 || needsUnconditional);
        this.both = guided ? cond.concat(uncond) : null;
    }

    /** Whether evaluations include the unconditional pass. */
    public boolean runsUnconditional() {
        return guided;
    }

    /** Network evaluations so far (one per {@link #denoiseBoth}, whatever the batch). */
    public long evaluations() {
        return evaluations;
    }

    /**
     * A listener that tracks the step for error messages; chain it in the sampling context.
     *
     * @param total the number of steps of the run
     * @param next the listener to call after each step
     */
    public StepListener tracker(int total, StepListener next) {
        steps = total;
        return s -> {
            step = s.index() + 1;
            next.onStep(s);
        };
    }

    @Override
    public Estimates denoiseBoth(Latent x, double sigma) {
        Latent[] out = outputs(x, sigma);
        Latent d = p.denoised(x, sigma, out[0]);
        return new Estimates(d, out[1] == null ? d : p.denoised(x, sigma, out[1]));
    }

    /** The guided estimate only, written into the sampler's storage ({@code into}) where the parameterization can. */
    @Override
    public Latent denoise(Latent x, double sigma, LatentRing into) {
        return p.denoised(x, sigma, outputs(x, sigma)[0], into);
    }

    @Override
    public Latent denoise(Latent x, double sigma) {
        return denoise(x, sigma, LatentRing.none());
    }

    /**
     * One network evaluation at {@code (x, sigma)}: the guided prediction (the conditional one when unguided) and the
     * unconditional one ({@code null} when unguided).
     */
    private Latent[] outputs(Latent x, double sigma) {
        int b = cond.batch();
        ArrayLatent ax = ArrayLatent.of(x);
        int n = ax.size();
        if (n != b * size(model.itemShape())) {
            throw new IllegalArgumentException("latent of " + n + " values for a batch of " + b + " items " + java.util.Arrays.toString(model.itemShape()));
        }
        int passes = guided ? 2 : 1;
        float cIn = (float) p.cIn(sigma);
        float[] in = new float[n * passes];
        for (int i = 0; i < n; i++) in[i] = (float) ax.get(i) * cIn;
        if (guided) System.arraycopy(in, 0, in, n, n);
        float[] t = new float[b * passes];
        java.util.Arrays.fill(t, (float) p.timestep(sigma));
        float[] out = model.forward(in, t, guided ? both : cond);
        evaluations++;
        checkFinite(out, sigma);
        int[] shape = x.shape();
        Latent c = floats(ax, java.util.Arrays.copyOf(out, n), shape);
        if (!guided) return new Latent[] {c, null};
        Latent u = floats(ax, java.util.Arrays.copyOfRange(out, n, 2 * n), shape);
        Latent g = Guidance.cfg(u, c, scale);
        if (rescale > 0) g = Guidance.rescale(g, c, rescale);
        return new Latent[] {g, u};
    }

    /** A float32 latent holding {@code values} (kept, not copied again where {@code like} is float32). */
    private static Latent floats(ArrayLatent like, float[] values, int[] shape) {
        return like.precision() == Latent.Precision.FLOAT32 ? like.withFloatValues(values) : ArrayLatent.ofFloats(values, shape);
    }

    private void checkFinite(float[] out, double sigma) {
        int bad = 0;
        int first = -1;
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) {
                if (first < 0) first = i;
                bad++;
            }
        }
        if (bad == 0) return;
        int per = size(model.itemShape());
        int item = first / per;
        String which = guided && item >= cond.batch() ? "unconditional item " + (item - cond.batch()) : "item " + item;
        throw new ModelException(String.format(Locale.ROOT, "the model output has %d NaN/Inf values (first: %s, %s) at step %s (sigma %.6g): "
                        + "the network diverged — check the model, its dtype and the noise model in model.yaml, or try fewer steps or a lower guidance scale",
                bad, which, Float.toString(out[first]), steps < 0 ? Integer.toString(step + 1) : (step + 1) + " of " + steps, sigma));
    }

    private static int size(int[] s) {
        int n = 1;
        for (int d : s) n *= d;
        return n;
    }
}
