package org.sampler4j.api.sampler;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ArrayLatent}'s float32 linear combinations with the JDK Vector API (module {@code jdk.incubator.vector}):
 * float32 products and sums in the scalar loop's order (no fused multiply-add), the coefficients rounded to float32
 * first. Every lane performs the scalar loop's operations, so the bits are identical to it.
 *
 * <p>Each loop is compiled on its own: {@link #run} calls it through a method handle the JIT cannot inline. Inlined
 * together into one caller (the dispatch over the number of terms, once a sampler has used several), the loops ran
 * 2-3x slower (JDK 17 C2: 14-16 instead of 6-7 µs per euler or heun model call at 1x4x64x64, depending on which
 * samplers had run before in the JVM).
 *
 * <p>Only loaded when {@link org.sampler4j.api.math.VectorApi#enabled()}.
 */
final class FusedVectorLoops {
    /**
     * 256 bits, the species of the noise kernels too ({@code TorchCpuVectorKernel}): with two float species in one JVM
     * the JDK 17 JIT sees the Vector API's shared methods called with both, stops intrinsifying them and boxes every
     * vector (euler at 1x4x128x128 ran at 280 instead of 20 µs per model call once seeded noise had been drawn).
     */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final int L = F.length();

    /**
     * The loops by number of terms, {@code (float[] o, double[] c, float[][] terms, int from, int to)}. Elements of an
     * array, so the JIT does not take them for constants and calls them instead of inlining them into the caller.
     */
    private static final MethodHandle[] LOOPS = loops();
    /**
     * {@link #deferredThen}'s loops: by number of terms of the outer sum (2 or 3), then the deferred sum's position (1
     * or 2: at 0 the caller swaps the first two terms, which float32 addition and multiplication allow bit for bit).
     */
    private static final MethodHandle[][] DEFERRED = deferredLoops();

    private FusedVectorLoops() {}

    private static MethodHandle[] loops() {
        MethodType type = MethodType.methodType(void.class, float[].class, double[].class, float[][].class, int.class, int.class);
        MethodHandle[] h = new MethodHandle[5];
        try {
            for (int k = 0; k < h.length; k++) h[k] = MethodHandles.lookup().findStatic(FusedVectorLoops.class, "terms" + (k + 1), type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return h;
    }

    private static MethodHandle[][] deferredLoops() {
        MethodType type = MethodType.methodType(void.class, float[].class, double[].class, float[][].class, int.class, int.class);
        MethodHandle[][] h = {new MethodHandle[2], new MethodHandle[3]};
        try {
            for (int n = 0; n < h.length; n++) {
                for (int k = 1; k < h[n].length; k++) {
                    h[n][k] = MethodHandles.lookup().findStatic(FusedVectorLoops.class, "deferred" + (n + 2) + "p" + k, type);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return h;
    }

    /**
     * {@code o[i] = sum_k c[k] terms[k][i]} over {@code [from, to)}, one term or more.
     *
     * @param o     the output
     * @param c     one coefficient per term
     * @param terms the terms' arrays
     * @param from  the first index
     * @param to    one past the last index
     */
    static void run(float[] o, double[] c, float[][] terms, int from, int to) {
        invoke(LOOPS[Math.min(terms.length, LOOPS.length) - 1], o, c, terms, from, to);
    }

    /** Whether {@link #deferredThen} has a loop for an outer sum of {@code terms} terms. */
    static boolean fusesDeferred(int terms) {
        return terms == 2 || terms == 3;
    }

    /**
     * Two sums in one pass, element by element: {@code p[i] = pc[0] a[i] + pc[1] b[i]} (a deferred two-term sum), then
     * {@code o[i] = c[0] t0[i] + c[1] t1[i] (+ c[2] t2[i])} where term {@code pIndex} is {@code p}, taken from the
     * register that was stored (so both results have the bits of two separate passes) and the others are any arrays.
     * {@code arrays} = {@code {p, a, b, t0, t1[, t2]}}. To use {@code p}'s values without storing them, pass {@code o}
     * for {@code p}: each block of {@code p} then goes where the outer sum's block is written next (an L1 write, no
     * memory traffic), and the loop has no branch (a loop with a store-or-not branch, compiled for one case, was
     * recompiled for both and ran at half speed).
     *
     * @param o      the outer sum's output
     * @param c      {@code pc[0], pc[1]}, then the outer sum's coefficients
     * @param arrays see above
     * @param pIndex which outer term is {@code p}: 1, or 2 of three
     * @param from   the first index
     * @param to     one past the last index
     */
    static void deferredThen(float[] o, double[] c, float[][] arrays, int pIndex, int from, int to) {
        invoke(DEFERRED[arrays.length - 5][pIndex], o, c, arrays, from, to);
    }

    private static void invoke(MethodHandle h, float[] o, double[] c, float[][] arrays, int from, int to) {
        try {
            h.invokeExact(o, c, arrays, from, to);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Five terms or more, summed in their order as the scalar loop does. */
    private static void terms5(float[] o, double[] c, float[][] t, int from, int to) {
        float[] cf = new float[c.length];
        for (int k = 0; k < c.length; k++) cf[k] = (float) c[k];
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector acc = v(t[0], i).mul(cf[0]);
            for (int k = 1; k < t.length; k++) acc = acc.add(v(t[k], i).mul(cf[k]));
            acc.intoArray(o, i);
        }
        for (; i < to; i++) {
            float acc = cf[0] * t[0][i];
            for (int k = 1; k < t.length; k++) acc += cf[k] * t[k][i];
            o[i] = acc;
        }
    }

    private static void terms1(float[] o, double[] c, float[][] t, int from, int to) {
        f1(o, (float) c[0], t[0], from, to);
    }

    private static void terms2(float[] o, double[] c, float[][] t, int from, int to) {
        f2(o, (float) c[0], t[0], (float) c[1], t[1], from, to);
    }

    private static void terms3(float[] o, double[] c, float[][] t, int from, int to) {
        f3(o, (float) c[0], t[0], (float) c[1], t[1], (float) c[2], t[2], from, to);
    }

    private static void terms4(float[] o, double[] c, float[][] t, int from, int to) {
        f4(o, (float) c[0], t[0], (float) c[1], t[1], (float) c[2], t[2], (float) c[3], t[3], from, to);
    }

    /** Fails when the vector loops are not available or disagree with the scalar loop. */
    static void probe() {
        float[] a = new float[5 * L + 1];
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(i + 0.5) * 13;
            b[i] = (float) Math.cos(i * 1.7) * 0.3f;
        }
        float[] o = new float[a.length];
        f2(o, 0.917f, a, -0.0813f, b, 0, a.length);
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(o[i]) != Float.floatToRawIntBits(0.917f * a[i] + -0.0813f * b[i])) {
                throw new IllegalStateException("vector loop disagrees with the scalar loop");
            }
        }
    }

    private static FloatVector v(float[] a, int i) {
        return FloatVector.fromArray(F, a, i);
    }

    // Two vectors per iteration, then one, then the scalar loop's tail.

    static void f1(float[] o, float ca, float[] a, int from, int to) {
        int i = from;
        for (; i + 2 * L <= to; i += 2 * L) {
            FloatVector r0 = v(a, i).mul(ca);
            FloatVector r1 = v(a, i + L).mul(ca);
            r0.intoArray(o, i);
            r1.intoArray(o, i + L);
        }
        for (; i + L <= to; i += L) v(a, i).mul(ca).intoArray(o, i);
        for (; i < to; i++) o[i] = ca * a[i];
    }

    static void f2(float[] o, float ca, float[] a, float cb, float[] b, int from, int to) {
        int i = from;
        for (; i + 2 * L <= to; i += 2 * L) {
            FloatVector r0 = v(a, i).mul(ca).add(v(b, i).mul(cb));
            FloatVector r1 = v(a, i + L).mul(ca).add(v(b, i + L).mul(cb));
            r0.intoArray(o, i);
            r1.intoArray(o, i + L);
        }
        for (; i + L <= to; i += L) v(a, i).mul(ca).add(v(b, i).mul(cb)).intoArray(o, i);
        for (; i < to; i++) o[i] = ca * a[i] + cb * b[i];
    }

    static void f3(float[] o, float ca, float[] a, float cb, float[] b, float ce, float[] e, int from, int to) {
        int i = from;
        for (; i + 2 * L <= to; i += 2 * L) {
            FloatVector r0 = v(a, i).mul(ca).add(v(b, i).mul(cb)).add(v(e, i).mul(ce));
            FloatVector r1 = v(a, i + L).mul(ca).add(v(b, i + L).mul(cb)).add(v(e, i + L).mul(ce));
            r0.intoArray(o, i);
            r1.intoArray(o, i + L);
        }
        for (; i + L <= to; i += L) v(a, i).mul(ca).add(v(b, i).mul(cb)).add(v(e, i).mul(ce)).intoArray(o, i);
        for (; i < to; i++) o[i] = ca * a[i] + cb * b[i] + ce * e[i];
    }

    static void f4(float[] o, float ca, float[] a, float cb, float[] b, float ce, float[] e, float cg, float[] g, int from, int to) {
        int i = from;
        for (; i + 2 * L <= to; i += 2 * L) {
            FloatVector r0 = v(a, i).mul(ca).add(v(b, i).mul(cb)).add(v(e, i).mul(ce)).add(v(g, i).mul(cg));
            FloatVector r1 = v(a, i + L).mul(ca).add(v(b, i + L).mul(cb)).add(v(e, i + L).mul(ce)).add(v(g, i + L).mul(cg));
            r0.intoArray(o, i);
            r1.intoArray(o, i + L);
        }
        for (; i + L <= to; i += L) v(a, i).mul(ca).add(v(b, i).mul(cb)).add(v(e, i).mul(ce)).add(v(g, i).mul(cg)).intoArray(o, i);
        for (; i < to; i++) o[i] = ca * a[i] + cb * b[i] + ce * e[i] + cg * g[i];
    }

    // deferredThen's loops: "NpK" = an N-term outer sum whose term K is the deferred sum p, used from the register
    // (p's store comes first: p may be o itself).

    private static void deferred2p1(float[] o, double[] c, float[][] x, int from, int to) {
        float pa = (float) c[0], pb = (float) c[1], c0 = (float) c[2], c1 = (float) c[3];
        float[] p = x[0], a = x[1], b = x[2], t0 = x[3];
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector pv = v(a, i).mul(pa).add(v(b, i).mul(pb));
            pv.intoArray(p, i);
            v(t0, i).mul(c0).add(pv.mul(c1)).intoArray(o, i);
        }
        for (; i < to; i++) {
            float pi = pa * a[i] + pb * b[i];
            p[i] = pi;
            o[i] = c0 * t0[i] + c1 * pi;
        }
    }

    private static void deferred3p1(float[] o, double[] c, float[][] x, int from, int to) {
        float pa = (float) c[0], pb = (float) c[1], c0 = (float) c[2], c1 = (float) c[3], c2 = (float) c[4];
        float[] p = x[0], a = x[1], b = x[2], t0 = x[3], t2 = x[5];
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector pv = v(a, i).mul(pa).add(v(b, i).mul(pb));
            pv.intoArray(p, i);
            v(t0, i).mul(c0).add(pv.mul(c1)).add(v(t2, i).mul(c2)).intoArray(o, i);
        }
        for (; i < to; i++) {
            float pi = pa * a[i] + pb * b[i];
            p[i] = pi;
            o[i] = c0 * t0[i] + c1 * pi + c2 * t2[i];
        }
    }

    private static void deferred3p2(float[] o, double[] c, float[][] x, int from, int to) {
        float pa = (float) c[0], pb = (float) c[1], c0 = (float) c[2], c1 = (float) c[3], c2 = (float) c[4];
        float[] p = x[0], a = x[1], b = x[2], t0 = x[3], t1 = x[4];
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector pv = v(a, i).mul(pa).add(v(b, i).mul(pb));
            pv.intoArray(p, i);
            v(t0, i).mul(c0).add(v(t1, i).mul(c1)).add(pv.mul(c2)).intoArray(o, i);
        }
        for (; i < to; i++) {
            float pi = pa * a[i] + pb * b[i];
            p[i] = pi;
            o[i] = c0 * t0[i] + c1 * t1[i] + c2 * pi;
        }
    }
}
