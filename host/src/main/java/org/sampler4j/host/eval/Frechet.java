package org.sampler4j.host.eval;

/**
 * The Fréchet distance between two Gaussians fitted to feature vectors (the FID formula, here on the evaluation
 * classifier's penultimate features): {@code |mu1 - mu2|^2 + tr(C1) + tr(C2) - 2 tr((C1^1/2 C2 C1^1/2)^1/2)}. The
 * matrix square roots come from symmetric eigendecompositions (cyclic Jacobi), so no linear-algebra dependency is
 * needed; {@code C1^1/2 C2 C1^1/2} is symmetric positive semi-definite, so its trace root is the sum of the roots of its
 * eigenvalues.
 */
public final class Frechet {
    private Frechet() {}

    /**
     * A Gaussian fitted to samples.
     *
     * @param mean the mean
     * @param covariance the unbiased covariance ({@code n - 1} denominator, as numpy's {@code cov} and pytorch-fid)
     * @param count the number of samples
     */
    public record Gaussian(double[] mean, double[][] covariance, int count) {
        /** Fits {@code samples[i]} (rows of equal length, at least two). */
        public static Gaussian fit(double[][] samples) {
            if (samples.length < 2) throw new IllegalArgumentException("a covariance needs at least 2 samples, got " + samples.length);
            return Moments.of(samples).gaussian();
        }
    }

    /**
     * The count, mean and summed centred outer products of feature vectors: what a slice of samples contributes to a
     * {@link Gaussian}. Slices merge exactly in a fixed order ({@link #merge}, the pairwise update of Chan, Golub and
     * LeVeque 1979), so samples split across machines give the same numbers as long as the slices and the order are the
     * same.
     *
     * @param count samples
     * @param mean their mean
     * @param m2 {@code sum (x - mean)(x - mean)^T}
     */
    public record Moments(int count, double[] mean, double[][] m2) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        /** The moments of {@code samples[i]} (rows of equal length, at least one): mean first, then the centred products. */
        public static Moments of(double[][] samples) {
            int n = samples.length;
            if (n < 1) throw new IllegalArgumentException("moments need at least 1 sample, got 0");
            int d = samples[0].length;
            double[] mu = new double[d];
            for (double[] s : samples) {
                if (s.length != d) throw new IllegalArgumentException("samples of different lengths: " + s.length + " and " + d);
                for (int j = 0; j < d; j++) mu[j] += s[j];
            }
            for (int j = 0; j < d; j++) mu[j] /= n;
            double[][] c = new double[d][d];
            double[] dev = new double[d];
            for (double[] s : samples) {
                for (int j = 0; j < d; j++) dev[j] = s[j] - mu[j];
                for (int a = 0; a < d; a++) {
                    for (int b = a; b < d; b++) c[a][b] += dev[a] * dev[b];
                }
            }
            return new Moments(n, mu, c);
        }

        /** The moments of this slice followed by {@code next} (upper triangles of {@code m2}). */
        public Moments merge(Moments next) {
            int d = mean.length;
            if (next.mean.length != d) throw new IllegalArgumentException("dimensions differ: " + d + " and " + next.mean.length);
            int n = count + next.count;
            double wNext = (double) next.count / n;
            double wCross = (double) count * next.count / n;
            double[] delta = new double[d];
            double[] mu = new double[d];
            for (int j = 0; j < d; j++) {
                delta[j] = next.mean[j] - mean[j];
                mu[j] = mean[j] + delta[j] * wNext;
            }
            double[][] c = new double[d][d];
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) c[a][b] = m2[a][b] + next.m2[a][b] + delta[a] * delta[b] * wCross;
            }
            return new Moments(n, mu, c);
        }

        /** The Gaussian: this mean and the unbiased covariance (at least two samples). */
        public Gaussian gaussian() {
            if (count < 2) throw new IllegalArgumentException("a covariance needs at least 2 samples, got " + count);
            int d = mean.length;
            double[][] c = new double[d][d];
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    c[a][b] = m2[a][b] / (count - 1);
                    c[b][a] = c[a][b];
                }
            }
            return new Gaussian(mean.clone(), c, count);
        }
    }

    /** The Fréchet distance between two Gaussians of the same dimension. */
    public static double distance(Gaussian g1, Gaussian g2) {
        int d = g1.mean().length;
        if (g2.mean().length != d) throw new IllegalArgumentException("dimensions differ: " + d + " and " + g2.mean().length);
        double meanTerm = 0;
        for (int j = 0; j < d; j++) {
            double t = g1.mean()[j] - g2.mean()[j];
            meanTerm += t * t;
        }
        double[][] s1 = sqrtPsd(g1.covariance());
        double[][] m = multiply(multiply(s1, g2.covariance()), s1);
        symmetrize(m);
        double cross = 0;
        for (double ev : eigenvalues(m)) cross += Math.sqrt(Math.max(ev, 0));
        return meanTerm + trace(g1.covariance()) + trace(g2.covariance()) - 2 * cross;
    }

    /** The square root of a symmetric positive semi-definite matrix (negative rounding-noise eigenvalues taken as 0). */
    static double[][] sqrtPsd(double[][] a) {
        int n = a.length;
        double[][] v = new double[n][n];
        double[] ev = jacobi(copy(a), v);
        double[][] r = new double[n][n];
        for (int k = 0; k < n; k++) {
            double s = Math.sqrt(Math.max(ev[k], 0));
            if (s == 0) continue;
            for (int i = 0; i < n; i++) {
                double vik = v[i][k] * s;
                for (int j = 0; j < n; j++) r[i][j] += vik * v[j][k];
            }
        }
        return r;
    }

    /** The eigenvalues of a symmetric matrix. */
    static double[] eigenvalues(double[][] a) {
        return jacobi(copy(a), new double[a.length][a.length]);
    }

    /**
     * Cyclic Jacobi rotations: diagonalizes the symmetric {@code a} in place, returns its eigenvalues and fills
     * {@code v} with the eigenvectors as columns.
     */
    private static double[] jacobi(double[][] a, double[][] v) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(v[i], 0);
            v[i][i] = 1;
        }
        double scale = 0;
        for (double[] row : a) for (double x : row) scale = Math.max(scale, Math.abs(x));
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
            if (off <= 1e-30 * scale * scale * n * n || off == 0) break;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (apq == 0) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] ev = new double[n];
        for (int i = 0; i < n; i++) ev[i] = a[i][i];
        return ev;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        double[][] r = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < b.length; k++) {
                double aik = a[i][k];
                if (aik == 0) continue;
                for (int j = 0; j < m; j++) r[i][j] += aik * b[k][j];
            }
        }
        return r;
    }

    private static void symmetrize(double[][] m) {
        for (int i = 0; i < m.length; i++) {
            for (int j = i + 1; j < m.length; j++) {
                double s = 0.5 * (m[i][j] + m[j][i]);
                m[i][j] = s;
                m[j][i] = s;
            }
        }
    }

    private static double trace(double[][] m) {
        double t = 0;
        for (int i = 0; i < m.length; i++) t += m[i][i];
        return t;
    }

    private static double[][] copy(double[][] a) {
        double[][] r = new double[a.length][];
        for (int i = 0; i < a.length; i++) r[i] = a[i].clone();
        return r;
    }
}
