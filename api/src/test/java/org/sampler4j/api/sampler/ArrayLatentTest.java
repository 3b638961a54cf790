package org.sampler4j.api.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.math.Parallel;
import org.sampler4j.api.math.VectorApi;

/**
 * {@link ArrayLatent}'s fused loops: the vectorised and the parallel paths give exactly the bits of the plain scalar
 * expression {@code (float) c0 * t0 + (float) c1 * t1 + ...} evaluated in float32, left to right, and inputs are never
 * modified.
 */
class ArrayLatentTest {
    private static float[] randomFloats(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * (1 + 20 * r.nextDouble()));
        return a;
    }

    private static float expected(double[] c, float[][] t, int i) {
        float acc = (float) c[0] * t[0][i];
        for (int k = 1; k < t.length; k++) acc += (float) c[k] * t[k][i];
        return acc;
    }

    @Test
    void surefireRunsTheLoopsItWasAskedFor() {
        boolean scalar = "false".equals(System.getProperty("sampler4j.vector"));
        assertEquals(!scalar, VectorApi.enabled(), scalar ? "the scalar-loops run turns the Vector API off" : "surefire adds jdk.incubator.vector");
    }

    @Test
    void everyTermCountMatchesTheScalarExpressionBitForBit() {
        Random r = new Random(3);
        // below and above the parallel threshold (1x16x128x128 = 262,144), with tails that are not a vector multiple
        int[] sizes = {1, 7, 17, 29, 1000, 65_536 + 3, 262_144, 300_001};
        for (int n : sizes) {
            for (int terms = 1; terms <= 7; terms++) {
                float[][] t = new float[terms][];
                Latent[] latents = new Latent[terms];
                double[] c = new double[terms];
                for (int k = 0; k < terms; k++) {
                    t[k] = randomFloats(r, n);
                    latents[k] = ArrayLatent.ofFloats(t[k], 1, n);
                    c[k] = r.nextGaussian();
                }
                float[][] before = new float[terms][];
                for (int k = 0; k < terms; k++) before[k] = ((ArrayLatent) latents[k]).toFloatArray();
                float[] parallel = ((ArrayLatent) Latents.sum(c, latents)).toFloatArray();
                AtomicReference<float[]> seq = new AtomicReference<>();
                Parallel.sequential(() -> seq.set(((ArrayLatent) Latents.sum(c, latents)).toFloatArray()));
                for (int i = 0; i < n; i++) {
                    float want = expected(c, t, i);
                    if (Float.floatToRawIntBits(parallel[i]) != Float.floatToRawIntBits(want)
                            || Float.floatToRawIntBits(seq.get()[i]) != Float.floatToRawIntBits(want)) {
                        fail("n=" + n + " terms=" + terms + " element " + i + ": parallel " + parallel[i] + ", sequential " + seq.get()[i] + ", scalar " + want);
                    }
                }
                for (int k = 0; k < terms; k++) assertArrayEquals(before[k], ((ArrayLatent) latents[k]).toFloatArray(), "input " + k + " modified");
            }
        }
    }

    @Test
    void float64ParallelMatchesSequential() {
        Random r = new Random(5);
        int n = 300_001;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextGaussian();
            b[i] = r.nextGaussian();
        }
        Latent x = ArrayLatent.ofDoubles(a, n);
        Latent y = ArrayLatent.ofDoubles(b, n);
        double[] par = Latents.sum(0.3, x, -1.7, y).toDoubleArray();
        for (int i = 0; i < n; i++) assertEquals(Double.doubleToRawLongBits(0.3 * a[i] + -1.7 * b[i]), Double.doubleToRawLongBits(par[i]), "element " + i);
    }

    @Test
    void withFloatValuesKeepsTheArrayAndChecksTheSize() {
        ArrayLatent like = ArrayLatent.zeros(Latent.Precision.FLOAT32, 2, 3);
        float[] v = {1, 2, 3, 4, 5, 6};
        ArrayLatent got = (ArrayLatent) like.withFloatValues(v);
        assertArrayEquals(v, got.toFloatArray());
        assertArrayEquals(new int[] {2, 3}, got.shape());
        assertThrows(IllegalArgumentException.class, () -> like.withFloatValues(new float[5]));
        Latent d = ArrayLatent.zeros(Latent.Precision.FLOAT64, 6).withFloatValues(v);
        assertSame(Latent.Precision.FLOAT64, d.precision());
        assertEquals(6.0, d.toDoubleArray()[5]);
    }
}
