package org.sampler4j.api.sampler;

import java.util.Arrays;

/**
 * A latent held in a Java array ({@code float[]} or {@code double[]}). Linear combinations are one fused loop:
 * for a 4-channel 128x128 latent that is several times faster than separate element-wise operations.
 */
public final class ArrayLatent implements Latent {
    private final int[] shape;
    private final float[] f;
    private final double[] d;

    private ArrayLatent(int[] shape, float[] f, double[] d) {
        this.shape = shape.clone();
        this.f = f;
        this.d = d;
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= s;
        }
        int len = f != null ? f.length : d.length;
        if (n != len) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n + " elements, data has " + len);
    }

    /** {@return a float32 latent (the array is copied)} */
    public static ArrayLatent ofFloats(float[] data, int... shape) {
        return new ArrayLatent(shape, data.clone(), null);
    }

    /** {@return a float64 latent (the array is copied)} */
    public static ArrayLatent ofDoubles(double[] data, int... shape) {
        return new ArrayLatent(shape, null, data.clone());
    }

    /** {@return a latent of zeros} */
    public static ArrayLatent zeros(Precision p, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return p == Precision.FLOAT32 ? new ArrayLatent(shape, new float[n], null) : new ArrayLatent(shape, null, new double[n]);
    }

    /** Converts any latent to an array latent of the same precision. */
    public static ArrayLatent of(Latent x) {
        if (x instanceof ArrayLatent a) return a;
        double[] v = x.toDoubleArray();
        return x.precision() == Precision.FLOAT32 ? fromDoubles(v, x.shape(), Precision.FLOAT32) : new ArrayLatent(x.shape(), null, v);
    }

    private static ArrayLatent fromDoubles(double[] v, int[] shape, Precision p) {
        if (p == Precision.FLOAT64) return new ArrayLatent(shape, null, v);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return new ArrayLatent(shape, f, null);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int size() {
        return f != null ? f.length : d.length;
    }

    @Override
    public Precision precision() {
        return f != null ? Precision.FLOAT32 : Precision.FLOAT64;
    }

    /** {@return element {@code i} (row-major)} */
    public double get(int i) {
        return f != null ? f[i] : d[i];
    }

    @Override
    public double[] toDoubleArray() {
        if (d != null) return d.clone();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) out[i] = f[i];
        return out;
    }

    /** {@return the float32 values (a copy; float64 latents are rounded)} */
    public float[] toFloatArray() {
        if (f != null) return f.clone();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) out[i] = (float) d[i];
        return out;
    }

    @Override
    public Latent withValues(double[] values) {
        if (values.length != size()) throw new IllegalArgumentException("expected " + size() + " values, got " + values.length);
        return fromDoubles(values.clone(), shape, precision());
    }

    @Override
    public Latent linearCombination(double[] coeffs, Latent[] terms) {
        int n = size();
        ArrayLatent[] t = new ArrayLatent[terms.length];
        boolean allFloat = true;
        boolean allDouble = true;
        for (int k = 0; k < terms.length; k++) {
            t[k] = of(terms[k]);
            if (t[k].size() != n) throw new IllegalArgumentException("shape mismatch: " + Arrays.toString(shape) + " vs " + Arrays.toString(t[k].shape));
            allFloat &= t[k].f != null;
            allDouble &= t[k].d != null;
        }
        if (f != null && allFloat) return out(null, FusedLoops.float32(coeffs, t, n));
        if (d != null && allDouble) return out(FusedLoops.float64(coeffs, t, n), null);
        double[] acc = new double[n];
        for (int k = 0; k < t.length; k++) {
            double c = coeffs[k];
            ArrayLatent x = t[k];
            for (int i = 0; i < n; i++) acc[i] += c * x.get(i);
        }
        return fromDoubles(acc, shape, precision());
    }

    /** The fused loops, one per term count, on plain arrays (evaluated in double, rounded once). */
    private static final class FusedLoops {
        static float[] float32(double[] c, ArrayLatent[] t, int n) {
            switch (t.length) {
                case 1: return f1(c[0], t[0].f, n);
                case 2: return f2(c[0], t[0].f, c[1], t[1].f, n);
                case 3: return f3(c[0], t[0].f, c[1], t[1].f, c[2], t[2].f, n);
                case 4: return f4(c[0], t[0].f, c[1], t[1].f, c[2], t[2].f, c[3], t[3].f, n);
                default: {
                    double[] acc = new double[n];
                    for (int k = 0; k < t.length; k++) {
                        float[] a = t[k].f;
                        double ck = c[k];
                        for (int i = 0; i < n; i++) acc[i] += ck * a[i];
                    }
                    float[] o = new float[n];
                    for (int i = 0; i < n; i++) o[i] = (float) acc[i];
                    return o;
                }
            }
        }

        // One small method per term count: each compiles to its own tight (vectorisable) loop.
        private static float[] f1(double ca, float[] a, int n) {
            float[] o = new float[n];
            for (int i = 0; i < n; i++) o[i] = (float) (ca * a[i]);
            return o;
        }

        private static float[] f2(double ca, float[] a, double cb, float[] b, int n) {
            float[] o = new float[n];
            for (int i = 0; i < n; i++) o[i] = (float) (ca * a[i] + cb * b[i]);
            return o;
        }

        private static float[] f3(double ca, float[] a, double cb, float[] b, double ce, float[] e, int n) {
            float[] o = new float[n];
            for (int i = 0; i < n; i++) o[i] = (float) (ca * a[i] + cb * b[i] + ce * e[i]);
            return o;
        }

        private static float[] f4(double ca, float[] a, double cb, float[] b, double ce, float[] e, double cg, float[] g, int n) {
            float[] o = new float[n];
            for (int i = 0; i < n; i++) o[i] = (float) (ca * a[i] + cb * b[i] + ce * e[i] + cg * g[i]);
            return o;
        }

        static double[] float64(double[] c, ArrayLatent[] t, int n) {
            double[] o = new double[n];
            for (int k = 0; k < t.length; k++) {
                double[] a = t[k].d;
                double ck = c[k];
                if (k == 0) for (int i = 0; i < n; i++) o[i] = ck * a[i];
                else for (int i = 0; i < n; i++) o[i] += ck * a[i];
            }
            return o;
        }
    }

    private ArrayLatent out(double[] od, float[] of) {
        return new ArrayLatent(shape, of, od);
    }

    @Override
    public String toString() {
        return "ArrayLatent" + Arrays.toString(shape) + " " + precision();
    }
}
