package org.sampler4j.api.sampler;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ArrayLatent}'s float32 linear combinations with the JDK Vector API (module {@code jdk.incubator.vector}):
 * widen to double, multiply and add in the scalar loop's order (no fused multiply-add), round once to float. Every
 * lane performs the scalar loop's operations, so the bits are identical; Java 17's JIT does not vectorise the scalar
 * loop's float-double conversions, which makes it several times slower than the memory allows.
 *
 * <p>Each loop is compiled on its own: {@link #run} calls it through a method handle the JIT cannot inline. Inlined
 * together into one caller (the dispatch over the number of terms, once a sampler has used several), the loops ran
 * 2-3x slower (JDK 17 C2: 14-16 instead of 6-7 µs per euler or heun model call at 1x4x64x64, depending on which
 * samplers had run before in the JVM).
 *
 * <p>Only loaded when {@link org.sampler4j.api.math.VectorApi#enabled()}.
 */
final class FusedVectorLoops {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();

    /**
     * The loops by number of terms, {@code (float[] o, double[] c, float[][] terms, int from, int to)}. Elements of an
     * array, so the JIT does not take them for constants and calls them instead of inlining them into the caller.
     */
    private static final MethodHandle[] LOOPS = loops();

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
        try {
            LOOPS[Math.min(terms.length, LOOPS.length) - 1].invokeExact(o, c, terms, from, to);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Five terms or more, summed in their order from {@code 0.0} as the scalar loop does. */
    private static void terms5(float[] o, double[] c, float[][] t, int from, int to) {
        DoubleVector zero = DoubleVector.zero(D);
        int i = from;
        for (; i + L <= to; i += L) {
            DoubleVector acc = zero;
            for (int k = 0; k < t.length; k++) acc = acc.add(wide(t[k], i).mul(c[k]));
            narrow(acc, o, i);
        }
        for (; i < to; i++) {
            double acc = 0;
            for (int k = 0; k < t.length; k++) acc += c[k] * t[k][i];
            o[i] = (float) acc;
        }
    }

    private static void terms1(float[] o, double[] c, float[][] t, int from, int to) {
        f1(o, c[0], t[0], from, to);
    }

    private static void terms2(float[] o, double[] c, float[][] t, int from, int to) {
        f2(o, c[0], t[0], c[1], t[1], from, to);
    }

    private static void terms3(float[] o, double[] c, float[][] t, int from, int to) {
        f3(o, c[0], t[0], c[1], t[1], c[2], t[2], from, to);
    }

    private static void terms4(float[] o, double[] c, float[][] t, int from, int to) {
        f4(o, c[0], t[0], c[1], t[1], c[2], t[2], c[3], t[3], from, to);
    }

    /** Fails when the conversions are not available or disagree with the scalar loop. */
    static void probe() {
        float[] a = new float[5 * L + 1];
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(i + 0.5) * 13;
            b[i] = (float) Math.cos(i * 1.7) * 0.3f;
        }
        float[] o = new float[a.length];
        f2(o, 0.917, a, -0.0813, b, 0, a.length);
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(o[i]) != Float.floatToRawIntBits((float) (0.917 * a[i] + -0.0813 * b[i]))) {
                throw new IllegalStateException("vector loop disagrees with the scalar loop");
            }
        }
    }

    private static DoubleVector wide(float[] a, int i) {
        return (DoubleVector) FloatVector.fromArray(F, a, i).convertShape(VectorOperators.F2D, D, 0);
    }

    private static void narrow(DoubleVector v, float[] o, int i) {
        ((FloatVector) v.convertShape(VectorOperators.D2F, F, 0)).intoArray(o, i);
    }

    // Two vectors per iteration (5-8 % faster than one at 1x4x128x128), then one, then the scalar loop's tail.

    static void f1(float[] o, double ca, float[] a, int from, int to) {
        int i = from;
        for (; i + 2 * L <= to; i += 2 * L) {
            DoubleVector r0 = wide(a, i).mul(ca);
            DoubleVector r1 = wide(a, i + L).mul(ca);
            narrow(r0, o, i);
            narrow(r1, o, i + L);
        }
        for (; i + L <= to; i += L) narrow(wide(a, i).mul(ca), o, i);
        for (; i < to; i++) o[i] = (float) (ca * a[i]);
    }

    static void f2(float[] o, double ca, float[] a, double cb, float[] b, int from, int to) {
        int i = from;
        for (; i + 2 * L <= to; i += 2 * L) {
            DoubleVector r0 = wide(a, i).mul(ca).add(wide(b, i).mul(cb));
            DoubleVector r1 = wide(a, i + L).mul(ca).add(wide(b, i + L).mul(cb));
            narrow(r0, o, i);
            narrow(r1, o, i + L);
        }
        for (; i + L <= to; i += L) narrow(wide(a, i).mul(ca).add(wide(b, i).mul(cb)), o, i);
        for (; i < to; i++) o[i] = (float) (ca * a[i] + cb * b[i]);
    }

    static void f3(float[] o, double ca, float[] a, double cb, float[] b, double ce, float[] e, int from, int to) {
        int i = from;
        for (; i + 2 * L <= to; i += 2 * L) {
            DoubleVector r0 = wide(a, i).mul(ca).add(wide(b, i).mul(cb)).add(wide(e, i).mul(ce));
            DoubleVector r1 = wide(a, i + L).mul(ca).add(wide(b, i + L).mul(cb)).add(wide(e, i + L).mul(ce));
            narrow(r0, o, i);
            narrow(r1, o, i + L);
        }
        for (; i + L <= to; i += L) narrow(wide(a, i).mul(ca).add(wide(b, i).mul(cb)).add(wide(e, i).mul(ce)), o, i);
        for (; i < to; i++) o[i] = (float) (ca * a[i] + cb * b[i] + ce * e[i]);
    }

    static void f4(float[] o, double ca, float[] a, double cb, float[] b, double ce, float[] e, double cg, float[] g, int from, int to) {
        int i = from;
        for (; i + 2 * L <= to; i += 2 * L) {
            DoubleVector r0 = wide(a, i).mul(ca).add(wide(b, i).mul(cb)).add(wide(e, i).mul(ce)).add(wide(g, i).mul(cg));
            DoubleVector r1 = wide(a, i + L).mul(ca).add(wide(b, i + L).mul(cb)).add(wide(e, i + L).mul(ce)).add(wide(g, i + L).mul(cg));
            narrow(r0, o, i);
            narrow(r1, o, i + L);
        }
        for (; i + L <= to; i += L) {
            narrow(wide(a, i).mul(ca).add(wide(b, i).mul(cb)).add(wide(e, i).mul(ce)).add(wide(g, i).mul(cg)), o, i);
        }
        for (; i < to; i++) o[i] = (float) (ca * a[i] + cb * b[i] + ce * e[i] + cg * g[i]);
    }
}
