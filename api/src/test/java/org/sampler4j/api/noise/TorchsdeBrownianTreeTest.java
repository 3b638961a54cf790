package org.sampler4j.api.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.testutil.MiniJson;

/**
 * {@link TorchsdeBrownianTree}, {@link TorchsdeBrownianNoise} and {@link NumpySeedSequence} against the torchsde golden
 * file ({@code golden/torchsde/brownian.json}: torchsde @ eb3a00e, numpy 1.24.2, torch 1.13 CPU) element-wise: float32
 * within 2 ulp, float64 within 1e-12 relative; and the properties the tree promises (order and cache independence).
 */
class TorchsdeBrownianTreeTest {
    static final Map<String, Object> GOLDEN = GoldenRng.map(MiniJson.resource("/golden/torchsde/brownian.json.gz"));

    static Latent.Precision dtype(Object name) {
        return switch ((String) name) {
            case "float32" -> Latent.Precision.FLOAT32;
            case "float64" -> Latent.Precision.FLOAT64;
            default -> throw new IllegalArgumentException("dtype " + name);
        };
    }

    /** Element-wise: float32 within 2 ulp, float64 within 1e-12 relative. Returns the largest ulp / relative error. */
    static double assertClose(String what, double[] expected, double[] actual, Latent.Precision p) {
        assertEquals(expected.length, actual.length, what + " length");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            if (p == Latent.Precision.FLOAT32) {
                long ulps = GoldenRng.ulpsFloat((float) expected[i], (float) actual[i]);
                if (expected[i] == 0 && actual[i] == 0) ulps = 0;
                assertTrue(ulps <= 2, what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i] + " (" + ulps + " ulp)");
                worst = Math.max(worst, ulps);
            } else {
                double rel = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), Double.MIN_NORMAL);
                assertTrue(rel <= 1e-12, what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i] + " (relative " + rel + ")");
                worst = Math.max(worst, rel);
            }
        }
        return worst;
    }

    @TestFactory
    Stream<DynamicTest> goldenTrees() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Object o : GoldenRng.list(GOLDEN.get("brownian_tree"))) {
            Map<String, Object> c = GoldenRng.map(o);
            tests.add(DynamicTest.dynamicTest((String) c.get("id"), () -> {
                Latent.Precision p = dtype(c.get("dtype"));
                TorchsdeBrownianTree tree = new TorchsdeBrownianTree(((Number) c.get("t0")).doubleValue(), ((Number) c.get("t1")).doubleValue(),
                        GoldenRng.numel(c.get("shape")), p, GoldenRng.asLong(c.get("entropy")));
                int k = 0;
                for (Object qo : GoldenRng.list(c.get("queries"))) {
                    Map<String, Object> q = GoldenRng.map(qo);
                    double[] w = tree.increment(((Number) q.get("ta")).doubleValue(), ((Number) q.get("tb")).doubleValue());
                    assertClose("query " + k++, GoldenRng.doubles(q.get("w")), w, p);
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> goldenNoiseSamplers() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Object o : GoldenRng.list(GOLDEN.get("noise_sampler"))) {
            Map<String, Object> c = GoldenRng.map(o);
            tests.add(DynamicTest.dynamicTest((String) c.get("id"), () -> {
                Latent.Precision p = dtype(c.get("dtype"));
                int[] shape = GoldenRng.list(c.get("shape")).stream().mapToInt(d -> (int) GoldenRng.asLong(d)).toArray();
                double min = ((Number) c.get("sigma_min")).doubleValue();
                double max = ((Number) c.get("sigma_max")).doubleValue();
                Object seed = c.get("seed");
                TorchsdeBrownianNoise noise = seed instanceof List<?> l
                        ? TorchsdeBrownianNoise.perItem(l.stream().mapToLong(GoldenRng::asLong).toArray(), min, max)
                        : TorchsdeBrownianNoise.of(GoldenRng.asLong(seed), min, max);
                Latent like = ArrayLatent.zeros(p, shape);
                int k = 0;
                for (Object co : GoldenRng.list(c.get("calls"))) {
                    Map<String, Object> call = GoldenRng.map(co);
                    Latent n = noise.noise(((Number) call.get("sigma")).doubleValue(), ((Number) call.get("sigma_next")).doubleValue(), like);
                    assertClose("call " + k++, GoldenRng.doubles(call.get("noise")), n.toDoubleArray(), p);
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void valuesDoNotDependOnQueryOrderOrCache() {
        double t0 = 0.0292;
        double t1 = 14.6146;
        Random rnd = new Random(3);
        List<double[]> queries = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            double a = t0 + (t1 - t0) * rnd.nextDouble();
            double b = t0 + (t1 - t0) * rnd.nextDouble();
            queries.add(new double[] {Math.min(a, b), Math.max(a, b)});
        }
        TorchsdeBrownianTree forward = new TorchsdeBrownianTree(t0, t1, 20, Latent.Precision.FLOAT32, 77);
        List<double[]> expected = new ArrayList<>();
        for (double[] q : queries) expected.add(forward.increment(q[0], q[1]));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) order.add(i);
        Collections.shuffle(order, new Random(9));
        TorchsdeBrownianTree shuffled = new TorchsdeBrownianTree(t0, t1, 20, Latent.Precision.FLOAT32, 77);
        for (int i : order) assertArrayEquals(expected.get(i), shuffled.increment(queries.get(i)[0], queries.get(i)[1]), "query " + i);
        // asking again, long after the cache has moved on, gives the same values
        assertArrayEquals(expected.get(0), shuffled.increment(queries.get(0)[0], queries.get(0)[1]));
    }

    @Test
    void incrementsAddUpOverAdjacentIntervalsAndClampToTheRange() {
        TorchsdeBrownianTree tree = new TorchsdeBrownianTree(0.0, 1.0, 5, Latent.Precision.FLOAT64, 1);
        double[] whole = tree.increment(0.0, 1.0);
        double[] left = tree.increment(0.0, 0.5);
        double[] right = tree.increment(0.5, 1.0);
        for (int i = 0; i < 5; i++) assertEquals(whole[i], left[i] + right[i], 1e-12);
        assertArrayEquals(whole, tree.increment(-3, 7), "clamped into [t0, t1] as torchsde does");
        assertArrayEquals(new double[5], tree.increment(0.25, 0.25));
        assertArrayEquals(new double[5], tree.increment(0.3000001, 0.3000002), "times that round to one point");
        assertThrows(IllegalArgumentException.class, () -> tree.increment(0.6, 0.4));
    }

    @Test
    void noiseIsAntisymmetricAndPerItemTreesMatchSingleRuns() {
        Latent like = ArrayLatent.zeros(Latent.Precision.FLOAT32, 2, 3, 4);
        TorchsdeBrownianNoise batched = TorchsdeBrownianNoise.perItem(new long[] {11, 12}, 0.03, 14.6);
        double[] down = batched.noise(5.0, 2.0, like).toDoubleArray();
        double[] up = batched.noise(2.0, 5.0, like).toDoubleArray();
        for (int i = 0; i < down.length; i++) assertEquals(-down[i], up[i]);
        Latent one = ArrayLatent.zeros(Latent.Precision.FLOAT32, 1, 3, 4);
        double[] item1 = TorchsdeBrownianNoise.of(12, 0.03, 14.6).noise(5.0, 2.0, one).toDoubleArray();
        for (int i = 0; i < 12; i++) assertEquals(item1[i], down[12 + i]);
        assertThrows(IllegalArgumentException.class, () -> batched.noise(5.0, 2.0, ArrayLatent.zeros(Latent.Precision.FLOAT32, 3, 3, 4)));
        assertThrows(IllegalArgumentException.class, () -> batched.noise(2.0, 2.0, like));
    }

    @Test
    void forScheduleUsesThePositiveSigmaRange() {
        double[] sigmas = {14.614642, 3.2, 0.0291675, 0.0};
        Latent like = ArrayLatent.zeros(Latent.Precision.FLOAT32, 1, 4);
        double[] a = TorchsdeBrownianNoise.forSchedule(new long[] {5}, sigmas, Latent.Precision.FLOAT32).noise(14.614642, 3.2, like).toDoubleArray();
        double[] b = TorchsdeBrownianNoise.of(5, (float) 0.0291675, (float) 14.614642).noise(14.614642, 3.2, like).toDoubleArray();
        assertArrayEquals(b, a);
    }

    @Test
    void seedSequenceMatchesNumpy() {
        // numpy 2.4 (SeedSequence unchanged since 1.19): SeedSequence(entropy, spawn_key=key, pool_size=p).generate_state(n)
        assertState(new long[] {387750627L, 2536650517L, 4078839648L}, 42, new long[0], 24);
        assertState(new long[] {4025752534L, 2687548107L, 2326983537L}, 0, new long[0], 24);
        assertState(new long[] {1141977856L, 379400112L, 2541147225L}, 1099511627779L, new long[0], 24);
        assertState(new long[] {2102017995L, 2891809698L, 2144110403L, 379559146L}, 42, new long[] {0, 0}, 24);
        assertState(new long[] {3084123560L, 468215949L, 242942938L, 2650128260L}, 42, new long[] {5, 3}, 24);
        assertState(new long[] {1996618372L, 3167449252L, 3217588312L, 324313165L}, 123456789, new long[] {(1L << 40) + 7, 41}, 24);
        assertState(new long[] {2083679832L, 3939563265L, 4185785210L, 142198000L, 1732601695L, 1648004171L, 1614310572L, 3007594413L}, 7,
                new long[0], 4);
        assertState(new long[] {4289217688L, 2929156438L, 3368843902L, 2524053040L, 885124353L}, -1L, new long[] {1, 2, 3}, 4);
    }

    private static void assertState(long[] expected, long entropy, long[] spawnKey, int pool) {
        int[] got = new NumpySeedSequence(entropy, spawnKey, pool).generateState(expected.length);
        long[] unsigned = new long[got.length];
        for (int i = 0; i < got.length; i++) unsigned[i] = Integer.toUnsignedLong(got[i]);
        assertArrayEquals(expected, unsigned);
    }
}
