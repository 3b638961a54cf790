package org.sampler4j.plugins.samplers;

import static org.sampler4j.plugins.samplers.DpmSolverTime.sigma;

import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.SamplerStorage;

/**
 * DPM-Solver-1/2/3 steps (Lu et al. 2022; k-diffusion {@code DPMSolver.dpm_solver_*_step}) from log-SNR time
 * {@code t = -ln sigma} to {@code tNext}, with the noise predictions a step shares between orders ({@code eps_cache}: the
 * prediction at {@code t} and at the first and second intermediate points, computed once per step), in one run's
 * storage: each {@link #start} begins a new step (and a new cache) in the same latents.
 */
final class DpmSolverStep {
    private final SamplerStorage storage;
    private final LatentRing ds; // the estimate at the step's start (reported after the step)
    private final LatentRing midDs; // the estimate at an intermediate point, used at once
    private final LatentRing predictions; // eps at t, t + r1 h and t + r2 h: all three read by the third-order result
    private final LatentRing points; // an intermediate point, used at once
    private Latent x;
    private double t;
    private double h;
    private double sigmaNext;
    /** The model's denoised estimate at the step's start (the step's first model call, made by {@link #start}). */
    Latent denoised;
    private Latent eps;
    private Latent epsR1, epsR2;
    private double r1Used;

    /** Steps in {@code storage}, the run's. */
    DpmSolverStep(SamplerStorage storage) {
        this.storage = storage;
        this.ds = storage.ring(1);
        this.midDs = storage.ring(1);
        this.predictions = storage.ring(3);
        this.points = storage.ring(1);
    }

    /**
     * Starts a step from {@code x} at {@code t} to {@code tNext} with its first model call; the latents of the previous
     * step (its results excepted: they are in the caller's rings) are no longer valid.
     */
    void start(Latent x, double t, double tNext) {
        this.x = x;
        this.t = t;
        this.h = tNext - t;
        this.sigmaNext = sigma(tNext);
        this.denoised = storage.denoise(x, sigma(t), ds);
        this.eps = predictions.toD(x, sigma(t), denoised); // also evaluates the estimate, so a listener may read it
        this.epsR1 = null;
        this.epsR2 = null;
    }

    private Latent epsAt(Latent u, double s) {
        return predictions.toD(u, sigma(s), storage.denoise(u, sigma(s), midDs));
    }

    /** DPM-Solver-1 (DDIM): {@code x - sigma_next expm1(h) eps}, written into {@code into}. */
    Latent first(LatentRing into) {
        return into.sum(1, x, -sigmaNext * Math.expm1(h), eps);
    }

    /**
     * The prediction at {@code t + r1 h} after a first-order step there (cached, like the reference's {@code eps_r1};
     * one {@code r1} per step, so the cache fits its ring).
     */
    private Latent epsR1(double r1) {
        if (epsR1 != null && r1Used != r1) throw new IllegalStateException("one intermediate point per DPM-Solver step: r1 " + r1Used + ", then " + r1);
        if (epsR1 == null) {
            double s1 = t + r1 * h;
            Latent u1 = points.sum(1, x, -sigma(s1) * Math.expm1(r1 * h), eps);
            epsR1 = epsAt(u1, s1);
            r1Used = r1;
        }
        return epsR1;
    }

    /** DPM-Solver-2 with the intermediate point at {@code t + r1 h}, written into {@code into}. */
    Latent second(double r1, LatentRing into) {
        Latent e1 = epsR1(r1);
        double base = -sigmaNext * Math.expm1(h);
        double diff = -sigmaNext / (2 * r1) * Math.expm1(h);
        return into.sum(1, x, base - diff, eps, diff, e1);
    }

    /** DPM-Solver-3 with intermediate points at {@code t + h/3} and {@code t + 2h/3}, written into {@code into}. */
    Latent third(LatentRing into) {
        double r1 = 1.0 / 3;
        double r2 = 2.0 / 3;
        if (epsR2 == null) {
            Latent e1 = epsR1(r1);
            double s2 = t + r2 * h;
            double phi1R2 = Math.expm1(r2 * h);
            double u2Base = -sigma(s2) * phi1R2;
            double u2Diff = -sigma(s2) * (r2 / r1) * (phi1R2 / (r2 * h) - 1);
            Latent u2 = points.sum(1, x, u2Base - u2Diff, eps, u2Diff, e1);
            epsR2 = epsAt(u2, s2);
        }
        double base = -sigmaNext * Math.expm1(h);
        double diff = -sigmaNext / r2 * (Math.expm1(h) / h - 1);
        return into.sum(1, x, base - diff, eps, diff, epsR2);
    }
}
