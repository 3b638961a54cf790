package org.sampler4j.plugins.samplers;

import static org.sampler4j.plugins.samplers.DpmSolverTime.sigma;

import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;

/**
 * One DPM-Solver-1/2/3 step (Lu et al. 2022; k-diffusion {@code DPMSolver.dpm_solver_*_step}) from log-SNR time
 * {@code t = -ln sigma} to {@code tNext}, with the noise predictions it shares between orders ({@code eps_cache}: the
 * prediction at {@code t} and at the first and second intermediate points, computed once per step).
 */
final class DpmSolverStep {
    private final Denoiser model;
    private final Latent x;
    private final double t;
    private final double h;
    private final double sigmaNext;
    /** The model's denoised estimate at the step's start (the step's first model call, made on construction). */
    final Latent denoised;
    private final Latent eps;
    private Latent epsR1, epsR2;
    private double r1Used;

    DpmSolverStep(Denoiser model, Latent x, double t, double tNext) {
        this.model = model;
        this.x = x;
        this.t = t;
        this.h = tNext - t;
        this.sigmaNext = sigma(tNext);
        this.denoised = model.denoise(x, sigma(t));
        this.eps = Latents.toD(x, sigma(t), denoised);
    }

    private Latent epsAt(Latent u, double s) {
        return Latents.toD(u, sigma(s), model.denoise(u, sigma(s)));
    }

    /** DPM-Solver-1 (DDIM): {@code x - sigma_next expm1(h) eps}. */
    Latent first() {
        return Latents.sum(1, x, -sigmaNext * Math.expm1(h), eps);
    }

    /** The prediction at {@code t + r1 h} after a first-order step there (cached, like the reference's {@code eps_r1}). */
    private Latent epsR1(double r1) {
        if (epsR1 == null || r1Used != r1) {
            double s1 = t + r1 * h;
            Latent u1 = Latents.sum(1, x, -sigma(s1) * Math.expm1(r1 * h), eps);
            epsR1 = epsAt(u1, s1);
            r1Used = r1;
        }
        return epsR1;
    }

    /** DPM-Solver-2 with the intermediate point at {@code t + r1 h}. */
    Latent second(double r1) {
        Latent e1 = epsR1(r1);
        double base = -sigmaNext * Math.expm1(h);
        double diff = -sigmaNext / (2 * r1) * Math.expm1(h);
        return Latents.sum(1, x, base - diff, eps, diff, e1);
    }

    /** DPM-Solver-3 with intermediate points at {@code t + h/3} and {@code t + 2h/3}. */
    Latent third() {
        double r1 = 1.0 / 3;
        double r2 = 2.0 / 3;
        if (epsR2 == null) {
            Latent e1 = epsR1(r1);
            double s2 = t + r2 * h;
            double phi1R2 = Math.expm1(r2 * h);
            double u2Base = -sigma(s2) * phi1R2;
            double u2Diff = -sigma(s2) * (r2 / r1) * (phi1R2 / (r2 * h) - 1);
            Latent u2 = Latents.sum(1, x, u2Base - u2Diff, eps, u2Diff, e1);
            epsR2 = epsAt(u2, s2);
        }
        double base = -sigmaNext * Math.expm1(h);
        double diff = -sigmaNext / r2 * (Math.expm1(h) / h - 1);
        return Latents.sum(1, x, base - diff, eps, diff, epsR2);
    }
}
