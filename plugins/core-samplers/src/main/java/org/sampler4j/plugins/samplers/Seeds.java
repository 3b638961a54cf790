package org.sampler4j.plugins.samplers;

import java.util.List;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Stage arithmetic of the SEEDS solvers (Gonzalez et al. 2023, stochastic exponential derivative-free solvers, data
 * prediction) as ComfyUI writes them ({@code sample_seeds_2/3}), in the notation of {@link ExpIntegrator}: a step of
 * half log-SNR length {@code h} has stages at {@code lambda_s + r h}; {@code eta} splits each stage into a decay
 * {@code e^(-r h eta)} of x and an integrator of length {@code r h (1 + eta)}, and the SDE noise of a stage carries the
 * previous stage's noise forward ({@link #noise}).
 */
final class Seeds {
    static final String PHI_1 = "phi_1";
    static final String PHI_2 = "phi_2";

    /** ComfyUI's {@code solver_type} of seeds_2 and exp_heun_2_x0. */
    static OptionSpec solverType(String def) {
        return OptionSpec.choice("solver_type", def, List.of(PHI_1, PHI_2),
                "last stage: phi_1 = first-order weights on the stage mix, phi_2 = second-order exponential weights");
    }

    private Seeds() {}

    /** {@code torch.lerp(a, b, w)}, rounding as torch does. */
    static double lerp(double a, double b, double w) {
        return w < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
    }

    /** The sigma of the stage at fraction {@code r} of the step (interpolated in {@code lambda = -log sigma}). */
    static double stageSigma(double sigma, double sigmaNext, double r) {
        return ExpIntegrator.sigma(lerp(ExpIntegrator.lambda(sigma), ExpIntegrator.lambda(sigmaNext), r));
    }

    /** The decay of x from {@code sigma} to a stage at {@code sigmaTo}, {@code rh = r h} into the step. */
    static double decay(double sigma, double sigmaTo, double rh, double eta) {
        return sigmaTo / sigma * Math.exp(-rh * eta);
    }

    /**
     * A stage (or the step) from {@code sigma} to {@code sigmaTo}, {@code rh = r h} into the step:
     * {@code decay x + phi1(z) D + phi2(z) (Dk - D) / rho} with {@code z = rh (1 + eta)}, where {@code Dk} is the
     * denoised estimate of an earlier stage at relative position {@code rho = r_k / r} (null: first order); written into
     * {@code into}.
     */
    static Latent stage(Latent x, double sigma, double sigmaTo, double rh, double eta, Latent denoised, Latent dk, double rho, LatentRing into) {
        double z = rh * (eta + 1);
        double decay = decay(sigma, sigmaTo, rh, eta);
        double phi1 = ExpIntegrator.phi1(z);
        if (dk == null) return into.sum(decay, x, phi1, denoised);
        double c = ExpIntegrator.phi2(z) / rho;
        return into.sum(decay, x, phi1 - c, denoised, c, dk);
    }

    /**
     * The SDE noise at the end of a segment of length {@code segment = (r_from - r_to) h eta} (negative): the carried
     * noise ({@code null} on the first segment) times {@code e^segment} plus fresh noise of std
     * {@code sqrt(1 - e^(2 segment))}, drawn as {@code noise(sigmaFrom, sigmaTo)}, written into {@code into} (a ring of at
     * least 2, so {@code carried} stays valid). Add it scaled by {@code sigmaTo s_noise}.
     */
    static Latent noise(Latent carried, double segment, double sigmaFrom, double sigmaTo, SamplingContext ctx, Latent like, LatentRing into) {
        double freshStd = Math.sqrt(-Math.expm1(2 * segment));
        Latent fresh = ctx.noise().noise(sigmaFrom, sigmaTo, like);
        if (carried == null) return into.scale(freshStd, fresh);
        return into.sum(Math.exp(segment), carried, freshStd, fresh);
    }
}
