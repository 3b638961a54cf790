package org.sampler4j.api.sampler;

/**
 * Fused linear combinations: the one tensor operation samplers use. A sampler computes its scalar coefficients as
 * named doubles first, then writes one {@code Latents.sum(...)} per line.
 */
public final class Latents {
    private Latents() {}

    /**
     * {@return {@code a*x + b*y}}
     *
     * @param a the coefficient of {@code x}
     * @param x a latent
     * @param b the coefficient of {@code y}
     * @param y a latent of the same shape
     */
    public static Latent sum(double a, Latent x, double b, Latent y) {
        return x.linearCombination(new double[] {a, b}, new Latent[] {x, y});
    }

    /**
     * {@return {@code a*x + b*y + c*z}}
     *
     * @param a the coefficient of {@code x}
     * @param x a latent
     * @param b the coefficient of {@code y}
     * @param y a latent of the same shape
     * @param c the coefficient of {@code z}
     * @param z a latent of the same shape
     */
    public static Latent sum(double a, Latent x, double b, Latent y, double c, Latent z) {
        return x.linearCombination(new double[] {a, b, c}, new Latent[] {x, y, z});
    }

    /**
     * {@return {@code a*x + b*y + c*z + e*w}}
     *
     * @param a the coefficient of {@code x}
     * @param x a latent
     * @param b the coefficient of {@code y}
     * @param y a latent of the same shape
     * @param c the coefficient of {@code z}
     * @param z a latent of the same shape
     * @param e the coefficient of {@code w}
     * @param w a latent of the same shape
     */
    public static Latent sum(double a, Latent x, double b, Latent y, double c, Latent z, double e, Latent w) {
        return x.linearCombination(new double[] {a, b, c, e}, new Latent[] {x, y, z, w});
    }

    /**
     * {@return {@code sum_k coeffs[k] * terms[k]}}
     *
     * @param coeffs one coefficient per term
     * @param terms latents of one shape, as many as {@code coeffs}
     */
    public static Latent sum(double[] coeffs, Latent[] terms) {
        if (coeffs.length != terms.length || terms.length == 0) {
            throw new IllegalArgumentException("need as many coefficients as terms (at least one), got " + coeffs.length + " and " + terms.length);
        }
        return terms[0].linearCombination(coeffs.clone(), terms.clone());
    }

    /**
     * {@return {@code a*x}}
     *
     * @param a the factor
     * @param x a latent
     */
    public static Latent scale(double a, Latent x) {
        return x.linearCombination(new double[] {a}, new Latent[] {x});
    }

    /**
     * {@return the derivative {@code (x - denoised) / sigma} of the probability-flow ODE (k-diffusion's {@code to_d})}
     *
     * @param x the current sample
     * @param sigma its noise level, positive
     * @param denoised the denoiser's estimate {@code D(x, sigma)}
     */
    public static Latent toD(Latent x, double sigma, Latent denoised) {
        return sum(1 / sigma, x, -1 / sigma, denoised);
    }
}
