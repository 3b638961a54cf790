package org.sampler4j.plugins.samplers;

import java.util.Arrays;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;

/**
 * The B(h) coefficients of UniPC (Zhao et al. 2023, Algorithms 2 and 3; ComfyUI/diffusers
 * {@code multistep_uni_pc_bh_update}). With {@code hh = -h} (data prediction) or {@code h} (noise prediction), the
 * right-hand side is {@code b_i = i! phi_{i+1}(hh) / B(h)}, {@code i = 1..p}, where {@code hh phi_2(hh) =
 * expm1(hh)/hh - 1} and {@code phi_{k+1} = (phi_k - 1/k!) / hh}; {@code B(h) = hh} (bh1) or {@code expm1(hh)} (bh2).
 * The weights {@code rho} of the divided differences {@code D1_k = (m_k - m_0) / r_k} solve the Vandermonde system
 * {@code sum_k rho_k r_k^(i-1) = b_i}: the predictor over the {@code p - 1} past ratios {@code r_k = (lambda_k -
 * lambda_0) / h} (order 2: the simplified {@code rho = 1/2}), the corrector over those and {@code r = 1} for the new
 * model value (order 1: {@code rho = 1/2}).
 */
final class UniPcCoefficients {
    static final String BH1 = "bh1";
    static final String BH2 = "bh2";

    private UniPcCoefficients() {}

    /** {@code B(h)}: {@code hh} (bh1) or {@code e^hh - 1} (bh2). */
    static double bh(String variant, double hh) {
        return variant.equals(BH1) ? hh : Math.expm1(hh);
    }

    /** {@code b_1 .. b_p}. */
    static double[] b(double hh, double bh, int p) {
        double[] b = new double[p];
        double phi = Math.expm1(hh) / hh - 1;
        double factorial = 1;
        for (int i = 1; i <= p; i++) {
            b[i - 1] = phi * factorial / bh;
            factorial *= i + 1;
            phi = phi / hh - 1 / factorial;
        }
        return b;
    }

    /** The predictor's weights for the past ratios {@code r} (at least one). */
    static double[] predictor(double[] r, double[] b) {
        return r.length == 1 ? new double[] {0.5} : solve(r, Arrays.copyOf(b, r.length));
    }

    /** The corrector's weights: one per past ratio, then the new model value's ({@code r = 1}) last. */
    static double[] corrector(double[] r, double[] b) {
        if (r.length == 0) return new double[] {0.5};
        double[] nodes = Arrays.copyOf(r, r.length + 1);
        nodes[r.length] = 1;
        return solve(nodes, Arrays.copyOf(b, nodes.length));
    }

    /**
     * UniP-p from {@code s[i]} to {@code s[i+1]} ({@code mt == null}), or UniC-p with {@code mt}, the model value at
     * {@code s[i+1]}; {@code m[k]} is the model value at {@code s[i-k]} (data or noise prediction, {@code x0}). VE frame:
     * {@code x_t = (s_t/s_s) x - expm1(-h) m_0 - B(h) sum_k rho_k D1_k} (data) or {@code x_t = x - s_t expm1(h) m_0 -
     * s_t B(h) sum_k rho_k D1_k} (noise). Written into {@code xs}.
     */
    static Latent update(Latent x, Latent[] m, Latent mt, double[] s, int i, int p, String variant, boolean x0, LatentRing xs) {
        double h = Math.log(s[i] / s[i + 1]);
        double hh = x0 ? -h : h;
        double bh = bh(variant, hh);
        double[] r = new double[p - 1];
        for (int k = 1; k < p; k++) r[k - 1] = Math.log(s[i] / s[i - k]) / h;
        double[] b = b(hh, bh, p);
        double[] rho = mt != null ? corrector(r, b) : p > 1 ? predictor(r, b) : new double[0];
        double decay = x0 ? s[i + 1] / s[i] : 1;
        double first = x0 ? -Math.expm1(-h) : -s[i + 1] * Math.expm1(h);
        double residual = x0 ? -bh : -s[i + 1] * bh; // weight of sum_k rho_k D1_k
        double[] c = new double[p + (mt == null ? 1 : 2)];
        Latent[] terms = new Latent[c.length];
        double sumRhoOverR = 0;
        for (int k = 1; k < p; k++) {
            c[k + 1] = residual * rho[k - 1] / r[k - 1];
            terms[k + 1] = m[k];
            sumRhoOverR += rho[k - 1] / r[k - 1];
        }
        if (mt != null) {
            c[p + 1] = residual * rho[p - 1];
            terms[p + 1] = mt;
            sumRhoOverR += rho[p - 1];
        }
        c[0] = decay;
        terms[0] = x;
        c[1] = first - residual * sumRhoOverR; // residual * 0 = NaN for B(h) = inf, as in the references
        terms[1] = m[0];
        return xs.sum(c, terms);
    }

    /** Solves {@code sum_k rho_k nodes_k^i = y_i} ({@code i = 0..n-1}) ({@link Numerics#solveVandermonde}). */
    static double[] solve(double[] nodes, double[] y) {
        return Numerics.solveVandermonde(nodes, y);
    }
}
