package org.sampler4j.api.noise;

/**
 * glibc's single-precision {@code logf}, {@code sinf} and {@code cosf} (the implementations glibc has shipped
 * since 2.28, from Arm's optimized-routines), as the scalar PyTorch CPU kernel calls them.
 *
 * <p>Provenance: glibc {@code sysdeps/ieee754/flt-32/e_logf.c}, {@code e_logf_data.c}, {@code s_sinf.c},
 * {@code s_cosf.c}, {@code s_sincosf.h}, {@code sincosf_poly.h}, {@code s_sincosf_data.c}. The multiply-adds
 * are fused as GCC contracts them in the FMA builds ({@code sysdeps/x86_64/fpu/multiarch/*-fma.c}, which
 * x86-64 CPUs with FMA select at load time, and the aarch64 build). The work is done in double and rounded
 * once to float, so the fused and unfused builds practically always agree; both reproduce every recorded
 * {@code ATEN_CPU_CAPABILITY=default} value. Only the argument range the sampler needs is ported:
 * {@code logf} for positive normal numbers, {@code sinf/cosf} for {@code 0 <= x < 120}. {@link #logf} and
 * {@link #expf} are public for code that reproduces torch's float32 scalar arithmetic elsewhere (diffusers'
 * {@code DPMSolverSDEScheduler} takes its Brownian-tree query times from {@code exp(-(-log sigma))} in float32).
 */
public final class GlibcFloatMath {
    private GlibcFloatMath() {}

    /**
     * {@code expf} as the scalar PyTorch CPU kernel computes it: {@code exp} rounded once to float. glibc's
     * {@code expf} works in double and rounds once (error bound 0.502 ulp), so the two differ only where the exact
     * value lies within about 0.002 ulp of a rounding boundary.
     *
     * @param x a float
     * @return {@code expf(x)}
     */
    public static float expf(float x) {
        return (float) Math.exp(x);
    }

    private static final int LOGF_OFF = 0x3f330000;
    /** Pairs {@code (invc, logc)} of {@code __logf_data.tab}. */
    private static final double[] LOGF_TAB = {
        0x1.661ec79f8f3bep+0, -0x1.57bf7808caadep-2,
        0x1.571ed4aaf883dp+0, -0x1.2bef0a7c06ddbp-2,
        0x1.49539f0f010bp+0, -0x1.01eae7f513a67p-2,
        0x1.3c995b0b80385p+0, -0x1.b31d8a68224e9p-3,
        0x1.30d190c8864a5p+0, -0x1.6574f0ac07758p-3,
        0x1.25e227b0b8eap+0, -0x1.1aa2bc79c81p-3,
        0x1.1bb4a4a1a343fp+0, -0x1.a4e76ce8c0e5ep-4,
        0x1.12358f08ae5bap+0, -0x1.1973c5a611cccp-4,
        0x1.0953f419900a7p+0, -0x1.252f438e10c1ep-5,
        0x1p+0, 0x0p+0,
        0x1.e608cfd9a47acp-1, 0x1.aa5aa5df25984p-5,
        0x1.ca4b31f026aap-1, 0x1.c5e53aa362eb4p-4,
        0x1.b2036576afce6p-1, 0x1.526e57720db08p-3,
        0x1.9c2d163a1aa2dp-1, 0x1.bc2860d22477p-3,
        0x1.886e6037841edp-1, 0x1.1058bc8a07ee1p-2,
        0x1.767dcf5534862p-1, 0x1.4043057b6ee09p-2,
    };
    private static final double LOGF_LN2 = 0x1.62e42fefa39efp-1;
    private static final double LOGF_A0 = -0x1.00ea348b88334p-2;
    private static final double LOGF_A1 = 0x1.5575b0be00b6ap-2;
    private static final double LOGF_A2 = -0x1.ffffef20a4123p-2;

    /**
     * glibc {@code logf}.
     *
     * @param x a positive normal float
     * @return {@code logf(x)}
     * @throws IllegalArgumentException for zero, negative, subnormal, infinite or NaN arguments
     */
    public static float logf(float x) {
        int ix = Float.floatToRawIntBits(x);
        if (ix == 0x3f800000) return 0f;
        if (ix - 0x00800000 < 0 || ix >= 0x7f800000) {
            throw new IllegalArgumentException("logf port covers positive normal numbers only: " + x);
        }
        int tmp = ix - LOGF_OFF;
        int i = (tmp >>> 19) & 15;
        int k = tmp >> 23;
        int iz = ix - (tmp & 0xff800000);
        double invc = LOGF_TAB[2 * i];
        double logc = LOGF_TAB[2 * i + 1];
        double z = Float.intBitsToFloat(iz);
        double r = Math.fma(z, invc, -1.0);
        double y0 = Math.fma(k, LOGF_LN2, logc);
        double r2 = r * r;
        double y = Math.fma(LOGF_A1, r, LOGF_A2);
        y = Math.fma(LOGF_A0, r2, y);
        y = Math.fma(y, r2, y0 + r);
        return (float) y;
    }

    private static final float PIO4 = 0x1.921FB6p-1f;
    private static final double HPI_INV_2P24 = 0x1.45F306DC9C883p+23;
    private static final double HPI = 0x1.921FB54442D18p0;
    /** Cosine polynomial c0..c4 ({@code __sincosf_table[0]}; entry 1 is its negation). */
    private static final double C0 = 0x1p0;
    private static final double C1 = -0x1.ffffffd0c621cp-2;
    private static final double C2 = 0x1.55553e1068f19p-5;
    private static final double C3 = -0x1.6c087e89a359dp-10;
    private static final double C4 = 0x1.99343027bf8c3p-16;
    private static final double S1 = -0x1.555545995a603p-3;
    private static final double S2 = 0x1.1107605230bc4p-7;
    private static final double S3 = -0x1.994eb3774cf24p-13;

    /**
     * glibc {@code sinf}.
     *
     * @param y an argument in {@code [0, 120)}
     * @return {@code sinf(y)}
     */
    static float sinf(float y) {
        return sinOrCos(y, 0);
    }

    /**
     * glibc {@code cosf}.
     *
     * @param y an argument in {@code [0, 120)}
     * @return {@code cosf(y)}
     */
    static float cosf(float y) {
        return sinOrCos(y, 1);
    }

    /** {@code sinf} ({@code cos == 0}) or {@code cosf} ({@code cos == 1}) on the small and fast-reduced ranges. */
    private static float sinOrCos(float y, int cos) {
        if (!(y >= 0f && y < 120f)) {
            throw new IllegalArgumentException("sinf/cosf port covers [0, 120) only: " + y);
        }
        double x = y;
        if (abstop12(y) < abstop12(PIO4)) {
            if (abstop12(y) < abstop12(0x1p-12f)) return cos == 0 ? y : 1f;
            return poly(x, x * x, 1.0, cos);
        }
        // reduce_fast without TOINT_INTRINSICS: quadrant from a 2^24-scaled product, x - n*pi/2 fused.
        int n = ((int) (x * HPI_INV_2P24) + 0x800000) >> 24;
        x = Math.fma(-(double) n, HPI, x);
        double sign = (n & 3) == 1 || (n & 3) == 2 ? -1.0 : 1.0;
        double cosSign = (n & 2) != 0 ? -1.0 : 1.0;
        return poly(x * sign, x * x, cosSign, n ^ cos);
    }

    /** {@code sinf_poly}; {@code cosSign} selects the negated cosine table entry. */
    private static float poly(double x, double x2, double cosSign, int n) {
        if ((n & 1) == 0) {
            double x3 = x * x2;
            double s1 = Math.fma(x2, S3, S2);
            double x7 = x3 * x2;
            double s = Math.fma(x3, S1, x);
            return (float) Math.fma(x7, s1, s);
        }
        double x4 = x2 * x2;
        double c2 = Math.fma(x2, cosSign * C4, cosSign * C3);
        double c1 = Math.fma(x2, cosSign * C1, cosSign * C0);
        double x6 = x4 * x2;
        double c = Math.fma(x4, cosSign * C2, c1);
        return (float) Math.fma(x6, c2, c);
    }

    private static int abstop12(float x) {
        return (Float.floatToRawIntBits(x) >>> 20) & 0x7ff;
    }
}
