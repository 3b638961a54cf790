package org.sampler4j.api.noise;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.NoiseSource;

/**
 * Brownian-tree noise: the semantics of k-diffusion's {@code BrownianTreeNoiseSampler} (used by {@code dpmpp_sde},
 * {@code dpmpp_2m_sde}, {@code dpmpp_3m_sde}). One Brownian motion {@code W} per element is defined over
 * {@code [sigmaMin, sigmaMax]} (time = sigma, k-diffusion's default identity transform) with {@code W(sigmaMin) = 0},
 * and {@link #noise noise(sigma, sigmaNext)} returns the normalised increment
 * {@code (W(sigmaNext) - W(sigma)) / sqrt|sigmaNext - sigma|}: unit-variance noise whose values for nested or adjacent
 * intervals are correlated as Brownian increments are. {@code W(t)} is a function of (seed, range, latent size, t)
 * only, so the noise for a given interval does not depend on the query order or on which other intervals a sampler
 * asks for: a 10-step and a 20-step schedule over the same range see one and the same Brownian path, which keeps
 * SDE samples stable across step counts.
 *
 * <p>Construction (a "virtual" Brownian tree, as in torchsde and diffrax): the root draws
 * {@code W(sigmaMax) = sqrt(sigmaMax - sigmaMin) Z}; a node {@code [a, b]} with known {@code W(a), W(b)} fills its
 * midpoint {@code m} by the Brownian bridge {@code W(m) = W(a) + (m - a)/(b - a) (W(b) - W(a)) + sqrt((m - a)(b - m)/(b -
 * a)) Z}. Every node has its own seed (a SplitMix64 hash chain from the seed along the path from the root) and its
 * {@code Z} is {@code torch.randn(numel, generator=Generator().manual_seed(nodeSeed), dtype=float64)} via
 * {@link TorchCpuGenerator}. A query descends from the root to {@code t}, at most {@link #depth()} levels (leaves
 * narrower than the tolerance, default {@value #DEFAULT_TOLERANCE} like torchsde's {@code BrownianTree}); inside a leaf
 * {@code W} is interpolated linearly (diffrax's choice), which keeps {@code W} a single continuous path, so increments
 * add up exactly. Cost per new query point: {@code depth} draws of {@code numel} normals (about 50 ms for a 4x128x128
 * latent, depth 24, one core); the last few points are cached, so a step usually costs one new point.
 *
 * <p>Same as torchsde / k-diffusion: the law of the noise (unit variance, Brownian correlations between intervals,
 * {@code noise(a, b) = -noise(b, a)}), order independence, per-row seeds ({@link #BrownianTreeNoise(long[], double,
 * double, double)}, k-diffusion's list of seeds: a row's noise is independent of the batch size). Not the same: the
 * values: for torchsde's values (what k-diffusion and ComfyUI draw) use {@link TorchsdeBrownianNoise}, the host's
 * default for the SDE DPM-Solver++ samplers ({@code brownian-torchsde}); this class stays as a seed-stable Brownian
 * source with a float64 tree for any latent precision, a tolerance parameter and range checks. Also
 * different: below the tolerance the path is linear, so increments over intervals only a few tolerances long have
 * slightly less than unit variance (relative error about {@code tolerance / |sigmaNext - sigma|}); queries outside
 * {@code [sigmaMin, sigmaMax]} are rejected (torchsde clamps them into the range with a warning), so build the tree
 * over every sigma a sampler draws noise for (e.g. {@code sigmaMin = 0} for samplers that draw towards sigma 0). Node
 * generators take 32-bit seeds (MT19937 uses the low 32 bits, as in torch), so two of the visited nodes share their
 * draws with probability about {@code nodes^2 / 2^33}.
 *
 * <p>Thread-safe: {@link #noise} is synchronized (it shares one generator and a small cache).
 */
public final class BrownianTreeNoise implements NoiseSource {
    /** Default leaf width in sigma units (torchsde's {@code BrownianTree} default {@code tol}). */
    public static final double DEFAULT_TOLERANCE = 1e-6;

    private static final int MAX_DEPTH = 60;
    private static final int CACHED_POINTS = 4;
    private static final long ROOT = 0x526f6f74L;
    private static final long END = 0x456e64L;
    private static final long MID = 0x4d6964L;
    private static final long LEFT = 0x4c656674L;
    private static final long RIGHT = 0x5269676874L;

    private final long[] seeds;
    private final double tMin;
    private final double tMax;
    private final double slack;
    private final int depth;
    private final TorchCpuGenerator generator = new TorchCpuGenerator(0);
    private final Map<Long, double[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, double[]> eldest) {
            return size() > CACHED_POINTS;
        }
    };
    private int cachedNumel = -1;

    /**
     * One Brownian motion per element from {@code seed} over {@code [sigmaMin, sigmaMax]}, default tolerance.
     *
     * @param seed the seed of the tree
     * @param sigmaMin the lower end of the range, positive
     * @param sigmaMax the upper end, above {@code sigmaMin}
     */
    public BrownianTreeNoise(long seed, double sigmaMin, double sigmaMax) {
        this(new long[] {seed}, sigmaMin, sigmaMax, DEFAULT_TOLERANCE);
    }

    /**
     * A tree per seed: with one seed the whole latent shares one tree; with {@code B} seeds, latents have {@code B}
     * rows (first dimension) and row {@code r} gets the noise a single-seed tree with {@code seeds[r]} gives a one-row
     * latent.
     *
     * @param seeds the seeds (at least one)
     * @param sigmaMin low end of the range ({@code >= 0})
     * @param sigmaMax high end of the range ({@code > sigmaMin})
     * @param tolerance leaf width: below it the path is linear ({@code > 0})
     */
    public BrownianTreeNoise(long[] seeds, double sigmaMin, double sigmaMax, double tolerance) {
        if (seeds.length == 0) throw new IllegalArgumentException("need at least one seed");
        if (!(sigmaMin >= 0 && sigmaMax > sigmaMin && Double.isFinite(sigmaMax))) {
            throw new IllegalArgumentException("need 0 <= sigmaMin < sigmaMax < inf, got [" + sigmaMin + ", " + sigmaMax + "]");
        }
        if (!(tolerance > 0)) throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
        this.seeds = seeds.clone();
        this.tMin = sigmaMin;
        this.tMax = sigmaMax;
        this.slack = 1e-12 * sigmaMax;
        double levels = Math.ceil(Math.log((sigmaMax - sigmaMin) / tolerance) / Math.log(2));
        this.depth = (int) Math.max(0, Math.min(MAX_DEPTH, levels));
    }

    /**
     * k-diffusion's default range for a schedule: {@code [min of the positive sigmas, max sigma]}.
     *
     * @param seed the seed of the tree
     * @param sigmas the schedule's sigmas
     * @return the noise source over the schedule's range
     */
    public static BrownianTreeNoise forSchedule(long seed, double[] sigmas) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (double s : sigmas) {
            if (s > 0) min = Math.min(min, s);
            max = Math.max(max, s);
        }
        if (!(min < max)) throw new IllegalArgumentException("the schedule needs two distinct positive sigmas, got " + Arrays.toString(sigmas));
        return new BrownianTreeNoise(seed, min, max);
    }

    /** {@return low end of the range} */
    public double sigmaMin() {
        return tMin;
    }

    /** {@return high end of the range} */
    public double sigmaMax() {
        return tMax;
    }

    /** {@return levels a query descends at most (leaf width = range / 2^depth)} */
    public int depth() {
        return depth;
    }

    /**
     * {@code (W(sigmaNext) - W(sigma)) / sqrt|sigmaNext - sigma|}, shaped and rounded like {@code like}.
     *
     * @param sigma the current noise level, in the range
     * @param sigmaNext the next noise level, in the range
     * @param like the latent whose shape and precision the noise takes
     * @return unit-variance noise, correlated across calls as a Brownian motion
     * @throws IllegalArgumentException if the sigmas are equal or outside the range
     */
    @Override
    public synchronized Latent noise(double sigma, double sigmaNext, Latent like) {
        if (sigma == sigmaNext) throw new IllegalArgumentException("empty interval: sigma = sigmaNext = " + sigma);
        int n = like.size();
        if (seeds.length > 1 && (like.shape().length == 0 || like.shape()[0] != seeds.length)) {
            throw new IllegalArgumentException("this tree has " + seeds.length + " row seeds, the latent has shape " + Arrays.toString(like.shape()));
        }
        double[] w0 = brownian(sigma, n);
        double[] w1 = brownian(sigmaNext, n);
        double scale = 1 / Math.sqrt(Math.abs(sigmaNext - sigma));
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = (w1[i] - w0[i]) * scale;
        return like.withValues(out);
    }

    /** {@code W(t)} for a latent of {@code n} elements (shared with the cache: do not modify). */
    double[] brownian(double t, int n) {
        if (!(t >= tMin - slack && t <= tMax + slack)) {
            throw new IllegalArgumentException("sigma " + t + " is outside this Brownian tree's range [" + tMin + ", " + tMax
                    + "]; build the tree over every sigma the sampler draws noise for");
        }
        t = Math.min(tMax, Math.max(tMin, t));
        if (n != cachedNumel) {
            cache.clear();
            cachedNumel = n;
        }
        Long key = Double.doubleToLongBits(t);
        double[] w = cache.get(key);
        if (w == null) {
            w = descend(t, n);
            cache.put(key, w);
        }
        return w;
    }

    private double[] descend(double t, int n) {
        if (n % seeds.length != 0) throw new IllegalArgumentException(n + " elements do not split into " + seeds.length + " rows");
        long[] node = new long[seeds.length];
        for (int r = 0; r < node.length; r++) node[r] = mix(seeds[r] ^ ROOT);
        double a = tMin;
        double b = tMax;
        double[] wa = new double[n];
        double[] wb = normals(node, END, n);
        double rootStd = Math.sqrt(b - a);
        for (int i = 0; i < n; i++) wb[i] *= rootStd;
        for (int level = 0; level < depth && a < t && t < b; level++) {
            double m = a + (b - a) / 2;
            if (!(a < m && m < b)) break;
            double frac = (m - a) / (b - a);
            double std = Math.sqrt((m - a) * (b - m) / (b - a));
            double[] z = normals(node, MID, n);
            boolean left = t <= m;
            double[] target = left ? wb : wa; // the bridge value at m replaces the far end, in place
            for (int i = 0; i < n; i++) target[i] = wa[i] + frac * (wb[i] - wa[i]) + std * z[i];
            for (int r = 0; r < node.length; r++) node[r] = mix(node[r] ^ (left ? LEFT : RIGHT));
            if (left) b = m;
            else a = m;
        }
        if (t == a) return wa;
        if (t == b) return wb;
        double frac = (t - a) / (b - a);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = wa[i] + frac * (wb[i] - wa[i]);
        return w;
    }

    /** {@code n} standard normals: row {@code r} from a generator seeded with the hash of its node seed and the tag. */
    private double[] normals(long[] node, long tag, int n) {
        int rowSize = n / node.length;
        double[] z = new double[n];
        for (int r = 0; r < node.length; r++) {
            generator.manualSeed(mix(node[r] ^ tag));
            System.arraycopy(generator.randnDouble(rowSize), 0, z, r * rowSize, rowSize);
        }
        return z;
    }

    /** SplitMix64. */
    private static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
