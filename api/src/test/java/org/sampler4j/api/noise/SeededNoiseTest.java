package org.sampler4j.api.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.NoiseSource;

class SeededNoiseTest {
    @Test
    void aBatchOfFourEqualsFourRunsOfOne() {
        long[] seeds = {7, 8, 9, 10};
        Latent batch = SeededNoise.initial(SeededNoise.Rng.TORCH_CPU, seeds, Latent.Precision.FLOAT32, 4, 8, 8);
        assertArrayEquals(new int[] {4, 4, 8, 8}, batch.shape());
        double[] all = batch.toDoubleArray();
        for (int b = 0; b < 4; b++) {
            Latent one = SeededNoise.initial(SeededNoise.Rng.TORCH_CPU, new long[] {seeds[b]}, Latent.Precision.FLOAT32, 4, 8, 8);
            assertArrayEquals(one.toDoubleArray(), Arrays.copyOfRange(all, b * 256, (b + 1) * 256), "item " + b);
        }
        NoiseSource batchSteps = SeededNoise.steps(SeededNoise.Rng.TORCH_CPU, seeds);
        Latent like = ArrayLatent.zeros(Latent.Precision.FLOAT32, 4, 4, 8, 8);
        double[] first = batchSteps.noise(1, 0.5, like).toDoubleArray();
        double[] second = batchSteps.noise(0.5, 0, like).toDoubleArray();
        for (int b = 0; b < 4; b++) {
            NoiseSource single = SeededNoise.steps(SeededNoise.Rng.TORCH_CPU, new long[] {seeds[b]});
            Latent l1 = ArrayLatent.zeros(Latent.Precision.FLOAT32, 1, 4, 8, 8);
            assertArrayEquals(single.noise(1, 0.5, l1).toDoubleArray(), Arrays.copyOfRange(first, b * 256, (b + 1) * 256));
            assertArrayEquals(single.noise(0.5, 0, l1).toDoubleArray(), Arrays.copyOfRange(second, b * 256, (b + 1) * 256));
        }
    }

    @Test
    void initialNoiseIsTorchRandn() {
        // torch.randn(3, generator=torch.Generator('cpu').manual_seed(0))
        Latent n = SeededNoise.initial(SeededNoise.Rng.TORCH_CPU, new long[] {0}, Latent.Precision.FLOAT32, 3);
        assertArrayEquals(new double[] {1.5409960746765137, -0.293428897857666, -2.1787893772125244}, n.toDoubleArray());
    }

    @Test
    void stepStreamIsSeparateFromTheInitialStream() {
        Latent init = SeededNoise.initial(SeededNoise.Rng.TORCH_CPU, new long[] {5}, Latent.Precision.FLOAT32, 16);
        Latent step = SeededNoise.steps(SeededNoise.Rng.TORCH_CPU, new long[] {5}).noise(1, 0, ArrayLatent.zeros(Latent.Precision.FLOAT32, 1, 16));
        assertFalse(Arrays.equals(init.toDoubleArray(), step.toDoubleArray()));
        assertArrayEquals(SeededNoise.initial(SeededNoise.Rng.TORCH_CPU, new long[] {6}, Latent.Precision.FLOAT32, 1, 16).toDoubleArray(), step.toDoubleArray());
        assertEquals(SeededNoise.Rng.TORCH_CUDA, SeededNoise.Rng.parse("torch-cuda"));
    }

    @Test
    void largeBatchesDrawnInParallelEqualSeparateRuns() {
        long[] seeds = {11, 12, 13};
        int[] item = {4, 128, 160}; // 81,920 per item, 245,760 in all: items drawn in parallel on several cores
        for (SeededNoise.Rng rng : SeededNoise.Rng.values()) {
            Latent batch = SeededNoise.initial(rng, seeds, Latent.Precision.FLOAT32, item);
            double[] all = batch.toDoubleArray();
            int per = 4 * 128 * 160;
            for (int b = 0; b < seeds.length; b++) {
                long seed = seeds[b];
                double[][] one = new double[1][];
                org.sampler4j.api.math.Parallel.sequential(() -> one[0] = SeededNoise.initial(rng, new long[] {seed}, Latent.Precision.FLOAT32, item).toDoubleArray());
                assertArrayEquals(one[0], Arrays.copyOfRange(all, b * per, (b + 1) * per), rng + " item " + b);
            }
        }
    }

    @Test
    void aLargeSingleDrawIsTheSameOnOneThread() {
        // 1x16x128x128: the blocks of normal_fill (cpu) or the GPU threads (cuda) are split across cores
        for (SeededNoise.Rng rng : SeededNoise.Rng.values()) {
            double[] par = SeededNoise.initial(rng, new long[] {99}, Latent.Precision.FLOAT32, 16, 128, 128).toDoubleArray();
            double[][] seq = new double[1][];
            org.sampler4j.api.math.Parallel.sequential(() -> seq[0] = SeededNoise.initial(rng, new long[] {99}, Latent.Precision.FLOAT32, 16, 128, 128).toDoubleArray());
            assertArrayEquals(seq[0], par, rng.id());
        }
        float[] direct = new TorchCpuGenerator(99).randnFloat(16 * 128 * 128);
        double[] viaNoise = SeededNoise.initial(SeededNoise.Rng.TORCH_CPU, new long[] {99}, Latent.Precision.FLOAT32, 16, 128, 128).toDoubleArray();
        for (int i = 0; i < direct.length; i += 997) assertEquals(direct[i], (float) viaNoise[i], 0f);
    }
}
