package org.sampler4j.api.analytic;

import java.util.Objects;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;

/**
 * An isotropic Gaussian mixture {@code p(x0) = sum_k w_k N(mu_k, s_k^2 I)} in {@code dim} dimensions and its exact
 * denoiser {@code D(x; sigma) = E[x0 | x0 + sigma n = x]} (Tweedie): with {@code v_k = s_k^2 + sigma^2},
 * responsibilities {@code r_k ~ w_k N(x; mu_k, v_k I)} and {@code D = sum_k r_k (mu_k + s_k^2/v_k (x - mu_k))}.
 * A latent of size {@code B*dim} holds {@code B} points. Used by the golden sampler runs (k-diffusion README) and as
 * the built-in analytic model, whose exact ODE solution makes sampler errors measurable.
 */
public final class GaussianMixture implements Denoiser {
    private final int dim;
    private final double[][] means;
    private final double[] stds;
    private final double[] logWeights;

    /**
     * @param means component means, {@code K x dim}
     * @param stds component standard deviations ({@code > 0})
     * @param weights mixture weights ({@code > 0}; normalised here)
     */
    public GaussianMixture(double[][] means, double[] stds, double[] weights) {
        int k = means.length;
        if (k == 0 || stds.length != k || weights.length != k) throw new IllegalArgumentException("need K means, stds and weights, K >= 1");
        this.dim = means[0].length;
        this.means = new double[k][];
        double total = 0;
        for (double w : weights) {
            if (!(w > 0)) throw new IllegalArgumentException("mixture weights must be > 0");
            total += w;
        }
        this.logWeights = new double[k];
        for (int j = 0; j < k; j++) {
            if (means[j].length != dim) throw new IllegalArgumentException("all means need " + dim + " dimensions");
            if (!(stds[j] > 0)) throw new IllegalArgumentException("component stds must be > 0");
            this.means[j] = means[j].clone();
            this.logWeights[j] = Math.log(weights[j] / total);
        }
        this.stds = stds.clone();
    }

    /** {@return the visible golden mixture: 2-D, three components} */
    public static GaussianMixture golden() {
        return new GaussianMixture(new double[][] {{-2, 0.5}, {1.5, 1.5}, {0.5, -2}}, new double[] {0.3, 0.5, 0.2}, new double[] {0.5, 0.3, 0.2});
    }

    /** {@return the dimension of one point} */
    public int dim() {
        return dim;
    }

    @Override
    public Latent denoise(Latent x, double sigma) {
        double[] v = x.toDoubleArray();
        Objects.checkIndex(0, v.length);
        if (v.length % dim != 0) throw new IllegalArgumentException("latent size " + v.length + " is not a multiple of dim " + dim);
        double[] out = new double[v.length];
        int k = means.length;
        double[] l = new double[k];
        for (int row = 0; row < v.length; row += dim) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double var = stds[j] * stds[j] + sigma * sigma;
                double sq = 0;
                for (int c = 0; c < dim; c++) {
                    double diff = v[row + c] - means[j][c];
                    sq += diff * diff;
                }
                l[j] = logWeights[j] - 0.5 * dim * Math.log(2 * Math.PI * var) - sq / (2 * var);
                max = Math.max(max, l[j]);
            }
            double norm = 0;
            for (int j = 0; j < k; j++) norm += Math.exp(l[j] - max);
            for (int j = 0; j < k; j++) {
                double r = Math.exp(l[j] - max) / norm;
                double var = stds[j] * stds[j] + sigma * sigma;
                double shrink = stds[j] * stds[j] / var;
                for (int c = 0; c < dim; c++) out[row + c] += r * (means[j][c] + shrink * (v[row + c] - means[j][c]));
            }
        }
        return x.withValues(out);
    }
}
