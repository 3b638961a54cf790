package org.sampler4j.host.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TorchScriptModelTest {
    @Test
    void loadsTheTinyUnetAndRunsABatch() {
        long t0 = System.nanoTime();
        try (TorchScriptModel m = TorchScriptModel.open(Fixtures.model("tiny-unet"))) {
            System.out.printf("open (engine start %.2f s) %.2f s%n", DjlRuntime.engineStartSeconds(), (System.nanoTime() - t0) / 1e9);
            assertArrayEquals(new int[] {3, 16, 16}, m.itemShape());
            int baseline = m.liveNativeArrays();
            float[] out = m.forward(new float[2 * 768], new float[] {500, 500}, Conditions.labels(new int[] {1, 10}));
            assertEquals(2 * 768, out.length);
            assertEquals(baseline, m.liveNativeArrays(), "per-call arrays must be freed with the call's sub-manager");
            long t1 = System.nanoTime();
            for (int i = 0; i < 200; i++) m.forward(new float[768], new float[] {500}, Conditions.labels(new int[] {1}));
            assertEquals(baseline, m.liveNativeArrays());
            System.out.printf("forward batch 1: %.3f ms%n", (System.nanoTime() - t1) / 1e6 / 200);
        }
    }
}
