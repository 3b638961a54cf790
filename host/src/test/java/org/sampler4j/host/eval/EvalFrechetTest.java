package org.sampler4j.host.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Fréchet distance against closed forms on known Gaussians, and the fit against sampled data. */
class EvalFrechetTest {
    private static Frechet.Gaussian gaussian(double[] mean, double[][] cov) {
        return new Frechet.Gaussian(mean, cov, 1000);
    }

    private static double[][] diag(double... v) {
        double[][] m = new double[v.length][v.length];
        for (int i = 0; i < v.length; i++) m[i][i] = v[i];
        return m;
    }

    @Test
    void oneDimensionalIsTheSquaredMeanAndStdDifference() {
        double d = Frechet.distance(gaussian(new double[] {1}, diag(4)), gaussian(new double[] {-2}, diag(0.25)));
        assertEquals(9 + (2 - 0.5) * (2 - 0.5), d, 1e-12);
    }

    @Test
    void diagonalCovariancesAddUpPerDimension() {
        double d = Frechet.distance(gaussian(new double[] {0, 1, 2}, diag(1, 4, 9)), gaussian(new double[] {0, 0, 0}, diag(4, 1, 1)));
        assertEquals(0 + 1 + 4 + 1 + 1 + 4, d, 1e-10);
    }

    @Test
    void aGaussianIsAtDistanceZeroFromItselfAndTheDistanceIsSymmetricAndRotationInvariant() {
        double[][] a = {{2, 0.6, 0.1}, {0.6, 1, -0.3}, {0.1, -0.3, 0.5}};
        double[][] b = {{1, -0.2, 0}, {-0.2, 3, 0.4}, {0, 0.4, 0.7}};
        double[] ma = {0.5, -1, 2};
        double[] mb = {0, 0, 1};
        assertEquals(0, Frechet.distance(gaussian(ma, a), gaussian(ma, a)), 1e-9);
        double ab = Frechet.distance(gaussian(ma, a), gaussian(mb, b));
        assertEquals(ab, Frechet.distance(gaussian(mb, b), gaussian(ma, a)), 1e-9);
        double c = Math.cos(0.7);
        double s = Math.sin(0.7);
        double[][] r = {{c, -s, 0}, {s, c, 0}, {0, 0, 1}};
        double rotated = Frechet.distance(gaussian(mul(r, ma), rot(r, a)), gaussian(mul(r, mb), rot(r, b)));
        assertEquals(ab, rotated, 1e-9);
    }

    @Test
    void nonCommutingCovariancesMatchTheClosedFormForTwoByTwo() {
        // For 2x2 SPD M, tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)); and tr sqrt(A^1/2 B A^1/2) = tr sqrt(M) with det M = det A det B.
        double[][] a = {{2, 1}, {1, 2}};
        double[][] b = {{1, 0}, {0, 3}};
        double[][] sa = Frechet.sqrtPsd(a);
        double[][] m = mulM(mulM(sa, b), sa);
        double trM = m[0][0] + m[1][1];
        double cross = Math.sqrt(trM + 2 * Math.sqrt(3 * 3));
        double expected = 4 + 4 - 2 * cross;
        assertEquals(expected, Frechet.distance(gaussian(new double[2], a), gaussian(new double[2], b)), 1e-10);
        // and the square root squares back
        double[][] back = mulM(sa, sa);
        for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) assertEquals(a[i][j], back[i][j], 1e-12);
    }

    @Test
    void fittedSamplesApproachTheExactDistance() {
        Random rnd = new Random(7);
        int n = 20000;
        double[][] x = new double[n][2];
        double[][] y = new double[n][2];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {rnd.nextGaussian(), rnd.nextGaussian()};
            y[i] = new double[] {1 + 2 * rnd.nextGaussian(), 0.5 * rnd.nextGaussian()};
        }
        double exact = 1 + (1 - 2) * (1 - 2) + (1 - 0.5) * (1 - 0.5);
        assertEquals(exact, Frechet.distance(Frechet.Gaussian.fit(x), Frechet.Gaussian.fit(y)), 0.05);
        assertThrows(IllegalArgumentException.class, () -> Frechet.Gaussian.fit(new double[][] {{1}}));
    }

    private static double[] mul(double[][] r, double[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) for (int j = 0; j < v.length; j++) o[i] += r[i][j] * v[j];
        return o;
    }

    private static double[][] mulM(double[][] a, double[][] b) {
        int n = a.length;
        double[][] o = new double[n][n];
        for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) for (int j = 0; j < n; j++) o[i][j] += a[i][k] * b[k][j];
        return o;
    }

    private static double[][] rot(double[][] r, double[][] m) {
        double[][] rt = new double[r.length][r.length];
        for (int i = 0; i < r.length; i++) for (int j = 0; j < r.length; j++) rt[i][j] = r[j][i];
        return mulM(mulM(r, m), rt);
    }
}
