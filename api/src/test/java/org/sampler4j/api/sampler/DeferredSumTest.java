package org.sampler4j.api.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.math.Parallel;
import org.sampler4j.api.model.Denoisers;
import org.sampler4j.api.model.ModelFunction;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.schedule.DiscreteNoiseModel;

/**
 * The deferred denoised estimate of {@link SamplerStorage#denoise}: evaluated in the same pass as the update that
 * reads it, with the bits of evaluating it first; evaluated on its own when read, when a term's storage is about to be
 * overwritten, before the next model call and when a step is reported.
 */
class DeferredSumTest {
    /** A ring whose next write is deferred, holding one latent to overwrite. */
    private static LatentRing deferringRing(Latent like) {
        return deferringRing(like, 1);
    }

    /** A ring of {@code n} latents, all allocated, whose next write is deferred (as {@link SamplerStorage#denoise} does). */
    private static LatentRing deferringRing(Latent like, int n) {
        LatentRing ring = LatentRing.of(n);
        for (int k = 0; k < n; k++) ring.scale(1, like);
        ring.deferNextWrite(true);
        return ring;
    }

    @Test
    void aDeferredTermIsEvaluatedInTheSamePassWithTheBitsOfEvaluatingItFirst() {
        Random r = new Random(11);
        for (int n : new int[] {1, 7, 1025, 4_099}) { // blocks of 1,024 with a tail (the parallel path: below)
            for (boolean f32 : new boolean[] {true, false}) {
                for (int terms = 1; terms <= 5; terms++) {
                    for (int at = 0; at < terms; at++) {
                        Latent x = f32 ? LatentRingTest.randomFloats(r, n) : LatentRingTest.randomDoubles(r, n);
                        Latent eps = f32 ? LatentRingTest.randomFloats(r, n) : LatentRingTest.randomDoubles(r, n);
                        double sigma = 1 + 10 * r.nextDouble();
                        Latent want = Latents.sum(1, x, -sigma, eps);
                        Latent[] t = new Latent[terms];
                        double[] c = new double[terms];
                        for (int k = 0; k < terms; k++) {
                            t[k] = k == at ? want : f32 ? LatentRingTest.randomFloats(r, n) : LatentRingTest.randomDoubles(r, n);
                            c[k] = r.nextGaussian();
                        }
                        Latent wantSum = Latents.sum(c, t);
                        for (boolean ring : new boolean[] {true, false}) {
                            for (int size = 1; size <= 2; size++) {
                                LatentRing ds = deferringRing(x, size);
                                Latent d = ds.sum(1, x, -sigma, eps);
                                assertTrue(((ArrayLatent) d).deferred(), "the write is deferred");
                                t[at] = d;
                                LatentRing xs = LatentRing.of(1);
                                xs.scale(1, eps);
                                Latent got = ring ? xs.sum(c, t) : Latents.sum(c, t);
                                // in a ring of one the estimate may stay deferred (used, not stored); else it is stored
                                if (size > 1) assertFalse(((ArrayLatent) d).deferred(), "evaluated by the sum that reads it");
                                assertArrayEquals(wantSum.toDoubleArray(), got.toDoubleArray(), 0.0);
                                assertArrayEquals(want.toDoubleArray(), d.toDoubleArray(), 0.0);
                                assertFalse(((ArrayLatent) d).deferred(), "evaluated when read");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void theSequentialAndParallelPathsAgree() {
        Random r = new Random(12);
        int n = 300_001;
        Latent x = LatentRingTest.randomFloats(r, n);
        Latent eps = LatentRingTest.randomFloats(r, n);
        double[][] got = new double[2][];
        for (int k = 0; k < 2; k++) {
            LatentRing ds = deferringRing(x);
            Latent d = ds.sum(1, x, -3.7, eps);
            Latent[] out = new Latent[1];
            if (k == 0) Parallel.sequential(() -> out[0] = Latents.sum(1.1, x, -0.1, d));
            else out[0] = Latents.sum(1.1, x, -0.1, d);
            got[k] = out[0].toDoubleArray();
        }
        assertArrayEquals(got[0], got[1], 0.0);
    }

    @Test
    void readingOrOverwritingATermEvaluatesIt() {
        Random r = new Random(13);
        Latent eps = LatentRingTest.randomFloats(r, 100);
        // read
        LatentRing ds = deferringRing(eps);
        Latent x = LatentRingTest.randomFloats(r, 100);
        Latent d = ds.sum(1, x, -2, eps);
        assertArrayEquals(Latents.sum(1, x, -2, eps).toDoubleArray(), d.toDoubleArray(), 0.0);
        assertFalse(((ArrayLatent) d).deferred());
        // a ring write into the storage of a deferred sum's term evaluates the sum first
        LatentRing xs = LatentRing.of(1);
        Latent x1 = xs.scale(3, eps);
        double[] want = Latents.sum(1, x1, -2, eps).toDoubleArray();
        LatentRing ds2 = deferringRing(eps);
        Latent d2 = ds2.sum(1, x1, -2, eps);
        Latent x2 = xs.scale(5, eps); // overwrites x1's storage
        assertSame(x1, x2);
        assertArrayEquals(want, d2.toDoubleArray(), 0.0);
        // a deferred latent overwritten before anyone read it takes the new value
        LatentRing ds3 = deferringRing(eps);
        Latent d3 = ds3.sum(1, x, -2, eps);
        Latent d4 = ds3.scale(2, x);
        assertSame(d3, d4);
        assertArrayEquals(Latents.scale(2, x).toDoubleArray(), d4.toDoubleArray(), 0.0);
    }

    @Test
    void aDeferredEstimateIsEvaluatedBeforeTheNextModelCallAndWhenReported() {
        Random r = new Random(14);
        float[] out = new float[64];
        ModelFunction reusesItsOutput = (in, t) -> { // a network that writes its output into one array every call
            for (int i = 0; i < out.length; i++) out[i] = (float) (0.3 * ((ArrayLatent) in).get(i) + Math.sin(t + i));
            return ArrayLatent.zeros(Latent.Precision.FLOAT32, 1, 64).withFloatValues(out);
        };
        Denoiser model = Denoisers.discrete(reusesItsOutput, DiscreteNoiseModel.sd15(), Prediction.EPSILON);
        Latent x0 = LatentRingTest.randomFloats(r, 64);
        double[] sigmas = {14.6, 7.0, 3.0, 1.0, 0.3};
        List<double[]> want = new ArrayList<>(); // without storage: every estimate evaluated at once
        for (int i = 0; i < sigmas.length - 1; i++) want.add(model.denoise(x0, sigmas[i]).toDoubleArray());
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing ds = storage.ring(2);
        Latent prev = null;
        for (int i = 0; i < sigmas.length - 1; i++) {
            Latent d = storage.denoise(x0, sigmas[i], ds); // from the third call on deferred; nothing reads it before the next call
            if (prev != null) assertArrayEquals(want.get(i - 1), prev.toDoubleArray(), 0.0, "evaluated before the network reused its output");
            prev = d;
        }
        assertTrue(((ArrayLatent) prev).deferred());
        Latent[] kept = new Latent[1];
        SamplingContext ctx = new SamplingContext((s, sn, like) -> like, step -> kept[0] = step.denoised());
        ctx.step(sigmas.length - 2, sigmas, x0, prev); // a listener that keeps the latent (against the contract) ...
        model.denoise(x0, 0.1); // ... while the network writes its output array again
        assertArrayEquals(want.get(sigmas.length - 2), kept[0].toDoubleArray(), 0.0, "evaluated when reported");
    }

    @Test
    void anEstimateInARingOfOneIsUsedUnstoredAndDroppedAtTheNextModelCall() {
        Random r = new Random(15);
        int n = 1_000;
        float[] out = new float[n];
        ModelFunction reusesItsOutput = (in, t) -> { // a network that writes its output into one array every call
            for (int i = 0; i < out.length; i++) out[i] = (float) (0.3 * ((ArrayLatent) in).get(i) + Math.sin(t + i));
            return ArrayLatent.zeros(Latent.Precision.FLOAT32, 1, n).withFloatValues(out);
        };
        Denoiser model = Denoisers.discrete(reusesItsOutput, DiscreteNoiseModel.sd15(), Prediction.EPSILON);
        Latent x0 = LatentRingTest.randomFloats(r, n);
        double[] sigmas = {14.6, 7.0, 3.0, 1.0, 0.3, 0};
        for (int terms = 2; terms <= 4; terms++) { // euler's update, diffusers' order (x twice), and one with a fourth term
            Latent want = x0; // without storage: every estimate evaluated at once, every sum allocated
            for (int i = 0; i < sigmas.length - 1; i++) want = Latents.sum(update(sigmas, i, terms), updateTerms(want, model.denoise(want, sigmas[i]), terms));
            SamplerStorage storage = new SamplerStorage(model);
            LatentRing xs = storage.ring(2);
            LatentRing ds = storage.ring(1);
            Latent x = x0;
            for (int i = 0; i < sigmas.length - 1; i++) {
                Latent d = storage.denoise(x, sigmas[i], ds);
                x = xs.sum(update(sigmas, i, terms), updateTerms(x, d, terms));
                if (i == 2) { // read again after the update (recomputed from its terms, which are still valid)
                    Latent again = Latents.sum(1, x, 1, d);
                    assertArrayEquals(Latents.sum(1, x, 1, ArrayLatent.ofFloats(((ArrayLatent) d).toFloatArray(), 1, n)).toDoubleArray(), again.toDoubleArray(), 0.0);
                }
            }
            assertArrayEquals(want.toDoubleArray(), x.toDoubleArray(), 0.0, terms + " terms");
        }
    }

    private static double[] update(double[] sigmas, int i, int terms) {
        double dt = sigmas[i + 1] - sigmas[i];
        double s = sigmas[i];
        if (terms == 2) return new double[] {1 + dt / s, -dt / s};
        if (terms == 3) return new double[] {1, dt / s, -dt / s};
        return new double[] {1, dt / s, -dt / s, 0.25};
    }

    private static Latent[] updateTerms(Latent x, Latent d, int terms) {
        if (terms == 2) return new Latent[] {x, d};
        if (terms == 3) return new Latent[] {x, x, d};
        return new Latent[] {x, x, d, x};
    }
}
