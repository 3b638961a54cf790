package org.sampler4j.api.sampler;

/**
 * Storage a sampler owns and reuses from step to step: a ring of {@code n} latents it created itself, so a sampling
 * loop does not allocate a full-size latent per step. The sums are {@link Latents}' sums with the same bits, written
 * into the ring's oldest latent instead of a new one; the sampler keeps its k-diffusion shape:
 *
 * <pre>{@code
 * LatentRing xs = LatentRing.of(2); // x and the x it is computed from
 * ...
 * x = xs.sum(1 + dt / sigma, x, -dt / sigma, denoised);
 * }</pre>
 *
 * <p>The contract:
 * <ul>
 *   <li>A write overwrites the ring's least recently written latent, so <b>the last {@code n - 1} results of a ring
 *       stay valid</b>; the sampler sizes its ring for the results it still reads (x and the previous x: 2; the
 *       denoised estimates of a third-order multistep method: 3). Until the ring holds {@code n} latents, writes
 *       allocate (the first {@code n} writes of a run).</li>
 *   <li>Only storage the ring created is written: never a caller's latent, a denoiser's output or noise. A write whose
 *       oldest latent shares storage with one of the terms ({@link Latent#sharesStorage}) allocates a new latent in
 *       its place instead, as does a write the latent's kind cannot do in place ({@link Latent#overwriteWith}: e.g.
 *       latents held by a native engine), so the result is always the value {@link Latents#sum} returns.</li>
 *   <li>What a sampler hands out of a ring — to a {@link StepListener} (the step's {@code x} and {@code denoised}), to
 *       a {@link Denoiser} (its input {@code x}), to the caller of {@link SamplerStepper} (a request's {@code x}) — is
 *       valid during that call only: a listener or denoiser that keeps a latent copies it (e.g.
 *       {@code ArrayLatent.ofFloats(a.toFloatArray(), a.shape())} or {@code x.withValues(x.toDoubleArray())}). The
 *       latent a sampler returns is the caller's.</li>
 *   <li>A denoiser may return a latent that shares storage with its input (an identity model); a sampler passes such
 *       results through {@link #release(Latent)} of its rings (done by {@link SamplerStorage#denoise}), which drops the
 *       shared latent from the ring so it is never overwritten.</li>
 * </ul>
 * A ring belongs to one sampling run on one thread ({@link #none()} excepted).
 */
public final class LatentRing {
    private static final LatentRing NONE = new LatentRing(0);

    private final Latent[] slots;
    private int next; // the least recently written slot
    private boolean deferNext; // the next write may be deferred (SamplerStorage.denoise, for the denoised estimate)

    private LatentRing(int n) {
        this.slots = new Latent[n];
    }

    /**
     * The ring without storage: every write returns a new latent ({@link Latents#sum}), for callers that own no
     * storage. Stateless, so it may be shared between threads.
     *
     * @return the ring of no latents
     */
    public static LatentRing none() {
        return NONE;
    }

    /**
     * A ring of {@code n} latents: each write leaves the ring's previous {@code n - 1} results valid.
     *
     * @param n the number of latents (at least 1)
     * @return an empty ring (it allocates on its first {@code n} writes)
     */
    public static LatentRing of(int n) {
        if (n < 1) throw new IllegalArgumentException("a latent ring needs at least 1 latent, got " + n + " (LatentRing.none() keeps none)");
        return new LatentRing(n);
    }

    /**
     * {@return {@code a*x + b*y} (as {@link Latents#sum(double, Latent, double, Latent)}) in this ring's storage}
     *
     * @param a the first coefficient
     * @param x the first term
     * @param b the second coefficient
     * @param y the second term
     */
    public Latent sum(double a, Latent x, double b, Latent y) {
        return write(new double[] {a, b}, new Latent[] {x, y});
    }

    /**
     * {@return {@code a*x + b*y + c*z} in this ring's storage}
     *
     * @param a the first coefficient
     * @param x the first term
     * @param b the second coefficient
     * @param y the second term
     * @param c the third coefficient
     * @param z the third term
     */
    public Latent sum(double a, Latent x, double b, Latent y, double c, Latent z) {
        return write(new double[] {a, b, c}, new Latent[] {x, y, z});
    }

    /**
     * {@return {@code a*x + b*y + c*z + e*w} in this ring's storage}
     *
     * @param a the first coefficient
     * @param x the first term
     * @param b the second coefficient
     * @param y the second term
     * @param c the third coefficient
     * @param z the third term
     * @param e the fourth coefficient
     * @param w the fourth term
     */
    public Latent sum(double a, Latent x, double b, Latent y, double c, Latent z, double e, Latent w) {
        return write(new double[] {a, b, c, e}, new Latent[] {x, y, z, w});
    }

    /**
     * {@return {@code sum_k coeffs[k] * terms[k]} in this ring's storage}
     *
     * @param coeffs one coefficient per term (copied)
     * @param terms the terms, at least one, all of the same shape (copied)
     */
    public Latent sum(double[] coeffs, Latent[] terms) {
        if (coeffs.length != terms.length || terms.length == 0) {
            throw new IllegalArgumentException("need as many coefficients as terms (at least one), got " + coeffs.length + " and " + terms.length);
        }
        return write(coeffs.clone(), terms.clone());
    }

    /**
     * {@return {@code a*x} in this ring's storage}
     *
     * @param a the factor
     * @param x the latent to scale
     */
    public Latent scale(double a, Latent x) {
        return write(new double[] {a}, new Latent[] {x});
    }

    /**
     * {@return {@code (x - denoised) / sigma} ({@link Latents#toD}) in this ring's storage}
     *
     * @param x the noisy sample
     * @param sigma its noise level, positive
     * @param denoised the denoiser's estimate at {@code x}
     */
    public Latent toD(Latent x, double sigma, Latent denoised) {
        return sum(1 / sigma, x, -1 / sigma, denoised);
    }

    /**
     * Drops every latent of this ring that shares storage with {@code escaped} (a latent the sampler got from outside,
     * e.g. a denoiser's output that is its input), so the ring never overwrites it; its slot allocates anew.
     *
     * @param escaped a latent the sampler keeps
     */
    public void release(Latent escaped) {
        for (int k = 0; k < slots.length; k++) {
            if (slots[k] != null && escaped != null && slots[k].sharesStorage(escaped)) slots[k] = null;
        }
    }

    /** Whether {@code x} is the latent this ring's next write goes into (the only one of a ring of one latent). */
    boolean writesNextInto(Latent x) {
        return x != null && slots.length > 0 && slots[next] == x;
    }

    /** Whether {@code x} is the latent this ring wrote last (a denoiser's result written into the ring). */
    boolean holdsLast(Latent x) {
        return x != null && slots.length > 0 && slots[(next + slots.length - 1) % slots.length] == x;
    }

    /**
     * Lets the next write of this ring be deferred until its result is used ({@link SamplerStorage#denoise}: the
     * denoised estimate is then evaluated in the same pass as the sampler's update that reads it).
     *
     * @param defer whether the next write may be deferred
     */
    void deferNextWrite(boolean defer) {
        deferNext = defer;
    }

    private Latent write(double[] coeffs, Latent[] terms) {
        if (slots.length == 0) return terms[0].linearCombination(coeffs, terms);
        boolean defer = deferNext;
        deferNext = false;
        int k = next;
        next = (next + 1) % slots.length;
        Latent target = slots[k];
        if (target != null && !sharesWithAny(target, terms)
                && (defer && target instanceof ArrayLatent a ? a.deferWith(coeffs, terms, slots.length == 1) : target.overwriteWith(coeffs, terms))) {
            return target;
        }
        Latent fresh = terms[0].linearCombination(coeffs, terms);
        slots[k] = fresh;
        return fresh;
    }

    private static boolean sharesWithAny(Latent target, Latent[] terms) {
        for (Latent t : terms) if (target.sharesStorage(t)) return true;
        return false;
    }
}
