package org.sampler4j.api.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.math.Parallel;

/**
 * {@link LatentRing}: writes into reused storage give {@link Latents#sum}'s bits (sequential and parallel paths), the
 * last {@code n - 1} results stay valid, and a ring never writes a caller's latent or a term of the write.
 */
class LatentRingTest {
    static ArrayLatent randomFloats(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * (1 + 20 * r.nextDouble()));
        return ArrayLatent.ofFloats(a, 1, n);
    }

    static ArrayLatent randomDoubles(Random r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextGaussian() * 7;
        return ArrayLatent.ofDoubles(a, 1, n);
    }

    private static void assertSameBits(Latent want, Latent got) {
        assertArrayEquals(((ArrayLatent) want).toDoubleArray(), ((ArrayLatent) got).toDoubleArray(), 0.0);
    }

    @Test
    void reusedStorageHoldsTheBitsOfLatentsSum() {
        Random r = new Random(5);
        for (int n : new int[] {1, 7, 1000, 65_539, 300_001}) { // 300,001: above the parallel threshold
            for (boolean f32 : new boolean[] {true, false}) {
                for (int terms = 1; terms <= 6; terms++) {
                    LatentRing ring = LatentRing.of(2);
                    Latent x = f32 ? randomFloats(r, n) : randomDoubles(r, n);
                    for (int step = 0; step < 4; step++) { // steps 2 and 3 write into storage of steps 0 and 1
                        Latent[] t = new Latent[terms];
                        double[] c = new double[terms];
                        t[0] = x;
                        c[0] = r.nextGaussian();
                        for (int k = 1; k < terms; k++) {
                            t[k] = f32 ? randomFloats(r, n) : randomDoubles(r, n);
                            c[k] = r.nextGaussian();
                        }
                        Latent want = Latents.sum(c, t);
                        Latent got = ring.sum(c, t);
                        assertSameBits(want, got);
                        AtomicReference<Latent> seq = new AtomicReference<>();
                        LatentRing seqRing = LatentRing.of(1);
                        Latent old = seqRing.sum(new double[] {1}, new Latent[] {t[terms - 1]}); // storage to reuse
                        Parallel.sequential(() -> seq.set(seqRing.sum(c, t)));
                        assertSame(old, seq.get(), "the sequential write reuses storage");
                        assertSameBits(want, seq.get());
                        x = got;
                    }
                }
            }
        }
    }

    @Test
    void theLastNMinusOneResultsStayValidAndStorageIsReused() {
        Random r = new Random(1);
        Latent caller = randomFloats(r, 100);
        double[] callerBefore = caller.toDoubleArray();
        Latent d = randomFloats(r, 100);
        LatentRing ring = LatentRing.of(2);
        Latent x1 = ring.sum(0.5, caller, 0.5, d);
        Latent x2 = ring.sum(0.5, x1, 0.5, d);
        double[] x2Before = x2.toDoubleArray();
        Latent x3 = ring.sum(0.5, x2, 0.5, d);
        assertSame(x1, x3, "the third write reuses the first result's storage");
        assertArrayEquals(x2Before, x2.toDoubleArray(), 0.0, "the previous result stays valid");
        Latent x4 = ring.sum(0.5, x3, 0.5, d);
        assertSame(x2, x4);
        assertArrayEquals(callerBefore, caller.toDoubleArray(), 0.0, "a caller's latent is never written");
    }

    @Test
    void aWriteWhoseOldestLatentIsATermAllocatesInstead() {
        Random r = new Random(2);
        Latent d = randomFloats(r, 50);
        LatentRing ring = LatentRing.of(1);
        Latent x1 = ring.scale(2, d);
        double[] x1Before = x1.toDoubleArray();
        Latent x2 = ring.sum(1, d, 1, x1); // the only latent is a term: a new one, x1 untouched
        assertNotSame(x1, x2);
        assertArrayEquals(x1Before, x1.toDoubleArray(), 0.0);
        assertSameBits(Latents.sum(1, d, 1, x1), x2);
        Latent x3 = ring.scale(3, d); // x2 took x1's place; x1 is no longer the ring's
        assertSame(x2, x3);
        assertArrayEquals(x1Before, x1.toDoubleArray(), 0.0);
    }

    @Test
    void aDenoiserThatReturnsItsInputTakesThatLatentOutOfTheRings() {
        Random r = new Random(3);
        Latent d = randomFloats(r, 40);
        Denoiser identity = (x, sigma) -> x;
        SamplerStorage storage = new SamplerStorage(identity);
        LatentRing xs = storage.ring(2);
        LatentRing ds = storage.ring(1);
        Latent x1 = xs.scale(1, d);
        Latent x2 = xs.scale(2, d);
        Latent denoised = storage.denoise(x1, 1.0, ds); // x1 itself: it must never be overwritten now
        double[] kept = denoised.toDoubleArray();
        Latent x3 = xs.sum(1, x2, 1, d);
        assertNotSame(x1, x3);
        assertFalse(x3.sharesStorage(x1));
        assertArrayEquals(kept, denoised.toDoubleArray(), 0.0);
    }

    @Test
    void noneAlwaysAllocatesAndRingsNeedALatent() {
        Latent d = ArrayLatent.ofFloats(new float[] {1, 2, 3}, 3);
        Latent a = LatentRing.none().scale(2, d);
        Latent b = LatentRing.none().scale(2, d);
        assertNotSame(a, b);
        assertThrows(IllegalArgumentException.class, () -> LatentRing.of(0));
    }

    @Test
    void arrayLatentsShareStorageOnlyThroughTheSameArray() {
        ArrayLatent a = ArrayLatent.ofFloats(new float[3], 3);
        float[] v = {1, 2, 3};
        Latent b = a.withFloatValues(v); // keeps v as its storage
        Latent c = a.withFloatValues(v);
        assertTrue(b.sharesStorage(c));
        assertFalse(a.sharesStorage(b));
        assertTrue(a.sharesStorage(a));
    }
}
