package org.sampler4j.api.noise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The JDK Vector API form of {@link TorchCpuGenerator}'s hot loops (incubating module {@code jdk.incubator.vector}):
 * the MT19937 twist and tempering, 16 words at a time, and {@code normal_fill_16_AVX2}, one 8-lane vector per half
 * block exactly as ATen's AVX2 kernel ({@code avx_mathfun.h} {@code log256_ps}/{@code sincos256_ps}) lays it out.
 * Every lane performs the same IEEE float operations (and the same fused multiply-adds) as the scalar code in
 * {@link TorchCpuGenerator}, so both give identical bits; the tests compare them on random seeds and sizes.
 *
 * <p>Only loaded when the module is present ({@link TorchCpuGenerator} falls back to its scalar loops otherwise).
 */
final class TorchCpuVectorKernel {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;

    private TorchCpuVectorKernel() {}

    /** Fails (NoClassDefFoundError, UnsupportedOperationException) when the Vector API cannot be used here. */
    static void probe() {
        float[] d = new float[16];
        for (int i = 0; i < 16; i++) d[i] = (i + 1) / 17f;
        float[] s = d.clone();
        fillBlocks(d, 0, 1);
        for (int b = 0; b < 1; b++) TorchCpuGenerator.fill16Avx2Scalar(s, 0);
        for (int i = 0; i < 16; i++) {
            if (Float.floatToRawIntBits(d[i]) != Float.floatToRawIntBits(s[i])) throw new IllegalStateException("vector kernel disagrees");
        }
    }

    /** MT19937's twist over the whole state (reference order; later words read the already twisted early ones). */
    static void twist(int[] st) {
        final int n = 624;
        final int m = 397;
        int k = 0;
        // k + 1 and k + m are still untwisted for k < n - m: load both before storing k..k+7
        for (; k + 8 <= n - m; k += 8) {
            IntVector y = IntVector.fromArray(I8, st, k).and(0x80000000).or(IntVector.fromArray(I8, st, k + 1).and(0x7fffffff));
            IntVector mag = y.and(1).neg().and(0x9908b0df);
            IntVector.fromArray(I8, st, k + m).lanewise(VectorOperators.XOR, y.lanewise(VectorOperators.LSHR, 1)).lanewise(VectorOperators.XOR, mag).intoArray(st, k);
        }
        for (; k < n - m; k++) twistOne(st, k, k + m);
        // k + m - n < k - 8 was twisted in an earlier vector: as in the reference loop
        for (; k + 8 <= n - 1; k += 8) {
            IntVector y = IntVector.fromArray(I8, st, k).and(0x80000000).or(IntVector.fromArray(I8, st, k + 1).and(0x7fffffff));
            IntVector mag = y.and(1).neg().and(0x9908b0df);
            IntVector.fromArray(I8, st, k + m - n).lanewise(VectorOperators.XOR, y.lanewise(VectorOperators.LSHR, 1)).lanewise(VectorOperators.XOR, mag).intoArray(st, k);
        }
        for (; k < n - 1; k++) twistOne(st, k, k + m - n);
        int y = (st[n - 1] & 0x80000000) | (st[0] & 0x7fffffff);
        st[n - 1] = st[m - 1] ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
    }

    private static void twistOne(int[] st, int k, int km) {
        int y = (st[k] & 0x80000000) | (st[k + 1] & 0x7fffffff);
        st[k] = st[km] ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
    }

    /** Tempers {@code st[from..from+count)} and writes the float32 uniforms (low 24 bits times 2^-24) to {@code out[at..]}. */
    static void uniforms(int[] st, int from, int count, float[] out, int at) {
        int i = 0;
        for (; i + 8 <= count; i += 8) {
            IntVector y = IntVector.fromArray(I8, st, from + i);
            y = y.lanewise(VectorOperators.XOR, y.lanewise(VectorOperators.LSHR, 11));
            y = y.lanewise(VectorOperators.XOR, y.lanewise(VectorOperators.LSHL, 7).and(0x9d2c5680));
            y = y.lanewise(VectorOperators.XOR, y.lanewise(VectorOperators.LSHL, 15).and(0xefc60000));
            y = y.lanewise(VectorOperators.XOR, y.lanewise(VectorOperators.LSHR, 18));
            ((FloatVector) y.and(0xffffff).convert(VectorOperators.I2F, 0)).mul(0x1p-24f).intoArray(out, at + i);
        }
        for (; i < count; i++) out[at + i] = (TorchCpuGenerator.temper(st[from + i]) & 0xffffff) * 0x1p-24f;
    }

    /** Blocks per pass: the passes stay in the L1 cache. */
    private static final int CHUNK = 256;

    /**
     * {@code normal_fill_16_AVX2} on {@code blocks} consecutive blocks of 16 starting at {@code o}. Three short passes
     * over each chunk of blocks (radius and angle in place; octant and reduced argument; sine and cosine), each made of
     * small helpers, so that every helper is inlined and the vectors stay in registers: one pass overflows the JIT's
     * inlining node budget and then allocates a box per vector.
     */
    static void fillBlocks(float[] d, int o, int blocks) {
        int[] octants = new int[8 * Math.min(blocks, CHUNK)];
        for (int done = 0; done < blocks; done += CHUNK) {
            int n = Math.min(CHUNK, blocks - done);
            int at = o + 16 * done;
            // one call site, three targets: the JIT compiles each pass on its own instead of inlining all of them here
            for (Pass pass : PASSES) pass.run(d, at, n, octants);
        }
    }

    /** One pass over a chunk of blocks. */
    private interface Pass {
        void run(float[] d, int o, int blocks, int[] octants);
    }

    private static final Pass[] PASSES = {
        (d, o, blocks, octants) -> radiusAndAngle(d, o, blocks), TorchCpuVectorKernel::reduceAngles, TorchCpuVectorKernel::sinCos};

    /** {@code d[o..o+8) = sqrt(-2 log256(1 - u))}, {@code d[o+8..o+16) = 2 pi u'} for each block. */
    private static void radiusAndAngle(float[] d, int o, int blocks) {
        for (int b = 0; b < blocks; b++, o += 16) {
            FloatVector u1 = FloatVector.broadcast(F8, 1f).sub(FloatVector.fromArray(F8, d, o));
            log256(u1).mul(-2f).lanewise(VectorOperators.SQRT).intoArray(d, o);
            FloatVector.fromArray(F8, d, o + 8).mul(TorchCpuGenerator.TWO_PI_F).intoArray(d, o + 8);
        }
    }

    /** {@code sincos256_ps}'s range reduction: octant {@code j} to {@code octants}, the reduced angle in place. */
    private static void reduceAngles(float[] d, int o, int blocks, int[] octants) {
        for (int b = 0; b < blocks; b++, o += 16) {
            FloatVector theta = FloatVector.fromArray(F8, d, o + 8);
            IntVector j = octant(theta);
            j.intoArray(octants, 8 * b);
            reduce(theta, j).intoArray(d, o + 8);
        }
    }

    /** {@code sincos256_ps}'s polynomials and octant selection: {@code radius * cos} first, {@code radius * sin} second. */
    private static void sinCos(float[] d, int o, int blocks, int[] octants) {
        for (int b = 0; b < blocks; b++, o += 16) {
            FloatVector radius = FloatVector.fromArray(F8, d, o);
            FloatVector x = FloatVector.fromArray(F8, d, o + 8);
            IntVector j = IntVector.fromArray(I8, octants, 8 * b);
            FloatVector z = x.mul(x);
            FloatVector c = cosPoly(z);
            FloatVector s = sinPoly(z, x);
            IntVector swap = j.and(2).lanewise(VectorOperators.LSHL, 30).lanewise(VectorOperators.ASHR, 31);
            radius.mul(pick(s, c, swap, j.and(4))).intoArray(d, o + 8);
            radius.mul(pick(c, s, swap, j.sub(2).not().and(4))).intoArray(d, o);
        }
    }

    /**
     * {@code j = ((int) (x * FOPI) + 1) & ~1} for {@code 0 <= x < 2 pi}. The truncation is a float floor through the
     * 2^23 rounding constant (exact below 2^22), because JDK 17 does not compile the vector float-to-int conversion.
     */
    private static IntVector octant(FloatVector x) {
        FloatVector v = x.mul(TorchCpuGenerator.FOPI);
        FloatVector r = v.add(0x1p23f).sub(0x1p23f);
        r = r.blend(r.sub(1f), r.compare(VectorOperators.GT, v));
        IntVector j = r.add(0x1p23f).reinterpretAsInts().sub(0x4b000000);
        return j.add(1).and(~1);
    }

    private static FloatVector reduce(FloatVector x, IntVector j) {
        FloatVector y = (FloatVector) j.convert(VectorOperators.I2F, 0);
        x = y.fma(FloatVector.broadcast(F8, TorchCpuGenerator.DP1), x);
        x = y.fma(FloatVector.broadcast(F8, TorchCpuGenerator.DP2), x);
        return y.fma(FloatVector.broadcast(F8, TorchCpuGenerator.DP3), x);
    }

    private static FloatVector cosPoly(FloatVector z) {
        FloatVector c = z.fma(FloatVector.broadcast(F8, TorchCpuGenerator.COS_C0), FloatVector.broadcast(F8, TorchCpuGenerator.COS_C1));
        c = c.fma(z, FloatVector.broadcast(F8, TorchCpuGenerator.COS_C2));
        c = c.mul(z);
        c = c.fma(z, z.mul(0.5f).neg());
        return c.add(1f);
    }

    private static FloatVector sinPoly(FloatVector z, FloatVector x) {
        FloatVector s = z.fma(FloatVector.broadcast(F8, TorchCpuGenerator.SIN_S0), FloatVector.broadcast(F8, TorchCpuGenerator.SIN_S1));
        s = s.fma(z, FloatVector.broadcast(F8, TorchCpuGenerator.SIN_S2));
        s = s.mul(z);
        return s.fma(x, x);
    }

    /** {@code swap ? other : own}, sign flipped where {@code signBit} (4 or 0) is set: branch-free, on the bit patterns. */
    private static FloatVector pick(FloatVector own, FloatVector other, IntVector swap, IntVector signBit) {
        IntVector bits = own.reinterpretAsInts().lanewise(VectorOperators.AND_NOT, swap).or(other.reinterpretAsInts().and(swap));
        return bits.lanewise(VectorOperators.XOR, signBit.lanewise(VectorOperators.LSHL, 29)).reinterpretAsFloats();
    }

    private static FloatVector log256(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        FloatVector e = ((FloatVector) bits.lanewise(VectorOperators.LSHR, 23).sub(127).convert(VectorOperators.I2F, 0)).add(1f);
        FloatVector m = bits.and(0x807fffff).or(0x3f000000).reinterpretAsFloats();
        VectorMask<Float> small = m.lt(TorchCpuGenerator.SQRTHF);
        e = e.blend(e.sub(1f), small);
        FloatVector mMinus1 = m.sub(1f);
        FloatVector t = mMinus1.blend(mMinus1.add(m), small);
        FloatVector z = t.mul(t);
        float[] p = TorchCpuGenerator.LOG_P;
        FloatVector y = FloatVector.broadcast(F8, p[0]);
        for (int k = 1; k < p.length; k++) y = y.fma(t, FloatVector.broadcast(F8, p[k]));
        y = y.mul(t);
        y = y.fma(z, e.mul(TorchCpuGenerator.LOG_Q1));
        y = y.sub(z.mul(0.5f));
        return e.fma(FloatVector.broadcast(F8, TorchCpuGenerator.LOG_Q2), t.add(y));
    }
}
