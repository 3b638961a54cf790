package org.sampler4j.api.sampler;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The storage one sampling run owns: its {@link LatentRing}s, and the model calls that may write the denoised
 * estimate into one of them. A sampler creates one per {@link Sampler#sample} call:
 *
 * <pre>{@code
 * SamplerStorage storage = new SamplerStorage(model);
 * LatentRing xs = storage.ring(2);
 * LatentRing ds = storage.ring(1);
 * for (...) {
 *     Latent denoised = storage.denoise(x, sigma, ds);
 *     x = xs.sum(1 + dt / sigma, x, -dt / sigma, denoised);
 * }
 * }</pre>
 *
 * {@link #denoise} is the storage-level aliasing check of the {@link LatentRing} contract: a result that shares
 * storage with a latent of this run's rings (a denoiser that returns its input) is dropped from those rings, so they
 * allocate instead of overwriting what the sampler now keeps as its denoised estimate.
 *
 * <p>One pass per step: the denoised estimate a model adapter writes into the ring ({@code x - sigma eps} for an
 * epsilon network) is deferred ({@link ArrayLatent}'s storage holds the sum, not yet its values) and evaluated in the
 * same pass over memory as the first sum that reads it, block by block, so the update above reads {@code x} and the
 * network output once and writes {@code denoised} and the new {@code x} together. The bits are those of evaluating the
 * estimate first; it is evaluated on its own when anything else reads it, before the next model call, and when the
 * step is reported to a listener ({@link SamplingContext#step}). An estimate in a ring of one latent is not even
 * written by that pass: it stays deferred (a later reader computes it again, same bits) and is dropped unevaluated
 * when the next model call's estimate is written into its storage, so euler-like samplers read {@code x} and the
 * network output and write only the new {@code x}.
 */
public final class SamplerStorage {
    private final Denoiser model;
    private final List<LatentRing> rings = new ArrayList<>();
    private Latent lastEstimate; // the last denoised estimate, whose evaluation may still be deferred

    /**
     * Storage for one run of {@code model}.
     *
     * @param model the run's denoiser
     */
    public SamplerStorage(Denoiser model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /**
     * A new ring of this run ({@link LatentRing#of}).
     *
     * @param n the number of latents: each write leaves the ring's previous {@code n - 1} results valid
     * @return the ring
     */
    public LatentRing ring(int n) {
        LatentRing r = LatentRing.of(n);
        rings.add(r);
        return r;
    }

    /**
     * {@code D(x; sigma)}: the model's denoised estimate, written into {@code into} where the model supports it
     * ({@link Denoiser#denoise(Latent, double, LatentRing)}).
     *
     * @param x     the noisy latent
     * @param sigma its noise level
     * @param into  a ring of this run for the result
     * @return the denoised estimate
     */
    public Latent denoise(Latent x, double sigma, LatentRing into) {
        ArrayLatent.materialize(x);
        // the last estimate's terms (the network's last output) may change in the model call: evaluated now, or
        // dropped when this call's estimate goes into its storage (a ring of one latent, given for the result)
        if (into.writesNextInto(lastEstimate)) ArrayLatent.drop(lastEstimate);
        else ArrayLatent.materialize(lastEstimate);
        into.deferNextWrite(true);
        Latent d;
        try {
            d = model.denoise(x, sigma, into);
        } finally {
            into.deferNextWrite(false);
        }
        if (!into.holdsLast(d)) for (LatentRing r : rings) r.release(d);
        lastEstimate = d;
        return d;
    }
}
