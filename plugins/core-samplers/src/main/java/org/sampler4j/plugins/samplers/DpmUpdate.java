package org.sampler4j.plugins.samplers;

import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;

/**
 * One DPM-Solver update from {@code sigma} to {@code sigmaNext} in the variance-exploding frame (Lu et al. 2022,
 * DPM-Solver eq. 3.7-3.9 and DPM-Solver++ eq. 9), written as {@code x' = decay x + w0 T0 + w1 T1 + w2 T2}: the
 * model output {@code T0} at the expansion point and its first and second derivatives in {@code lambda} estimated by
 * divided differences ({@code T1}, {@code T2}). The model output is the denoised estimate D (data form,
 * DPM-Solver++) or the noise {@code eps = (x - D) / sigma} (noise form, DPM-Solver); the SDE variants (Lu et al.
 * 2022, DPM-Solver++ sec. 5, diffusers {@code sde-dpmsolver++} / {@code sde-dpmsolver}) add {@link #noiseStd}. The
 * weights are diffusers' ({@code scheduling_dpmsolver_multistep.py}, {@code scheduling_dpmsolver_singlestep.py}),
 * including the weight {@code -(phi3 + 1)} of T2 in the data-form SDE.
 */
final class DpmUpdate {
    final double decay;
    final double w0;
    final double w1;
    final double w2;

    private DpmUpdate(double decay, double w0, double w1, double w2) {
        this.decay = decay;
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
    }

    /**
     * Data form: {@code decay = e^-h} (SDE {@code e^-2h}), {@code w0 = phi1}, {@code w1 = phi2} (heun) or
     * {@code phi1/2} (midpoint), {@code w2 = -phi3} (SDE: {@code -(phi3 + 1)}, as diffusers), phi at {@code h} (SDE
     * {@code 2h}).
     */
    static DpmUpdate data(double h, boolean sde, boolean heun) {
        double hEta = sde ? 2 * h : h;
        double phi3 = ExpIntegrator.phi3(hEta) + (sde ? 1 : 0);
        return new DpmUpdate(Math.exp(-hEta), ExpIntegrator.phi1(hEta), ExpIntegrator.secondOrderWeight(hEta, heun), -phi3);
    }

    /**
     * Noise form: {@code decay = 1}, {@code w0 = -k sigma' (e^h - 1)}, {@code w1 = -k sigma' ((e^h - 1)/h - 1)} (heun)
     * or {@code -k sigma' (e^h - 1)/2} (midpoint), {@code w2 = -sigma' ((e^h - 1 - h)/h^2 - 1/2)}; {@code k = 2} for the
     * SDE, which has no third-order term.
     */
    static DpmUpdate noise(double h, double sigmaNext, boolean sde, boolean heun) {
        double k = sde ? 2 : 1;
        double em1 = Math.expm1(h);
        double w1 = heun ? -k * sigmaNext * (em1 / h - 1) : -k * sigmaNext * em1 / 2;
        double w2 = sde ? Double.NaN : -sigmaNext * ((em1 - h) / (h * h) - 0.5);
        return new DpmUpdate(1, -k * sigmaNext * em1, w1, w2);
    }

    /** The standard deviation of the SDE noise: {@code sigma' sqrt(1 - e^-2h)} (data form) or {@code sigma' sqrt(e^2h - 1)}. */
    static double noiseStd(boolean dataForm, double sigmaNext, double h) {
        return dataForm ? ExpIntegrator.sdeNoiseStd(sigmaNext, h, 1) : sigmaNext * Math.sqrt(Math.expm1(2 * h));
    }

    /** The model output in the chosen form: D itself, or {@code eps = (x - D) / sigma} written into {@code outputs}. */
    static Latent output(boolean dataForm, Latent x, double sigma, Latent denoised, LatentRing outputs) {
        return dataForm ? denoised : outputs.toD(x, sigma, denoised);
    }

    /** {@code decay x + w0 t0} (first order), written into {@code xs}. */
    Latent apply(LatentRing xs, Latent x, Latent t0) {
        return xs.sum(decay, x, w0, t0);
    }

    /** {@code decay x + w0 t0 + w1 t1} (second order), written into {@code xs}. */
    Latent apply(LatentRing xs, Latent x, Latent t0, Latent t1) {
        return xs.sum(decay, x, w0, t0, w1, t1);
    }

    /** {@code decay x + w0 t0 + w1 t1 + w2 t2} (third order), written into {@code xs}. */
    Latent apply(LatentRing xs, Latent x, Latent t0, Latent t1, Latent t2) {
        return xs.sum(decay, x, w0, t0, w1, t1, w2, t2);
    }

    /**
     * The multistep third-order terms from outputs {@code m0} (now), {@code m1}, {@code m2} (earlier) with step ratios
     * {@code r0 = h0/h}, {@code r1 = h1/h}: {@code [T1, T2]} with {@code d0 = (m0 - m1)/r0}, {@code d1 = (m1 - m2)/r1},
     * {@code T1 = d0 + r0/(r0 + r1) (d0 - d1)}, {@code T2 = (d0 - d1)/(r0 + r1)}; written into {@code into} (a ring of
     * at least 2).
     */
    static Latent[] multistepTerms(Latent m0, Latent m1, Latent m2, double r0, double r1, LatentRing into) {
        double a = 1 / r0;
        double b = 1 / r1;
        double s = r0 + r1;
        // T1 = (1 + r0/s) d0 - (r0/s) d1 and T2 = (d0 - d1)/s, expanded in m0, m1, m2
        double t1m0 = (1 + r0 / s) * a;
        double t1m2 = (r0 / s) * b;
        Latent t1 = into.sum(t1m0, m0, -t1m0 - t1m2, m1, t1m2, m2);
        Latent t2 = into.sum(a / s, m0, -(a + b) / s, m1, b / s, m2);
        return new Latent[] {t1, t2};
    }
}
