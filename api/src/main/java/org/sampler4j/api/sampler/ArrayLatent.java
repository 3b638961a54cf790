package org.sampler4j.api.sampler;

import java.util.Arrays;
import org.sampler4j.api.math.Parallel;
import org.sampler4j.api.math.VectorApi;

/**
 * A latent held in a Java array ({@code float[]} or {@code double[]}). Linear combinations are one fused loop:
 * for a 4-channel 128x128 latent that is several times faster than separate element-wise operations. The float32
 * loops use the JDK Vector API where the module {@code jdk.incubator.vector} is present, and latents from 262,144
 * elements on are split across cores ({@link Parallel}); both give the bits of the plain sequential loop.
 */
public final class ArrayLatent implements Latent {
    private final int[] shape;
    private final float[] f;
    private final double[] d;
    /**
     * A sum this latent's storage has still to receive (a deferred {@link LatentRing} write, {@link #deferWith}), or
     * {@code null} when the storage holds the values. Evaluated at the latent's first use, or in the same pass as the
     * sum that uses it ({@link FusedLoops#evaluate}).
     */
    private Pending pending;
    /**
     * The latent whose pending sum reads this latent's storage, if any: it is evaluated before this storage is
     * overwritten. Invariant: every term of a pending sum has that sum's latent as its reader.
     */
    private ArrayLatent reader;

    /**
     * A deferred sum: its coefficients and its terms (none of them pending). {@code recomputable}: when it is evaluated
     * in the same pass as a sum that reads it, its values are used there without being stored, and it stays deferred
     * (a later reader computes them again from the same terms, the same bits); see {@link #deferWith}.
     */
    private record Pending(double[] coeffs, ArrayLatent[] terms, boolean recomputable) {}

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

    /**
     * {@return a float32 latent (the array is copied)}
     *
     * @param data the values, row-major
     * @param shape the dimensions; their product is {@code data.length}
     */
    public static ArrayLatent ofFloats(float[] data, int... shape) {
        return new ArrayLatent(shape, data.clone(), null);
    }

    /**
     * {@return a float64 latent (the array is copied)}
     *
     * @param data the values, row-major
     * @param shape the dimensions; their product is {@code data.length}
     */
    public static ArrayLatent ofDoubles(double[] data, int... shape) {
        return new ArrayLatent(shape, null, data.clone());
    }

    /**
     * {@return a latent of zeros}
     *
     * @param p float32 or float64
     * @param shape the dimensions
     */
    public static ArrayLatent zeros(Precision p, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return p == Precision.FLOAT32 ? new ArrayLatent(shape, new float[n], null) : new ArrayLatent(shape, null, new double[n]);
    }

    /**
     * Converts any latent to an array latent of the same precision.
     *
     * @param x any latent
     * @return {@code x} itself when it is an array latent, else a copy
     */
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

    /**
     * {@return element {@code i} (row-major)}
     *
     * @param i the row-major index, {@code 0 <= i < size()}
     */
    public double get(int i) {
        if (pending != null) materialize();
        return f != null ? f[i] : d[i];
    }

    @Override
    public double[] toDoubleArray() {
        materialize();
        if (d != null) return d.clone();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) out[i] = f[i];
        return out;
    }

    /** {@return the float32 values (a copy; float64 latents are rounded)} */
    public float[] toFloatArray() {
        materialize();
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

    /**
     * A float32 latent keeps {@code values} as its storage (no copy): the caller must not change the array afterwards.
     *
     * @param values the new values, row-major, {@code size()} of them
     * @return a latent of this shape holding {@code values}
     */
    @Override
    public Latent withFloatValues(float[] values) {
        if (values.length != size()) throw new IllegalArgumentException("expected " + size() + " values, got " + values.length);
        return f != null ? new ArrayLatent(shape, values, null) : Latent.super.withFloatValues(values);
    }

    @Override
    public Latent linearCombination(double[] coeffs, Latent[] terms) {
        ArrayLatent[] t = arrayTerms(terms);
        if (f != null && allFloat(t)) {
            float[] o = new float[f.length];
            FusedLoops.evaluate(coeffs, t, o, null);
            return out(null, o);
        }
        if (d != null && allDouble(t)) {
            double[] o = new double[d.length];
            FusedLoops.evaluate(coeffs, t, null, o);
            return out(o, null);
        }
        for (ArrayLatent a : t) a.materialize();
        int n = size();
        double[] acc = new double[n];
        for (int k = 0; k < t.length; k++) {
            double c = coeffs[k];
            ArrayLatent x = t[k];
            for (int i = 0; i < n; i++) acc[i] += c * x.get(i);
        }
        return fromDoubles(acc, shape, precision());
    }

    /**
     * Writes the fused sum into this latent's array when all terms are array latents of this precision and
     * {@code terms[0]} has this shape (the loops of {@link #linearCombination}, identical bits). The caller (a
     * {@link LatentRing}) has checked that no term shares this latent's array.
     */
    @Override
    public boolean overwriteWith(double[] coeffs, Latent[] terms) {
        ArrayLatent[] t = fusableTerms(terms);
        if (t == null) return false;
        releaseStorage();
        FusedLoops.evaluate(coeffs, t, f, d);
        return true;
    }

    /**
     * As {@link #overwriteWith}, but evaluated later: at this latent's first use, or in the same pass as the first sum
     * that has it as a term ({@link LatentRing}'s deferred write of a denoised estimate, which the sampler's update
     * then reads). Until then the terms must not change: a ring write into a term's storage evaluates this sum first
     * (the {@link #reader} link), and the sampler's storage evaluates it before the next model call
     * ({@link SamplerStorage#denoise}).
     *
     * @param recomputable whether a pass that reads the sum may use its values without storing them (the estimate
     *                     in a ring of one latent, which the sampler's next model call overwrites: mostly read once)
     * @return whether the sum is deferred (else nothing changed)
     */
    boolean deferWith(double[] coeffs, Latent[] terms, boolean recomputable) {
        ArrayLatent[] t = fusableTerms(terms);
        if (t == null) return false;
        releaseStorage();
        for (ArrayLatent a : t) {
            a.materialize();
            if (a.reader != null && a.reader != this) a.reader.materialize();
            a.reader = this;
        }
        pending = new Pending(coeffs, t, recomputable);
        return true;
    }

    /**
     * Drops the deferred sum of {@code x}, if it is an array latent with one, without evaluating it: for a latent
     * about to be overwritten that nobody may read any more ({@link SamplerStorage#denoise}: the last estimate in the
     * ring the next one is written into).
     *
     * @param x any latent
     */
    static void drop(Latent x) {
        if (x instanceof ArrayLatent a && a.pending != null) a.detach();
    }

    /**
     * Evaluates the deferred sum of {@code x}, if it is an array latent with one, so its storage holds its values (for
     * a latent that leaves the sampler's hands, e.g. to a {@link StepListener}).
     *
     * @param x any latent
     */
    static void materialize(Latent x) {
        if (x instanceof ArrayLatent a) a.materialize();
    }

    /** Whether this latent's storage has still to receive a deferred sum (for tests). */
    boolean deferred() {
        return pending != null;
    }

    /** Evaluates this latent's deferred sum, if any. */
    private void materialize() {
        Pending p = pending;
        if (p == null) return;
        FusedLoops.evaluate(p.coeffs, p.terms, f, d);
        detach();
    }

    /** Ends the deferred sum (evaluated or dropped): the terms no longer hold this latent as their reader. */
    private void detach() {
        for (ArrayLatent a : pending.terms) if (a.reader == this) a.reader = null;
        pending = null;
    }

    /** Before this storage is written: the pending sum that reads it is evaluated, and this latent's own is dropped. */
    private void releaseStorage() {
        if (reader != null && reader != this) reader.materialize();
        reader = null;
        if (pending != null) detach();
    }

    /** The terms as array latents when they can be written into this latent's storage by the fused loops, else null. */
    private ArrayLatent[] fusableTerms(Latent[] terms) {
        if (!(terms[0] instanceof ArrayLatent first) || first.precision() != precision() || !Arrays.equals(first.shape, shape)) return null;
        for (Latent term : terms) if (!(term instanceof ArrayLatent)) return null;
        ArrayLatent[] t = arrayTerms(terms);
        return (f != null && allFloat(t)) || (d != null && allDouble(t)) ? t : null;
    }

    /** Array latents share storage when they hold the same array. */
    @Override
    public boolean sharesStorage(Latent other) {
        if (this == other) return true;
        if (!(other instanceof ArrayLatent a)) return false; // another kind of latent cannot hold a Java array of ours
        return f != null ? f == a.f : d == a.d;
    }

    private ArrayLatent[] arrayTerms(Latent[] terms) {
        int n = size();
        ArrayLatent[] t = new ArrayLatent[terms.length];
        for (int k = 0; k < terms.length; k++) {
            t[k] = of(terms[k]);
            if (t[k].size() != n) throw new IllegalArgumentException("shape mismatch: " + Arrays.toString(shape) + " vs " + Arrays.toString(t[k].shape));
        }
        return t;
    }

    private static boolean allFloat(ArrayLatent[] t) {
        for (ArrayLatent a : t) if (a.f == null) return false;
        return true;
    }

    private static boolean allDouble(ArrayLatent[] t) {
        for (ArrayLatent a : t) if (a.d == null) return false;
        return true;
    }

    /**
     * The fused loops on plain arrays, one per term count (float32 latents in float32 arithmetic, float64 latents in
     * double, products and sums in the order of the terms, no fused multiply-add), over a range of indices: large
     * latents are split across cores ({@link Parallel}), with the same bits as one pass. With the Vector API present,
     * the float32 loops run vectorised ({@link FusedVectorLoops}, identical bits).
     */
    private static final class FusedLoops {
        /** Elements per parallel task at least. */
        static final int GRAIN = 1 << 15;
        /**
         * Elements per block when a deferred term is evaluated in the same pass as the sum that reads it: the term's
         * block is written and then read again while it is in the L1 cache (1x4x128x128, CPU time: 1,024 gave
         * 27-31 µs per euler model call, 512 35 µs, 4,096 and more 38-41 µs).
         */
        static final int BLOCK = 1 << 10;
        static final boolean VECTOR = vectorLoops();

        private static boolean vectorLoops() {
            if (!VectorApi.enabled()) return false;
            try {
                FusedVectorLoops.probe();
                return true;
            } catch (Throwable e) { // NoClassDefFoundError, UnsupportedOperationException: scalar loops
                return false;
            }
        }

        /**
         * {@code o = sum_k c[k] t[k]} over the whole latent ({@code of} for float32, {@code od} for float64; the terms
         * of that precision). A term with a deferred sum is evaluated in the same pass: element by element in registers
         * where {@link FusedVectorLoops#deferredThen} has a loop for the pair (its values stored unless it is
         * recomputable, which then stays deferred), else block by block (its block first, then the sum's). Either
         * way each element is computed by the operations that would compute it alone, so the bits are those of
         * evaluating the term first. Other deferred terms are evaluated first.
         */
        static void evaluate(double[] c, ArrayLatent[] t, float[] of, double[] od) {
            ArrayLatent p = null;
            for (ArrayLatent a : t) {
                if (a.pending == null || a == p) continue;
                if (p == null && (of == null || a.f != of) && (od == null || a.d != od)) p = a;
                else a.materialize();
            }
            int n = of != null ? of.length : od.length;
            if (p == null) {
                Parallel.forRange(n, GRAIN, new Sum(c, t, of, od)::run);
                return;
            }
            int pIndex = indexOf(t, p);
            if (of != null && VECTOR && p.pending.terms.length == 2 && FusedVectorLoops.fusesDeferred(t.length) && pIndex >= 0) {
                boolean store = !p.pending.recomputable;
                double[] cc = new double[2 + c.length];
                float[][] arrays = new float[3 + t.length][];
                cc[0] = p.pending.coeffs[0];
                cc[1] = p.pending.coeffs[1];
                arrays[0] = store ? p.f : of; // not stored: written where the sum's block goes next
                arrays[1] = p.pending.terms[0].f;
                arrays[2] = p.pending.terms[1].f;
                for (int k = 0; k < t.length; k++) {
                    int at = k < 2 && pIndex == 0 ? 1 - k : k; // p first: swap the first two terms (a + b == b + a)
                    cc[2 + at] = c[k];
                    arrays[3 + at] = t[k].f;
                }
                int loop = pIndex == 0 ? 1 : pIndex;
                Parallel.forRange(n, GRAIN, (from, to) -> FusedVectorLoops.deferredThen(of, cc, arrays, loop, from, to));
                if (store) p.detach();
                return;
            }
            Sum sum = new Sum(c, t, of, od);
            Sum first = new Sum(p.pending.coeffs, p.pending.terms, p.f, p.d);
            Parallel.forRange(n, GRAIN, (from, to) -> {
                for (int b = from; b < to; b += BLOCK) {
                    int e = Math.min(to, b + BLOCK);
                    first.run(b, e);
                    sum.run(b, e);
                }
            });
            p.detach();
        }

        /** The position of the only term that is {@code p} (by identity or by sharing its array), or -1. */
        private static int indexOf(ArrayLatent[] t, ArrayLatent p) {
            int found = -1;
            for (int k = 0; k < t.length; k++) {
                if (t[k].f == p.f) {
                    if (found >= 0) return -1;
                    found = k;
                }
            }
            return found;
        }

        /** One fused sum, its output and terms' arrays gathered once, run over ranges of indices. */
        private static final class Sum {
            private final double[] c;
            private final ArrayLatent[] t;
            private final float[] of;
            private final double[] od;
            private final float[][] vector; // the terms' arrays for the Vector API loops, or null

            Sum(double[] c, ArrayLatent[] t, float[] of, double[] od) {
                this.c = c;
                this.t = t;
                this.of = of;
                this.od = od;
                if (of != null && VECTOR) {
                    vector = new float[t.length][];
                    for (int k = 0; k < t.length; k++) vector[k] = t[k].f;
                } else {
                    vector = null;
                }
            }

            void run(int from, int to) {
                if (vector != null) FusedVectorLoops.run(of, c, vector, from, to);
                else if (of != null) float32(c, t, of, from, to);
                else float64(c, t, od, from, to);
            }
        }

        /** The scalar loops (without the Vector API): float32 arithmetic, coefficients rounded to float32 first. */
        static void float32(double[] c, ArrayLatent[] t, float[] o, int from, int to) {
            switch (t.length) {
                case 1: f1(o, (float) c[0], t[0].f, from, to); return;
                case 2: f2(o, (float) c[0], t[0].f, (float) c[1], t[1].f, from, to); return;
                case 3: f3(o, (float) c[0], t[0].f, (float) c[1], t[1].f, (float) c[2], t[2].f, from, to); return;
                case 4: f4(o, (float) c[0], t[0].f, (float) c[1], t[1].f, (float) c[2], t[2].f, (float) c[3], t[3].f, from, to); return;
                default: {
                    float[] cf = new float[c.length];
                    for (int k = 0; k < c.length; k++) cf[k] = (float) c[k];
                    for (int i = from; i < to; i++) {
                        float acc = cf[0] * t[0].f[i];
                        for (int k = 1; k < t.length; k++) acc += cf[k] * t[k].f[i];
                        o[i] = acc;
                    }
                }
            }
        }

        // One small method per term count: each compiles to its own tight loop.
        private static void f1(float[] o, float ca, float[] a, int from, int to) {
            for (int i = from; i < to; i++) o[i] = ca * a[i];
        }

        private static void f2(float[] o, float ca, float[] a, float cb, float[] b, int from, int to) {
            for (int i = from; i < to; i++) o[i] = ca * a[i] + cb * b[i];
        }

        private static void f3(float[] o, float ca, float[] a, float cb, float[] b, float ce, float[] e, int from, int to) {
            for (int i = from; i < to; i++) o[i] = ca * a[i] + cb * b[i] + ce * e[i];
        }

        private static void f4(float[] o, float ca, float[] a, float cb, float[] b, float ce, float[] e, float cg, float[] g, int from, int to) {
            for (int i = from; i < to; i++) o[i] = ca * a[i] + cb * b[i] + ce * e[i] + cg * g[i];
        }

        static void float64(double[] c, ArrayLatent[] t, double[] o, int from, int to) {
            for (int k = 0; k < t.length; k++) {
                double[] a = t[k].d;
                double ck = c[k];
                if (k == 0) for (int i = from; i < to; i++) o[i] = ck * a[i];
                else for (int i = from; i < to; i++) o[i] += ck * a[i];
            }
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
