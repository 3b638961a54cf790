package org.sampler4j.api.noise;

import org.sampler4j.api.math.Parallel;

/**
 * CPU re-implementation of PyTorch's CUDA generator for {@code torch.randn}:
 * {@code g = torch.Generator('cuda').manual_seed(seed); torch.randn(shape, generator=g, device='cuda', dtype)}.
 *
 * <p>Provenance: ATen {@code native/cuda/DistributionTemplates.h} ({@code normal_kernel},
 * {@code distribution_nullary_kernel}, {@code calc_execution_policy},
 * {@code distribution_elementwise_grid_stride_kernel}), {@code cuda/CUDAGeneratorImpl.cpp}
 * ({@code philox_cuda_state}); cuRAND {@code curand_philox4x32_x.h} ({@code curand_init}, {@code curand4}),
 * {@code curand_normal.h} ({@code curand_normal4}, {@code curand_normal2_double}, Box-Muller); libdevice
 * {@code __nv_logf} and the CUDA math library's {@code sincospi}.
 *
 * <p>Layout: Philox4x32-10 keyed by the full 64-bit seed. A call with {@code n} elements is launched with
 * blocks of 256 threads and {@code min(ceil(n/256), SMs * maxThreadsPerSM/256)} blocks; thread {@code t}
 * uses Philox subsequence {@code t} (counter words 2-3) and counter {@code offset/4 + k} (words 0-1) in its
 * {@code k}-th grid-stride iteration, where one {@code curand_normal4} (float, half) or
 * {@code curand_normal2_double} (double) call feeds elements {@code base + t + ii*stride}, {@code ii < 4}
 * (resp. 2). Element values: float/half {@code (sin, cos, sin, cos)} of two Box-Muller pairs; double
 * {@code (sin, cos)} of one. After the call the generator's offset grows by
 * {@code 4 * ceil(n / (stride * unroll))} (the grid shape, hence the stream for large {@code n}, depends on
 * the GPU: the defaults are an H200's 132 SMs and 2048 threads per SM; tensors below 270,336 elements
 * (float) do not depend on it).
 *
 * <p>Exactness: Philox, the counter layout, the offsets, the uniforms, {@code logf} (libdevice's
 * algorithm) and the square root are bit-exact. The float sine/cosine are CUDA's {@code __sincosf}
 * hardware approximation ({@code MUFU.SIN/COS} after a round-toward-zero reduction to revolutions), whose
 * tables are undocumented: they are emulated by the same reduction followed by an exact sine rounded to
 * float, so float results are within about 1.2e-6 of the GPU's and about a quarter of them are
 * bit-identical (measured against an H200, see the tests); half results (rounded from those floats)
 * practically always match. Double results use the CUDA math library's {@code sincospi} algorithm and
 * {@link Math#log} for CUDA's {@code log}; they agree to 2 ulp, 98 % bit-identical.
 *
 * <p>Not thread-safe.
 */
public final class TorchCudaGenerator {

    /** Streaming multiprocessors of an NVIDIA H200 / H100 SXM (where the golden vectors were recorded). */
    public static final int H200_SM_COUNT = 132;
    /** {@code maxThreadsPerMultiProcessor} of compute capability 8.0 / 9.0 GPUs. */
    public static final int SM90_MAX_THREADS_PER_SM = 2048;

    private static final int BLOCK_SIZE = 256;
    private static final int MAX_OFFSET_PER_CURAND_CALL = 4;

    private final int maxBlocks;
    private long seed;
    private long offset;

    /**
     * {@code torch.Generator('cuda').manual_seed(seed)} on an H200-like GPU (132 SMs, 2048 threads each).
     *
     * @param seed the seed (all 64 bits key Philox)
     */
    public TorchCudaGenerator(long seed) {
        this(seed, H200_SM_COUNT, SM90_MAX_THREADS_PER_SM);
    }

    /**
     * {@code torch.Generator('cuda').manual_seed(seed)} on a GPU with the given occupancy limits (only
     * tensors larger than {@code smCount * maxThreadsPerSm} elements for float depend on them).
     *
     * @param seed            the seed (all 64 bits key Philox)
     * @param smCount         {@code multiProcessorCount} of the device
     * @param maxThreadsPerSm {@code maxThreadsPerMultiProcessor} of the device
     */
    public TorchCudaGenerator(long seed, int smCount, int maxThreadsPerSm) {
        if (smCount <= 0 || maxThreadsPerSm < BLOCK_SIZE) {
            throw new IllegalArgumentException("need smCount > 0 and maxThreadsPerSm >= 256");
        }
        this.maxBlocks = smCount * (maxThreadsPerSm / BLOCK_SIZE);
        manualSeed(seed);
    }

    /**
     * {@code generator.manual_seed(seed)}: sets the Philox key and resets the offset to 0.
     *
     * @param seed the seed (all 64 bits are used)
     */
    public void manualSeed(long seed) {
        this.seed = seed;
        this.offset = 0;
    }

    /**
     * {@code generator.initial_seed()}.
     *
     * @return the 64-bit seed (unsigned in torch)
     */
    public long seed() {
        return seed;
    }

    /**
     * The Philox offset the next call starts from ({@code generator.get_offset()}).
     *
     * @return the offset in 32-bit draws, a multiple of 4
     */
    public long offset() {
        return offset;
    }

    /**
     * {@code torch.randn(numel, generator=g, device='cuda', dtype=float32)}, contiguous, row-major.
     *
     * @param numel number of elements
     * @return the normals
     */
    public float[] randnFloat(int numel) {
        float[] out = new float[checkNumel(numel)];
        randnFloat(out, 0, numel);
        return out;
    }

    /**
     * {@code torch.randn(numel, generator=g, device='cuda', dtype=float32)} written straight into
     * {@code out[offset..offset+numel)}. The GPU threads of a large call are replayed on several cores
     * ({@link Parallel}); the values do not depend on it.
     *
     * @param out    the destination
     * @param offset where the first value goes
     * @param numel  number of elements
     */
    public void randnFloat(float[] out, int offset, int numel) {
        TorchCpuGenerator.checkSlice(out, offset, numel);
        launch(numel, 4, TorchCudaGenerator::normal4, (i, value) -> out[offset + i] = (float) value);
    }

    /**
     * {@code torch.randn(numel, generator=g, device='cuda', dtype=float16)}: the float normals rounded to
     * half precision (round to nearest even).
     *
     * @param numel number of elements
     * @return the half-precision values, widened exactly to float
     */
    public float[] randnHalf(int numel) {
        float[] out = randnFloat(numel);
        for (int i = 0; i < out.length; i++) out[i] = roundToHalf(out[i]);
        return out;
    }

    /**
     * {@code torch.randn(numel, generator=g, device='cuda', dtype=float64)}, contiguous, row-major.
     *
     * @param numel number of elements
     * @return the normals
     */
    public double[] randnDouble(int numel) {
        double[] out = new double[checkNumel(numel)];
        launch(numel, 2, TorchCudaGenerator::normal2Double, (i, value) -> out[i] = value);
        return out;
    }

    // ---------------------------------------------------------------- launch layout

    /** {@code dist_func}: turns one Philox output block into {@code unroll} values. */
    @FunctionalInterface
    private interface Distribution {
        void apply(int[] philoxOutput, double[] values);
    }

    /** Receives element {@code index}'s value. */
    @FunctionalInterface
    private interface Sink {
        void put(int index, double value);
    }

    /**
     * {@code distribution_nullary_kernel}: reserves the offset ({@code calc_execution_policy},
     * {@code philox_cuda_state}) and replays {@code distribution_elementwise_grid_stride_kernel} for every
     * thread: {@code curand_init(seed, thread, offset)}, then one {@code dist_func} per grid-stride iteration
     * feeding elements {@code linear_index + ii * stride}.
     */
    private void launch(int numel, int unroll, Distribution dist, Sink sink) {
        if (numel == 0) return;
        long blocks = Math.min((numel + BLOCK_SIZE - 1L) / BLOCK_SIZE, maxBlocks);
        long stride = blocks * BLOCK_SIZE;
        long iterations = (numel - 1L) / (stride * unroll) + 1;
        long increment = iterations * MAX_OFFSET_PER_CURAND_CALL;
        long start = offset;
        offset += ((increment + 3) / 4) * 4;
        int keyLo = (int) seed;
        int keyHi = (int) (seed >>> 32);
        // every (iteration, thread) pair is independent: replay ranges of threads on several cores when large
        Parallel.forRange((int) stride, THREADS_PER_TASK, numel, (fromThread, toThread) -> {
            int[] words = new int[4];
            double[] values = new double[unroll];
            for (long k = 0; k < iterations; k++) {
                long counter = start / 4 + k;
                long first = k * stride * unroll;
                for (long t = fromThread; t < toThread && first + t < numel; t++) {
                    philox((int) counter, (int) (counter >>> 32), (int) t, (int) (t >>> 32), keyLo, keyHi, words);
                    dist.apply(words, values);
                    for (int ii = 0; ii < unroll && first + t + ii * stride < numel; ii++) {
                        sink.put((int) (first + t + ii * stride), values[ii]);
                    }
                }
            }
        });
    }

    /** GPU threads a parallel task replays at least. */
    private static final int THREADS_PER_TASK = 4096;

    // ---------------------------------------------------------------- Philox4x32-10

    private static final int PHILOX_M0 = 0xD2511F53;
    private static final int PHILOX_M1 = 0xCD9E8D57;
    private static final int PHILOX_W0 = 0x9E3779B9;
    private static final int PHILOX_W1 = 0xBB67AE85;

    /** Ten Philox4x32 rounds of {@code (c0..c3)} under key {@code (k0, k1)}. */
    static int[] philox(int c0, int c1, int c2, int c3, int k0, int k1) {
        int[] out = new int[4];
        philox(c0, c1, c2, c3, k0, k1, out);
        return out;
    }

    /** Ten Philox4x32 rounds of {@code (c0..c3)} under key {@code (k0, k1)}, written to {@code out}. */
    private static void philox(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < 10; round++) {
            long p0 = (PHILOX_M0 & 0xffffffffL) * (c0 & 0xffffffffL);
            long p1 = (PHILOX_M1 & 0xffffffffL) * (c2 & 0xffffffffL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c0 = n0;
            c1 = (int) p1;
            c2 = n2;
            c3 = (int) p0;
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    // ---------------------------------------------------------------- float Box-Muller (_curand_box_muller)

    private static final float TWO_POW_M32 = 0x1p-32f;
    private static final float TWO_POW_M32_2PI = 0x1p-32f * 6.2831855f;
    /** The {@code 1/(2 pi)} of the {@code FMUL.RZ} that precedes {@code MUFU.SIN/COS}. */
    private static final float INV_2PI = 0.15915494f;

    /** {@code curand_normal4}: Box-Muller on words (0, 1) and (2, 3), each giving (sin, cos). */
    static void normal4(int[] x, double[] out) {
        boxMuller(x[0], x[1], out, 0);
        boxMuller(x[2], x[3], out, 2);
    }

    /** {@code _curand_box_muller(x, y)}: writes {@code sin(v) * s} and {@code cos(v) * s} to {@code out[at..]}. */
    private static void boxMuller(int x, int y, double[] out, int at) {
        float u = Math.fma((float) (x & 0xffffffffL), TWO_POW_M32, TWO_POW_M32 / 2);
        float v = Math.fma((float) (y & 0xffffffffL), TWO_POW_M32_2PI, TWO_POW_M32_2PI / 2);
        float s = (float) Math.sqrt(-2.0f * nvLogf(u));
        // __sincosf: FMUL.RZ to revolutions, then MUFU.SIN/COS (emulated by an exact sine rounded to float)
        double angle = 2 * Math.PI * mulTowardZero(v, INV_2PI);
        out[at] = (float) Math.sin(angle) * s;
        out[at + 1] = (float) Math.cos(angle) * s;
    }

    /** {@code a * b} rounded toward zero to float ({@code FMUL.RZ}); the double product is exact. */
    private static float mulTowardZero(float a, float b) {
        double exact = (double) a * b;
        float nearest = (float) exact;
        return Math.abs((double) nearest) > Math.abs(exact) ? Math.nextAfter(nearest, 0.0) : nearest;
    }

    /** libdevice {@code __nv_logf} for a positive normal argument (the FMA sequence nvcc inlines). */
    static float nvLogf(float a) {
        int bits = Float.floatToRawIntBits(a);
        int e = (bits - 0x3f2aaaab) & 0xff800000;
        float m = Float.intBitsToFloat(bits - e);
        float i = Math.fma((float) e, 0x1p-23f, 0f);
        float f = m - 1f;
        float p = Math.fma(Float.intBitsToFloat(0xBE055027), f, Float.intBitsToFloat(0x3E1039F6));
        p = Math.fma(p, f, Float.intBitsToFloat(0xBDF8CDCC));
        p = Math.fma(p, f, Float.intBitsToFloat(0x3E0F2955));
        p = Math.fma(p, f, Float.intBitsToFloat(0xBE2AD8B9));
        p = Math.fma(p, f, Float.intBitsToFloat(0x3E4CED0B));
        p = Math.fma(p, f, Float.intBitsToFloat(0xBE7FFF22));
        p = Math.fma(p, f, Float.intBitsToFloat(0x3EAAAA78));
        p = Math.fma(p, f, -0.5f);
        p = f * p;
        p = Math.fma(p, f, f);
        return Math.fma(i, Float.intBitsToFloat(0x3F317218), p);
    }

    // ---------------------------------------------------------------- double Box-Muller (_curand_box_muller_double)

    /** {@code curand_normal2_double}: {@code _curand_box_muller_double}, {@code (sinpi(v) * s, cospi(v) * s)}. */
    private static void normal2Double(int[] x, double[] out) {
        long zx = (x[0] & 0xffffffffL) ^ ((x[1] & 0xffffffffL) << 21);
        long zy = (x[2] & 0xffffffffL) ^ ((x[3] & 0xffffffffL) << 21);
        double u = zx * 0x1p-53 + 0x1p-54;
        double v = zy * 0x1p-52 + 0x1p-53;
        double s = Math.sqrt(-2.0 * Math.log(u));
        double q = Math.rint(v * 2.0);
        double z = Math.fma(q, -0.5, v);
        z = Math.fma(z, 3.1415926535897931e+0, z * 1.2246467991473532e-16);
        double sin = sinKernel(z);
        double cos = cosKernel(z);
        int quadrant = (int) q & 3;
        double sinpi = (quadrant & 1) != 0 ? cos : sin;
        double cospi = (quadrant & 1) != 0 ? sin : cos;
        if ((quadrant & 2) != 0) sinpi = -sinpi;
        if (((quadrant + 1) & 2) != 0) cospi = -cospi;
        out[0] = sinpi * s;
        out[1] = cospi * s;
    }

    /** CUDA math library {@code __internal_sin_kerneld}, |x| &le; pi/4. */
    private static double sinKernel(double x) {
        double x2 = x * x;
        double z = 1.5896230157221844E-010;
        z = Math.fma(z, x2, -2.5050747762850355E-008);
        z = Math.fma(z, x2, 2.7557313621385676E-006);
        z = Math.fma(z, x2, -1.9841269829589539E-004);
        z = Math.fma(z, x2, 8.3333333333221182E-003);
        z = Math.fma(z, x2, -1.6666666666666630E-001);
        z = z * x2;
        return Math.fma(z, x, x);
    }

    /** CUDA math library {@code __internal_cos_kerneld}, |x| &le; pi/4. */
    private static double cosKernel(double x) {
        double x2 = x * x;
        double z = -1.136788825395985E-011;
        z = Math.fma(z, x2, 2.087588480545065E-009);
        z = Math.fma(z, x2, -2.755731555403950E-007);
        z = Math.fma(z, x2, 2.480158729365970E-005);
        z = Math.fma(z, x2, -1.388888888888074E-003);
        z = Math.fma(z, x2, 4.166666666666664E-002);
        z = Math.fma(z, x2, -5.000000000000000E-001);
        return Math.fma(z, x2, 1.0);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Rounds a float to the nearest IEEE binary16 value (ties to even, overflow to infinity), as
     * {@code static_cast<at::Half>(float)} does.
     *
     * @param f the float
     * @return the half-precision value, exactly representable as a float
     */
    static float roundToHalf(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f) || f == 0f) return f;
        int exponent = Math.max(Math.getExponent(f), -14);
        double quantum = Math.scalb(1.0, exponent - 10);
        double rounded = Math.rint(f / quantum) * quantum;
        return Math.abs(rounded) > 65504.0 ? Math.copySign(Float.POSITIVE_INFINITY, f) : (float) rounded;
    }

    private static int checkNumel(int numel) {
        if (numel < 0) throw new IllegalArgumentException("numel must be >= 0, got " + numel);
        return numel;
    }
}
