package org.sampler4j.api.noise;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.sampler.Latent;

/**
 * torchsde's {@code BrownianTree} reproduced value for value: {@code BrownianInterval(t0, t1, size, dtype, entropy,
 * tol=1e-6, pool_size=24, halfway_tree=True)} without Lévy area, on the CPU. Provenance: google-research/torchsde
 * {@code torchsde/_brownian/brownian_interval.py} ({@code BrownianInterval.__call__}, {@code _Interval._loc_inner},
 * {@code _split}, {@code _split_exact}, {@code _increment_and_space_time_levy_area}) and {@code derived.py}
 * ({@code BrownianTree}).
 *
 * <p>The construction: time points are rounded to {@code ndigits = -int(log10(tol))} decimals (Python's
 * {@code round}, correctly rounded, half-even on the exact binary value). The root interval {@code [t0, t1]} has
 * {@code W = randn(seed_W) * sqrt(t1 - t0)} with {@code seed_W = SeedSequence(entropy, pool_size).generate_state(3)[0]}.
 * Queries descend a dyadic tree: an interval is split at its rounded midpoint (until the query point is a node edge),
 * and the node with spawn key {@code k} (root 0, children {@code 2k}, {@code 2k+1}) at depth {@code d} draws its children
 * from {@code SeedSequence(entropy, spawn_key=(k, d), pool_size).generate_state(4)[0]}: the left child is the Brownian
 * bridge {@code left = (m-s) W / (e-s) + sqrt((m-s)(e-m)/(e-s)) Z}, the right child {@code W - left}. Each {@code Z} is
 * {@code torch.randn(size, dtype, generator=torch.Generator('cpu').manual_seed(seed))} ({@link TorchCpuGenerator}). A
 * query {@code (ta, tb)} is the sum, left to right, of the canonical nodes that tile it. Arithmetic is in the tensor's
 * dtype exactly as torch does it: Python-float scalars are rounded to the dtype before each element-wise multiply.
 *
 * <p>Values depend only on (t0, t1, size, dtype, entropy), never on query order or on the cache (which only saves
 * recomputation): a node's value is a pure function of its path from the root. Queries outside {@code [t0, t1]} are
 * clamped (torchsde warns and clamps); {@code ta > tb} is an error; {@code ta == tb}, or two times that round to the same
 * point, give zeros.
 *
 * <p>Thread-safe ({@link #increment} is synchronized).
 */
public final class TorchsdeBrownianTree {
    /** torchsde's {@code BrownianTree} tolerance. */
    public static final double DEFAULT_TOL = 1e-6;
    /** torchsde's {@code BrownianTree} entropy pool size. */
    public static final int DEFAULT_POOL_SIZE = 24;
    private static final int CACHE_SIZE = 45;
    private static final int MAX_DEPTH = 62;

    private final int numel;
    private final boolean f32;
    private final long entropy;
    private final int poolSize;
    private final int ndigits;
    private final Node root;
    private final double[] rootW;
    private final Map<Node, double[]> cache = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Node, double[]> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /** A node of the dyadic tree: {@code [start, end]}, split at {@code mid} once asked inside. */
    private static final class Node {
        final double start;
        final double end;
        final Node parent;
        final boolean isLeft;
        double mid = Double.NaN;
        long spawnKey;
        int depth;
        long wSeed;
        Node left;
        Node right;

        Node(double start, double end, Node parent, boolean isLeft) {
            this.start = start;
            this.end = end;
            this.parent = parent;
            this.isLeft = isLeft;
        }

        boolean isSplit() {
            return left != null;
        }
    }

    /**
     * {@code torchsde.BrownianTree(t0, w0, t1, entropy=entropy)} for a {@code w0} of {@code numel} elements and the
     * given dtype.
     *
     * @param t0 the start of the time interval
     * @param t1 the end of the time interval, above {@code t0}
     * @param numel the number of values per sample of {@code W}
     * @param dtype the precision of the values (float32 or float64, as the torch tensor)
     * @param entropy the seed, read as an unsigned 64-bit value
     */
    public TorchsdeBrownianTree(double t0, double t1, int numel, Latent.Precision dtype, long entropy) {
        this(t0, t1, numel, dtype, entropy, DEFAULT_TOL, DEFAULT_POOL_SIZE);
    }

    /**
     * {@code BrownianInterval(t0, t1, size, dtype, entropy=entropy, tol=tol, pool_size=poolSize, halfway_tree=True)}.
     *
     * @param t0 start time
     * @param t1 end time ({@code >= t0})
     * @param numel elements of each sample
     * @param dtype the tensor dtype (float32 or float64 arithmetic)
     * @param entropy the seed, read as an unsigned 64-bit value
     * @param tol the rounding tolerance ({@code > 0}): times are rounded to {@code -int(log10(tol))} decimals
     * @param poolSize numpy SeedSequence pool size
     */
    public TorchsdeBrownianTree(double t0, double t1, int numel, Latent.Precision dtype, long entropy, double tol, int poolSize) {
        if (!(t0 <= t1) || !Double.isFinite(t0) || !Double.isFinite(t1)) {
            throw new IllegalArgumentException("need finite t0 <= t1 for a Brownian tree, got t0=" + t0 + ", t1=" + t1);
        }
        if (!(tol > 0)) throw new IllegalArgumentException("tol must be > 0 for a Brownian tree (halfway_tree), got " + tol);
        if (numel < 1) throw new IllegalArgumentException("a Brownian tree needs at least one element, got " + numel);
        this.numel = numel;
        this.f32 = dtype == Latent.Precision.FLOAT32;
        this.entropy = entropy;
        this.poolSize = poolSize;
        this.ndigits = -(int) Math.log10(tol);
        this.root = new Node(round(t0), round(t1), null, false);
        int[] seeds = new NumpySeedSequence(entropy, new long[0], poolSize).generateState(3);
        double[] z = randn(Integer.toUnsignedLong(seeds[0]));
        double scale = r(Math.sqrt(t1 - t0));
        for (int i = 0; i < numel; i++) z[i] = r(z[i] * scale);
        this.rootW = z;
    }

    /** {@return the start of the tree, rounded as torchsde rounds it} */
    public double t0() {
        return root.start;
    }

    /** {@return the end of the tree, rounded as torchsde rounds it} */
    public double t1() {
        return root.end;
    }

    /**
     * {@code tree(ta, tb)}: the increment {@code W(tb) - W(ta)}, each value representable in the tree's dtype.
     *
     * @param ta the earlier time, in {@code [t0, t1]}
     * @param tb the later time, in {@code [t0, t1]}
     * @return {@code numel} values
     * @throws IllegalArgumentException if {@code ta > tb} (after clamping into {@code [t0, t1]})
     */
    public synchronized double[] increment(double ta, double tb) {
        ta = Math.min(Math.max(ta, root.start), root.end);
        tb = Math.min(Math.max(tb, root.start), root.end);
        if (ta > tb) throw new IllegalArgumentException("query times must respect ta <= tb, got ta=" + ta + ", tb=" + tb);
        if (ta == tb) return new double[numel];
        ta = round(ta);
        tb = round(tb);
        if (ta == tb) return new double[numel];
        List<Node> nodes = new ArrayList<>();
        locate(root, ta, tb, nodes);
        double[] w = value(nodes.get(0)).clone();
        for (int k = 1; k < nodes.size(); k++) {
            double[] wi = value(nodes.get(k));
            for (int i = 0; i < numel; i++) w[i] = r(w[i] + wi[i]);
        }
        return w;
    }

    /** {@code _loc_inner} from the root: the canonical nodes tiling {@code [ta, tb]}, left to right, splitting as needed. */
    private void locate(Node n, double ta, double tb, List<Node> out) {
        while (true) {
            if (ta == n.start && tb == n.end) {
                out.add(n);
                return;
            }
            if (!n.isSplit()) {
                // torchsde then asks a child, which hands a query outside itself back up: the same as asking n again
                split(n, ta == n.start ? tb : ta);
                continue;
            }
            if (tb <= n.mid) {
                n = n.left;
            } else if (ta >= n.mid) {
                n = n.right;
            } else {
                locate(n.left, ta, n.mid, out);
                ta = n.mid;
                n = n.right;
            }
        }
    }

    /** {@code _split} with {@code halfway_tree}: halve until {@code point} is a node edge. */
    private void split(Node n, double point) {
        while (true) {
            splitExact(n, 0.5 * (n.end + n.start));
            if (point > n.mid) n = n.right;
            else if (point < n.mid) n = n.left;
            else return;
        }
    }

    private void splitExact(Node n, double midway) {
        double mid = round(midway);
        if (n.parent == null) {
            n.spawnKey = 0;
            n.depth = 0;
        } else {
            n.depth = n.parent.depth + 1;
            if (n.depth > MAX_DEPTH || mid <= n.start || mid >= n.end) {
                throw new IllegalStateException("Brownian tree over [" + root.start + ", " + root.end + "] cannot split [" + n.start + ", " + n.end
                        + "] further (torchsde recurses without end here); query times further apart than the tolerance");
            }
            n.spawnKey = 2 * n.parent.spawnKey + (n.isLeft ? 0 : 1);
        }
        n.mid = mid;
        n.wSeed = Integer.toUnsignedLong(new NumpySeedSequence(entropy, new long[] {n.spawnKey, n.depth}, poolSize).generateState(4)[0]);
        n.left = new Node(n.start, mid, n, true);
        n.right = new Node(mid, n.end, n, false);
    }

    /** A node's increment: from the cache, or down from the nearest cached ancestor by Brownian bridges. */
    private double[] value(Node n) {
        List<Node> path = new ArrayList<>();
        double[] w = null;
        for (Node k = n; ; k = k.parent) {
            if (k == root) {
                w = rootW;
                break;
            }
            w = cache.get(k);
            if (w != null) break;
            path.add(k);
        }
        for (int j = path.size() - 1; j >= 0; j--) {
            Node child = path.get(j);
            Node p = child.parent;
            double[] left = bridge(p, w);
            double[] right = new double[numel];
            for (int i = 0; i < numel; i++) right[i] = r(w[i] - left[i]);
            cache.put(p.left, left);
            cache.put(p.right, right);
            w = child.isLeft ? left : right;
        }
        return w;
    }

    /** The left child's increment from the parent's (torchsde's order of operations, each rounded to the dtype). */
    private double[] bridge(Node p, double[] w) {
        double hReciprocal = 1 / (p.end - p.start);
        double leftDiff = p.mid - p.start;
        double rightDiff = p.end - p.mid;
        double var = leftDiff * rightDiff * hReciprocal;
        double a = r(leftDiff);
        double b = r(hReciprocal);
        double std = r(Math.sqrt(var));
        double[] z = randn(p.wSeed);
        double[] left = new double[numel];
        for (int i = 0; i < numel; i++) {
            double mean = r(r(a * w[i]) * b);
            left[i] = r(mean + r(std * z[i]));
        }
        return left;
    }

    /** {@code torch.randn(size, dtype, generator=torch.Generator('cpu').manual_seed(seed))}. */
    private double[] randn(long seed) {
        TorchCpuGenerator g = new TorchCpuGenerator(seed);
        if (!f32) return g.randnDouble(numel);
        float[] f = g.randnFloat(numel);
        double[] d = new double[numel];
        for (int i = 0; i < numel; i++) d[i] = f[i];
        return d;
    }

    /**
     * Rounds to the dtype: for float32 one rounding after an exact-or-double operation on float operands is the
     * correctly rounded float result (double has more than 2 * 24 + 2 bits).
     */
    private double r(double x) {
        return f32 ? (double) (float) x : x;
    }

    /** Python's {@code round(x, ndigits)}: correctly rounded, half-even on the exact binary value. */
    private double round(double x) {
        if (x == 0 || !Double.isFinite(x)) return x;
        return Double.parseDouble(new BigDecimal(x).setScale(ndigits, RoundingMode.HALF_EVEN).toString());
    }
}
