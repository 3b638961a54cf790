package org.sampler4j.api.sampler;

/**
 * Fused linear combinations: the one tensor operation samplers use. A sampler computes its scalar coefficients as
 * named doubles first, then writes one {@code Latents.sum(...)} per line.
 */
public final class Latents {
    private Latents() {}

    /** {@return {@code a*x + b*y}} */
    public static Latent sum(double a, Latent x, double b, Latent y) {
        return x.linearCombination(new double[] {a, b}, new Latent[] {x, y});
    }

    /** {@return {@code a*x + b*y + c*z}} */
    public static Latent sum(double a, Latent x, double b, Latent y, double c, Latent z) {
        return x.linearCombination(new double[] {a, b, c}, new Latent[] {x, y, z});
    }

    /** {@return {@code a*x + b*y + c*z + e*w}} */
    public static Latent sum(double a, Latent x, double b, Latent y, double c, Latent z, double e, Latent w) {
        return x.linearCombination(new double[] {a, b, c, e}, new Latent[] {x, y, z, w});
    }

    /** {@return {@code sum_k coeffs[k] * terms[k]}} */
    public static Latent sum(double[] coeffs, Latent[] terms) {
        if (coeffs.length != terms.length || terms.length == 0) {
            throw new IllegalArgumentException("need as many coefficients as terms (at least one), got " + coeffs.length + " and " + terms.length);
        }
        return terms[0].linearCombination(coeffs.clone(), terms.clone());
    }

    /** {@return {@code a*x}} */
    public static Latent scale(double a, Latent x) {
        return x.linearCombination(new double[] {a}, new Latent[] {x});
    }

    /** {@return the derivative {@code (x - denoised) / sigma} of the probability-flow ODE (k-diffusion's {@code to_d})} */
    public static Latent toD(Latent x, double sigma, Latent denoised) {
        return sum(1 / sigma, x, -1 / sigma, denoised);
    }
}
