package org.sampler4j.api.noise;

import java.util.function.IntConsumer;
import org.sampler4j.api.math.Parallel;
import org.sampler4j.api.math.VectorApi;

/**
 * Bit-exact re-implementation of PyTorch's CPU generator ({@code torch.Generator('cpu')}) and of
 * {@code torch.randn} / {@code torch.rand} drawn from it.
 *
 * <p>Provenance: ATen {@code core/MT19937RNGEngine.h}, {@code CPUGeneratorImpl.cpp},
 * {@code core/DistributionsHelper.h}, {@code core/TransformationHelper.h},
 * {@code native/cpu/DistributionTemplates.h}, {@code native/cpu/avx_mathfun.h}.
 *
 * <p>What it reproduces:
 * <ul>
 *   <li>MT19937 seeded with the <em>low 32 bits</em> of the seed ({@code manual_seed}); {@link #random()},
 *       {@link #random64()} (first draw is the high word);</li>
 *   <li>{@code torch.rand}: float32 uses the low 24 bits of one draw, float64 the low 53 bits of a
 *       {@code random64()};</li>
 *   <li>{@code torch.randn} with numel &lt; 16 (any dtype): scalar Box-Muller in double with the
 *       generator's cached second normal (survives across calls, cleared by {@link #manualSeed});</li>
 *   <li>{@code torch.randn} float32 with numel &ge; 16: {@code normal_fill} (all uniforms first, blocks of
 *       16, tail re-drawn with 16 fresh uniforms), transformed by the AVX2 kernel (Cephes
 *       {@code log256_ps}/{@code sincos256_ps} with the FMAs the compiler contracts) or, with
 *       {@link CpuKernel#DEFAULT}, by the scalar kernel with glibc's {@code logf/cosf/sinf};</li>
 *   <li>{@code torch.randn} float64 with numel &ge; 16: scalar {@code normal_fill<double>}.</li>
 * </ul>
 *
 * <p>Exactness: the MT stream, the uniforms and the {@link CpuKernel#AVX2} float32 path are bit-exact by
 * construction (IEEE float arithmetic plus {@link Math#fma} where the compiler contracts): this is what every
 * x86-64 PyTorch (AVX2 or AVX-512 dispatch) produces. The {@link CpuKernel#DEFAULT} float32 path ports glibc
 * 2.28+'s {@code logf/sinf/cosf} (FMA build, the one x86-64 CPUs with FMA select and the aarch64 one) and is
 * bit-exact against it. The paths that call the C library's <em>double</em> {@code log/sin/cos} (float64
 * {@code normal_fill}, and the numel &lt; 16 path before its cast) use {@link Math#log}, {@link Math#sin},
 * {@link Math#cos}: on x86-64 HotSpot these matched glibc on every recorded value, but the Java specification
 * only bounds them to 1 ulp, so on another JVM or platform a float64 value may differ by 1-2 ulp (a float32
 * value practically never, as the cast absorbs it).
 *
 * <p>Not thread-safe (neither is a shared torch generator).
 */
public final class TorchCpuGenerator {

    /** Which ATen CPU kernel transforms float32 {@code normal_fill} blocks. */
    public enum CpuKernel {
        /** {@code normal_fill_AVX2} (also what the AVX-512 dispatch computes): the x86-64 default. */
        AVX2,
        /** Scalar {@code normal_fill_16<float>} ({@code ATEN_CPU_CAPABILITY=default}, non-x86 builds). */
        DEFAULT
    }

    /** Seed of a fresh {@code torch.Generator()} that was never seeded manually. */
    public static final long DEFAULT_SEED = 67280421310721L;

    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;
    /** {@code normal_fill} is used from this many elements on (and only for contiguous tensors). */
    private static final int FILL_THRESHOLD = 16;
    private static final double TWO_PI = 2.0 * Math.PI;

    private final int[] state = new int[N];
    private final CpuKernel kernel;
    private boolean vector = VectorSupport.AVAILABLE;
    private int left;
    private int next;
    private long seed;
    private boolean hasCachedNormal;
    private double cachedNormal;

    /** A generator as {@code torch.Generator()} creates it (seed {@link #DEFAULT_SEED}), AVX2 kernel. */
    public TorchCpuGenerator() {
        this(DEFAULT_SEED);
    }

    /**
     * {@code torch.Generator('cpu').manual_seed(seed)} with the AVX2 kernel.
     *
     * @param seed the seed, read as an unsigned 64-bit value (only its low 32 bits reach MT19937)
     */
    public TorchCpuGenerator(long seed) {
        this(seed, CpuKernel.AVX2);
    }

    /**
     * {@code torch.Generator('cpu').manual_seed(seed)} with an explicit float32 kernel.
     *
     * @param seed   the seed, read as an unsigned 64-bit value (only its low 32 bits reach MT19937)
     * @param kernel the float32 {@code normal_fill} kernel to emulate
     */
    public TorchCpuGenerator(long seed, CpuKernel kernel) {
        if (kernel == null) throw new IllegalArgumentException("kernel must not be null");
        this.kernel = kernel;
        manualSeed(seed);
    }

    /**
     * {@code generator.manual_seed(seed)}: re-initialises MT19937 from the low 32 bits and clears the cached
     * normal.
     *
     * @param seed the seed, read as an unsigned 64-bit value
     */
    public void manualSeed(long seed) {
        this.seed = seed;
        hasCachedNormal = false;
        state[0] = (int) seed;
        for (int j = 1; j < N; j++) {
            int prev = state[j - 1];
            state[j] = 1812433253 * (prev ^ (prev >>> 30)) + j;
        }
        left = 1;
        next = 0;
    }

    /**
     * {@code generator.initial_seed()}.
     *
     * @return the 64-bit seed last given (as torch reports it, unsigned; use {@link Long#toUnsignedString})
     */
    public long seed() {
        return seed;
    }

    /**
     * The float32 kernel this generator emulates.
     *
     * @return the kernel
     */
    public CpuKernel kernel() {
        return kernel;
    }

    /**
     * Whether this JVM runs the float32 AVX2 kernel and the MT19937 loops with the JDK Vector API (module
     * {@code jdk.incubator.vector} added, not disabled with {@code -Dsampler4j.vector=false}); otherwise the scalar
     * loops run. Both give identical bits.
     *
     * @return true when the vector kernel is in use by default
     */
    public static boolean vectorised() {
        return VectorSupport.AVAILABLE;
    }

    /** Forces the scalar loops on this generator (tests compare both paths). */
    TorchCpuGenerator scalarOnly() {
        vector = false;
        return this;
    }

    /** Whether the Vector API kernel ({@link TorchCpuVectorKernel}) loads and agrees with the scalar loops (decided once). */
    private static final class VectorSupport {
        static final boolean AVAILABLE = probeVector();
    }

    private static boolean probeVector() {
        if (!VectorApi.enabled()) return false;
        try {
            TorchCpuVectorKernel.probe();
            return true;
        } catch (Throwable e) { // NoClassDefFoundError, UnsupportedOperationException: no usable Vector API
            return false;
        }
    }

    /**
     * One 32-bit MT19937 output ({@code generator->random()}).
     *
     * @return the output as an unsigned value in {@code [0, 2^32)}
     */
    public long random() {
        return Integer.toUnsignedLong(nextInt());
    }

    /**
     * {@code generator->random64()}: two outputs, the first one is the high word.
     *
     * @return the 64 bits (as a signed Java long)
     */
    public long random64() {
        long hi = Integer.toUnsignedLong(nextInt());
        long lo = Integer.toUnsignedLong(nextInt());
        return (hi << 32) | lo;
    }

    /**
     * {@code torch.rand(numel, generator=g, dtype=float32)}.
     *
     * @param numel number of elements
     * @return uniforms in {@code [0, 1)}, one draw each
     */
    public float[] randFloat(int numel) {
        float[] out = new float[checkNumel(numel)];
        for (int i = 0; i < numel; i++) out[i] = uniformFloat();
        return out;
    }

    /**
     * {@code torch.rand(numel, generator=g, dtype=float64)}.
     *
     * @param numel number of elements
     * @return uniforms in {@code [0, 1)}, two draws each
     */
    public double[] randDouble(int numel) {
        double[] out = new double[checkNumel(numel)];
        for (int i = 0; i < numel; i++) out[i] = uniformDouble();
        return out;
    }

    /**
     * {@code torch.randn(numel, generator=g, dtype=float32)} (contiguous tensor, any shape of that numel).
     *
     * @param numel number of elements
     * @return standard normals in row-major order
     */
    public float[] randnFloat(int numel) {
        float[] out = new float[checkNumel(numel)];
        randnFloat(out, 0, numel);
        return out;
    }

    /**
     * {@code torch.randn(numel, generator=g, dtype=float32)} written straight into {@code out[offset..offset+numel)}.
     * Large fills transform their blocks on several cores ({@link Parallel}); the values do not depend on it.
     *
     * @param out    the destination
     * @param offset where the first value goes
     * @param numel  number of elements
     */
    public void randnFloat(float[] out, int offset, int numel) {
        checkSlice(out, offset, numel);
        if (numel < FILL_THRESHOLD) {
            for (int i = 0; i < numel; i++) out[offset + i] = (float) scalarNormal();
            return;
        }
        // normal_fill: all uniforms first, every full block of 16, then a partial tail re-drawn with 16 fresh uniforms
        uniformsFloat(out, offset, numel);
        int blocks = numel / 16;
        Parallel.forRange(blocks, BLOCKS_PER_TASK, numel, (from, to) -> fillBlocks(out, offset + 16 * from, to - from));
        if (numel % 16 != 0) {
            uniformsFloat(out, offset + numel - 16, 16);
            fillBlocks(out, offset + numel - 16, 1);
        }
    }

    /** Blocks of 16 a parallel task transforms at least (256 KiB of floats). */
    private static final int BLOCKS_PER_TASK = 4096;

    private void fillBlocks(float[] d, int o, int blocks) {
        if (kernel == CpuKernel.DEFAULT) {
            for (int b = 0; b < blocks; b++) fill16Default(d, o + 16 * b);
        } else if (vector) {
            TorchCpuVectorKernel.fillBlocks(d, o, blocks);
        } else {
            for (int b = 0; b < blocks; b++) fill16Avx2Scalar(d, o + 16 * b);
        }
    }

    /** {@code count} float32 uniforms in stream order, tempered in bulk straight from the MT state. */
    private void uniformsFloat(float[] out, int at, int count) {
        while (count > 0) {
            if (left == 1) {
                if (vector) TorchCpuVectorKernel.twist(state);
                else twistState();
                left = N + 1;
                next = 0;
            }
            int k = Math.min(count, left - 1);
            if (vector) {
                TorchCpuVectorKernel.uniforms(state, next, k, out, at);
            } else {
                for (int i = 0; i < k; i++) out[at + i] = (temper(state[next + i]) & 0xffffff) * 0x1p-24f;
            }
            next += k;
            left -= k;
            at += k;
            count -= k;
        }
    }

    /**
     * {@code torch.randn(numel, generator=g, dtype=float64)} (contiguous tensor, any shape of that numel).
     *
     * @param numel number of elements
     * @return standard normals in row-major order
     */
    public double[] randnDouble(int numel) {
        double[] out = new double[checkNumel(numel)];
        if (numel < FILL_THRESHOLD) {
            for (int i = 0; i < numel; i++) out[i] = scalarNormal();
        } else {
            normalFill(numel, i -> out[i] = uniformDouble(), i -> fill16Double(out, i));
        }
        return out;
    }

    // ---------------------------------------------------------------- MT19937

    private int nextInt() {
        if (--left == 0) {
            twistState();
            left = N;
            next = 0;
        }
        return temper(state[next++]);
    }

    /** MT19937 tempering of one state word. */
    static int temper(int y) {
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private void twistState() {
        for (int k = 0; k < N; k++) {
            int y = (state[k] & UPPER_MASK) | (state[(k + 1) % N] & LOWER_MASK);
            state[k] = state[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
    }

    // ---------------------------------------------------------------- distributions

    /** {@code uniform_real_distribution<float>(0, 1)}: low 24 bits of one draw, in float. */
    private float uniformFloat() {
        return (nextInt() & 0xffffff) * 0x1p-24f;
    }

    /** {@code uniform_real_distribution<double>(0, 1)}: low 53 bits of {@code random64()}. */
    private double uniformDouble() {
        return (random64() & ((1L << 53) - 1)) * 0x1p-53;
    }

    /** {@code normal_distribution<double>} with the generator's cached second value. */
    private double scalarNormal() {
        if (hasCachedNormal) {
            hasCachedNormal = false;
            return cachedNormal;
        }
        double u1 = uniformDouble();
        double u2 = uniformDouble();
        double r = Math.sqrt(-2.0 * Math.log(1.0 - u2));
        double theta = TWO_PI * u1;
        cachedNormal = r * Math.sin(theta);
        hasCachedNormal = true;
        return r * Math.cos(theta);
    }

    /**
     * {@code normal_fill}: all uniforms first, then every full block of 16; a partial tail re-draws the last
     * 16 positions with fresh uniforms and transforms them again.
     */
    private static void normalFill(int n, IntConsumer drawUniformAt, IntConsumer fill16At) {
        for (int i = 0; i < n; i++) drawUniformAt.accept(i);
        for (int i = 0; i + 16 <= n; i += 16) fill16At.accept(i);
        if (n % 16 != 0) {
            for (int i = n - 16; i < n; i++) drawUniformAt.accept(i);
            fill16At.accept(n - 16);
        }
    }

    /** {@code normal_fill_16<double>} (libm {@code log/cos/sin}; mean 0, std 1). */
    private static void fill16Double(double[] d, int o) {
        for (int j = 0; j < 8; j++) {
            double u1 = 1 - d[o + j];
            double u2 = d[o + j + 8];
            double radius = Math.sqrt(-2 * Math.log(u1));
            double theta = TWO_PI * u2;
            d[o + j] = radius * Math.cos(theta);
            d[o + j + 8] = radius * Math.sin(theta);
        }
    }

    /** {@code normal_fill_16<float>}: theta computed in double then rounded; glibc float libm. */
    private static void fill16Default(float[] d, int o) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1 - d[o + j];
            float u2 = d[o + j + 8];
            float radius = (float) Math.sqrt(-2 * GlibcFloatMath.logf(u1));
            float theta = (float) (TWO_PI * u2);
            d[o + j] = radius * GlibcFloatMath.cosf(theta);
            d[o + j + 8] = radius * GlibcFloatMath.sinf(theta);
        }
    }

    /** {@code normal_fill_16_AVX2}, one lane at a time (the lanes are independent). */
    static void fill16Avx2Scalar(float[] d, int o) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1f - d[o + j];
            float theta = TWO_PI_F * d[o + j + 8];
            float radius = (float) Math.sqrt(-2f * log256(u1));
            long sc = sincos256(theta);
            d[o + j] = radius * Float.intBitsToFloat((int) (sc >>> 32));
            d[o + j + 8] = radius * Float.intBitsToFloat((int) sc);
        }
    }

    // ---------------------------------------------------------------- avx_mathfun.h (Cephes, FMA-contracted)

    static final float TWO_PI_F = (float) (2 * Math.PI);
    static final float SQRTHF = 0.707106781186547524f;
    static final float[] LOG_P = {
        7.0376836292E-2f, -1.1514610310E-1f, 1.1676998740E-1f, -1.2420140846E-1f, 1.4249322787E-1f,
        -1.6668057665E-1f, 2.0000714765E-1f, -2.4999993993E-1f, 3.3333331174E-1f};
    static final float LOG_Q1 = -2.12194440e-4f;
    static final float LOG_Q2 = 0.693359375f;
    static final float FOPI = 1.27323954473516f;
    static final float DP1 = -0.78515625f;
    static final float DP2 = -2.4187564849853515625e-4f;
    static final float DP3 = -3.77489497744594108e-8f;
    static final float COS_C0 = 2.443315711809948E-005f;
    static final float COS_C1 = -1.388731625493765E-003f;
    static final float COS_C2 = 4.166664568298827E-002f;
    static final float SIN_S0 = -1.9515295891E-4f;
    static final float SIN_S1 = 8.3321608736E-3f;
    static final float SIN_S2 = -1.6666654611E-1f;

    /** {@code log256_ps} for a positive normal argument. */
    static float log256(float x) {
        int bits = Float.floatToRawIntBits(x);
        float e = (float) ((bits >>> 23) - 127) + 1f;
        float m = Float.intBitsToFloat((bits & 0x807fffff) | 0x3f000000);
        float t;
        if (m < SQRTHF) {
            e -= 1f;
            t = (m - 1f) + m;
        } else {
            t = m - 1f;
        }
        float z = t * t;
        float y = LOG_P[0];
        for (int k = 1; k < LOG_P.length; k++) y = Math.fma(y, t, LOG_P[k]);
        y = y * t;
        y = Math.fma(y, z, e * LOG_Q1);
        y = y - z * 0.5f;
        return Math.fma(e, LOG_Q2, t + y);
    }

    /**
     * {@code sincos256_ps} for a non-negative argument.
     *
     * @return sine bits in the low, cosine bits in the high 32 bits
     */
    static long sincos256(float x) {
        int j = (int) (x * FOPI);
        j = (j + 1) & ~1;
        float y = (float) j;
        x = Math.fma(y, DP1, x);
        x = Math.fma(y, DP2, x);
        x = Math.fma(y, DP3, x);
        float z = x * x;
        float c = Math.fma(Math.fma(COS_C0, z, COS_C1), z, COS_C2);
        c = c * z;
        c = Math.fma(c, z, -(z * 0.5f));
        c = c + 1f;
        float s = Math.fma(Math.fma(SIN_S0, z, SIN_S1), z, SIN_S2);
        s = s * z;
        s = Math.fma(s, x, x);
        boolean swap = (j & 2) != 0;
        float sin = swap ? c : s;
        float cos = swap ? s : c;
        if ((j & 4) != 0) sin = -sin;
        if (((j - 2) & 4) == 0) cos = -cos;
        return (Float.floatToRawIntBits(sin) & 0xffffffffL) | ((long) Float.floatToRawIntBits(cos) << 32);
    }

    /** Checks that {@code numel >= 0} values fit in {@code out} from {@code offset}. */
    static void checkSlice(float[] out, int offset, int numel) {
        checkNumel(numel);
        if (offset < 0 || offset > out.length - numel) {
            throw new IllegalArgumentException("cannot write " + numel + " values at offset " + offset + " of an array of " + out.length);
        }
    }

    private static int checkNumel(int numel) {
        if (numel < 0) throw new IllegalArgumentException("numel must be >= 0, got " + numel);
        return numel;
    }
}
