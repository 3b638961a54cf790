package org.sampler4j.host.optimize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.optimize.Budget;
import org.sampler4j.host.model.AnalyticModel;

/** The four methods on small analytic models: determinism, endpoints, improvement, seeds, and a hand-checked optimum. */
class ScheduleOptimizerTest {
    static Target target(String model, String sampler, String template, int samples, long seed) {
        return Target.of(AnalyticModel.open(model), sampler, Map.of(), template, samples, seed, 1, 0, 100);
    }

    static ScheduleOptimizer.Request request(ScheduleOptimizer.Method m, int steps, int evals) {
        return new ScheduleOptimizer.Request(m, steps, evals, 600, 8, 24);
    }

    static void assertValid(double[] s, int steps) {
        assertEquals(steps + 1, s.length);
        assertEquals(80, s[0], 0, "the first sigma is the template's");
        assertEquals(0, s[steps], 0, "the final sigma is the template's");
        for (int k = 1; k < steps; k++) assertTrue(s[k] < s[k - 1] && s[k] >= 0.002, Arrays.toString(s));
    }

    @Test
    void directIsDeterministicKeepsTheEndpointsAndLowersTheError() {
        Target t = target("gmm:1x4x4", "euler", "linspace(4).karras()", 20, 3);
        ScheduleOptimizer.Result a = ScheduleOptimizer.run(t, request(ScheduleOptimizer.Method.DIRECT, 4, 60), Budget.Progress.NONE);
        ScheduleOptimizer.Result b = ScheduleOptimizer.run(target("gmm:1x4x4", "euler", "linspace(4).karras()", 20, 3), request(ScheduleOptimizer.Method.DIRECT, 4, 60),
                Budget.Progress.NONE);
        assertArrayEquals(a.sigmas(), b.sigmas(), 0, "same seed, same evaluation limit: same schedule");
        assertValid(a.sigmas(), 4);
        assertEquals(60, a.evaluations());
        assertTrue(a.errorAfter() < 0.7 * a.errorBefore(), a.errorBefore() + " -> " + a.errorAfter());
        assertEquals(a.errorAfter(), a.objectiveAfter(), 1e-12);
        assertArrayEquals(t.templateAt(4).sigmas(), a.start(), 0);
        assertFalse(Arrays.equals(t.unitNoise().toDoubleArray(), target("gmm:1x4x4", "euler", "linspace(4).karras()", 20, 4).unitNoise().toDoubleArray()),
                "another seed fits other noise");
    }

    @Test
    void frechetIsTheDirectSearchOnTheGivenMetricAndNeedsOne() {
        // with the direct objective as its metric, the metric method is the direct method, evaluation for evaluation
        Target t = target("gmm:1x4x4", "dpmpp_2m", "linspace(5).karras()", 12, 1);
        double[] ref = t.reference().toDoubleArray();
        ScheduleOptimizer.Result direct = ScheduleOptimizer.run(t, request(ScheduleOptimizer.Method.DIRECT, 5, 50), Budget.Progress.NONE);
        ScheduleOptimizer.Result metric = ScheduleOptimizer.run(t, request(ScheduleOptimizer.Method.FRECHET, 5, 50),
                x -> ScheduleOptimizer.rms(x.toDoubleArray(), ref), Budget.Progress.NONE);
        assertArrayEquals(direct.sigmas(), metric.sigmas(), 0);
        assertEquals(direct.objectiveAfter(), metric.objectiveAfter(), 0);
        assertEquals(direct.evaluations(), metric.evaluations());
        assertEquals(ScheduleOptimizer.Method.FRECHET, metric.method());
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.sampler4j.host.model.ModelException.class,
                () -> ScheduleOptimizer.run(t, request(ScheduleOptimizer.Method.FRECHET, 5, 50), Budget.Progress.NONE));
        assertTrue(e.getMessage().contains("--classifier"), e.getMessage());
    }

    @Test
    void aysAndGitsLowerTheirOwnObjectives() {
        Target t = target("gmm:1x4x4", "euler", "linspace(5).karras()", 10, 0);
        for (ScheduleOptimizer.Method m : new ScheduleOptimizer.Method[] {ScheduleOptimizer.Method.AYS, ScheduleOptimizer.Method.GITS}) {
            ScheduleOptimizer.Result r = ScheduleOptimizer.run(t, request(m, 5, 5000), Budget.Progress.NONE);
            assertValid(r.sigmas(), 5);
            assertTrue(r.objectiveAfter() <= r.objectiveBefore(), m + ": " + r.objectiveBefore() + " -> " + r.objectiveAfter());
            ScheduleOptimizer.Result again = ScheduleOptimizer.run(t, request(m, 5, 5000), Budget.Progress.NONE);
            assertArrayEquals(r.sigmas(), again.sigmas(), 0, m + " is deterministic");
        }
    }

    @Test
    void theEndpointsAreTheTemplatesForEveryMethod() {
        // first sigma 20 (not the model's 80) and a final sigma of sigma_min (not 0): both kept, the interior fitted
        Target t = target("gmm:1x4x4", "euler", "linspace(4).karras(sigma_max=20).finalSigma(sigma_min)", 10, 0);
        double[] template = t.templateAt(4).sigmas();
        assertEquals(20, template[0], 1e-12);
        assertEquals(0.002, template[4], 1e-15);
        double[] ref = t.reference().toDoubleArray();
        ScheduleOptimizer.Metric toReference = x -> ScheduleOptimizer.rms(x.toDoubleArray(), ref);
        for (ScheduleOptimizer.Method m : ScheduleOptimizer.Method.values()) {
            double[] s = ScheduleOptimizer.run(t, request(m, 4, 40), toReference, Budget.Progress.NONE).sigmas();
            assertEquals(5, s.length, m.id());
            assertEquals(template[0], s[0], 0, m.id());
            assertEquals(template[4], s[4], 0, m.id());
            for (int k = 1; k < 4; k++) assertTrue(s[k] < s[k - 1] && s[k] > 0.002, m.id() + " " + Arrays.toString(s));
        }
    }

    @Test
    void optimizerSeedsAreAStreamOfTheirOwn() {
        assertEquals(1L << 62, Target.seed(0, 0));
        assertEquals((1L << 62) + 5 * (1L << 24) + 7, Target.seed(5, 7));
        long[] s = target("gmm:1x2x2", "euler", "linspace(3)", 3, 1).seeds();
        for (long v : s) assertTrue(v >= 1L << 62, "eval and run use seed + i with small seeds");
    }

    /**
     * The hand-checked case end to end: gmm:1x1x1 is one-dimensional and each class is N(mu_k, 0.15^2), so Euler
     * (k-diffusion's, float32, through the model pipeline) multiplies x - mu by 1 + (sigma_{i+1} - sigma_i) sigma_i /
     * (s^2 + sigma_i^2) per step, the exact ODE by sqrt(s^2 / (s^2 + 80^2)) in all. With 2 steps the only free sigma's
     * error |prod - exact| is the same factor for every sample; brute force over a fine log grid finds its optimum.
     */
    @Test
    void theOptimalTwoStepEulerScheduleOfAOneDimensionalGaussianMatchesBruteForce() {
        double s = AnalyticModel.COMPONENT_STD;
        double hi = 80;
        double exact = Math.sqrt(s * s / (s * s + hi * hi));
        double best = Double.POSITIVE_INFINITY;
        double arg = 0;
        for (int k = 1; k < 100_000; k++) {
            double s1 = Math.exp(Math.log(hi) + (Math.log(0.002) - Math.log(hi)) * k / 100_000);
            double f = (1 + (s1 - hi) * hi / (s * s + hi * hi)) * (s * s / (s * s + s1 * s1));
            if (Math.abs(f - exact) < best) {
                best = Math.abs(f - exact);
                arg = s1;
            }
        }
        Target t = Target.of(AnalyticModel.open("gmm:1x1x1"), "euler", Map.of(), "linspace(2).karras()", 30, 0, 1, 0, 4000);
        ScheduleOptimizer.Result r = ScheduleOptimizer.run(t, request(ScheduleOptimizer.Method.DIRECT, 2, 300), Budget.Progress.NONE);
        assertEquals(Math.log(arg), Math.log(r.sigmas()[1]), 0.01, "brute force " + arg + ", optimizer " + r.sigmas()[1]);
        // every sample's error is |prod - exact| times its |x_T - mu|: the error ratio is the closed form's
        double s1 = r.start()[1];
        double before = Math.abs((1 + (s1 - hi) * hi / (s * s + hi * hi)) * (s * s / (s * s + s1 * s1)) - exact);
        assertEquals(best / before, r.errorAfter() / r.errorBefore(), 0.02 * best / before, r.errorBefore() + " -> " + r.errorAfter());
    }
}
