package org.sampler4j.api.sampler;

/**
 * A latent tensor as samplers see it: a shape, a precision and fused linear combinations. Samplers never touch the
 * storage; they combine latents with scalar coefficients ({@link Latents#sum}), which each implementation evaluates in
 * one pass (a plain Java loop for {@link ArrayLatent}, a native kernel for a DJL-backed latent in the host).
 *
 * <p>Latents are treated as values: operations return new latents and never modify their inputs. The one exception is
 * storage a sampler created itself and reuses from step to step ({@link LatentRing}): a latent handed to a
 * {@link StepListener} or a {@link Denoiser} is valid during that call only (copy it to keep it), and a caller's
 * latent is never written.
 */
public interface Latent {
    /** {@return the shape, e.g. {@code [batch, channels, height, width]} (a copy)} */
    int[] shape();

    /** {@return number of elements} */
    int size();

    /** {@return storage precision} */
    Precision precision();

    /** {@return the elements in row-major order, widened to double (a copy)} */
    double[] toDoubleArray();

    /**
     * {@return a latent of the same shape, precision and kind holding {@code values} (rounded to the precision)}
     *
     * @param values {@code size()} values, row-major
     */
    Latent withValues(double[] values);

    /**
     * As {@link #withValues}, from float32 values: a float32 latent may keep the array instead of copying it, so the
     * caller must not change {@code values} afterwards (noise generators write straight into the new latent's storage).
     *
     * @param values {@code size()} values, row-major
     * @return a latent of the same shape, precision and kind
     */
    default Latent withFloatValues(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) d[i] = values[i];
        return withValues(d);
    }

    /**
     * {@code sum_k coeffs[k] * terms[k]} in one pass. {@code terms[0]} is this latent's kind; all terms have this shape.
     * Implementations evaluate the sum in their precision as torch evaluates a tensor expression of that dtype:
     * products, then sums in the order of the terms, each rounded (float32 latents: coefficients rounded to float32,
     * float32 products and sums; float64 latents: double); no fused multiply-add.
     *
     * @param coeffs one coefficient per term
     * @param terms latents of this shape, as many as {@code coeffs}
     * @return the sum, of this latent's kind and precision
     */
    Latent linearCombination(double[] coeffs, Latent[] terms);

    /**
     * Storage reuse for {@link LatentRing} (not for general use: it breaks the value semantics for anyone else holding
     * this latent): overwrites this latent with {@code sum_k coeffs[k] * terms[k]}, the bits
     * {@code terms[0].linearCombination(coeffs, terms)} would return, and returns {@code true}; or changes nothing and
     * returns {@code false} when this kind of latent cannot (the default) or this latent's shape, precision or kind is
     * not that of {@code terms[0]}'s result. The caller makes sure no term shares storage with this latent
     * ({@link #sharesStorage}).
     *
     * @param coeffs the coefficients
     * @param terms  the terms, all of this shape
     * @return whether this latent now holds the sum
     */
    default boolean overwriteWith(double[] coeffs, Latent[] terms) {
        return false;
    }

    /**
     * Whether this latent and {@code other} may share storage (a latent may be a view of another's memory). Must not
     * answer {@code false} when they do; the default compares identities, right for kinds whose latents never share.
     *
     * @param other another latent
     * @return {@code true} when writing one could change the other
     */
    default boolean sharesStorage(Latent other) {
        return this == other;
    }

    /** Storage precision of a latent. */
    enum Precision {
        /** IEEE binary32, what models run in. */
        FLOAT32,
        /** IEEE binary64, for reference runs. */
        FLOAT64
    }
}
