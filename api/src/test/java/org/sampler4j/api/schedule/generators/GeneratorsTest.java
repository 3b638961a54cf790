package org.sampler4j.api.schedule.generators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.ScheduleException;

class GeneratorsTest {
    private static final ComfyModelSampling TABLE = ComfyModelSampling.sd15();

    @Test
    void kdiffusionShapes() {
        assertArrayEquals(new double[] {14.6146, 0}, KDiffusionSigmas.karras(1, 0.0292, 14.6146, 7, Dtype.FLOAT64), 1e-12);
        double[] k = KDiffusionSigmas.karras(10, 0.0292, 14.6146, 7, Dtype.FLOAT64);
        assertEquals(11, k.length);
        assertEquals(0.0292, k[9], 1e-15);
        assertEquals(0.0, k[10]);
        double[] e32 = KDiffusionSigmas.exponential(5, 0.002, 80, Dtype.FLOAT32);
        for (double v : e32) assertEquals((float) v, v, 0.0, "float32 values");
        assertEquals(8, KDiffusionSigmas.laplace(8, 0.03, 14.6, 0, 0.5, Dtype.FLOAT64).length);
        // polyexponential with rho = 1 is exponential
        assertArrayEquals(KDiffusionSigmas.exponential(7, 0.03, 14.6, Dtype.FLOAT64), KDiffusionSigmas.polyexponential(7, 0.03, 14.6, 1, Dtype.FLOAT64), 1e-13);
    }

    @Test
    void comfyTable() {
        assertEquals(1000, TABLE.size());
        assertEquals(0.029167158529162407, TABLE.sigmaMin(), 0);
        assertEquals(14.614641189575195, TABLE.sigmaMax(), 0);
        assertEquals(999, TABLE.timestep(TABLE.sigmaMax()));
        assertEquals(0, TABLE.timestep(TABLE.sigmaMin()));
        assertEquals(ComfyModelSampling.PERCENT_ZERO_SIGMA, TABLE.percentToSigma(0));
        assertEquals(0.0, TABLE.percentToSigma(1));
        assertEquals(TABLE, ComfyModelSampling.of(DiscreteNoiseModel.sd15()));
        // a zero-SNR model falls back to its own float32 table
        DiscreteNoiseModel z = DiscreteNoiseModel.sd15().withZeroSnr();
        assertArrayEquals(z.trainingSigmas(), ComfyModelSampling.of(z).sigmas());
    }

    @Test
    void schedulerDetails() {
        double[] kl = ComfySchedulers.klOptimal(1, TABLE.sigmaMin(), TABLE.sigmaMax());
        assertTrue(Double.isNaN(kl[0]));
        assertEquals(0.0, kl[1]);
        double[] lq = ComfySchedulers.linearQuadratic(TABLE.sigmaMax(), 1, 0.025, null);
        assertArrayEquals(new double[] {(float) TABLE.sigmaMax(), 0}, lq);
        for (String name : ComfySchedulers.NAMES) {
            double[] s = ComfySchedulers.calculateSigmas(TABLE, name, 10);
            assertEquals(0.0, s[s.length - 1], name);
            for (int i = 1; i < s.length; i++) assertTrue(s[i] < s[i - 1], name + " decreasing at " + i);
        }
        ScheduleException e = assertThrows(ScheduleException.class, () -> ComfySchedulers.calculateSigmas(TABLE, "karas", 10));
        assertTrue(e.getMessage().contains("did you mean 'karras'"), e.getMessage());
    }

    @Test
    void ksamplerHandling() {
        double[] full = ComfySchedulers.calculateSigmas(TABLE, "normal", 11);
        double[] dpm2 = ComfySchedulers.ksampler(TABLE, "normal", "dpm_2", 10, 1.0);
        assertEquals(11, dpm2.length);
        assertEquals(full[9], dpm2[9]); // the second-to-last sigma of the 11-step schedule is dropped
        assertEquals(0.0, dpm2[10]);
        assertEquals(0, ComfySchedulers.ksampler(TABLE, "normal", "euler", 10, 0.0).length);
        double[] half = ComfySchedulers.basicScheduler(TABLE, "karras", 10, 0.5);
        double[] twenty = ComfySchedulers.calculateSigmas(TABLE, "karras", 20);
        assertArrayEquals(java.util.Arrays.copyOfRange(twenty, 10, 21), half);
        double[] turbo = ComfySchedulers.sdTurbo(TABLE, 3, 0.7);
        assertArrayEquals(new double[] {TABLE.sigma(699), TABLE.sigma(599), TABLE.sigma(499), 0}, turbo);
        assertThrows(ScheduleException.class, () -> ComfySchedulers.sdTurbo(TABLE, 11, 1));
    }

    @Test
    void logLinear() {
        double[] levels = {10, 1, 0.1};
        assertArrayEquals(levels, LogLinear.interp(levels, 3), 1e-14); // exp(log(x)) rounds
        assertArrayEquals(new double[] {10, Math.sqrt(10), 1, Math.sqrt(0.1), 0.1}, LogLinear.interp(levels, 5), 1e-14);
    }
}
