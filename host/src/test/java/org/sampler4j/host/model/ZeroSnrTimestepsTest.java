package org.sampler4j.host.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.NoiseModel;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.sampler.StepListener;
import org.sampler4j.host.run.Generator;
import org.sampler4j.host.run.RunSettings;

/**
 * A schedule modifier that changes the noise model (zero-SNR) also changes the timesteps the network is called at:
 * the network sees the rescaled table's timesteps, as a diffusers scheduler with {@code rescale_betas_zero_snr} feeds it.
 */
class ZeroSnrTimestepsTest {
    /** A v model on 1x1x1 items that records the timesteps and input scaling it is called with and predicts 0. */
    static final class Recorder implements DiffusionModel {
        final List<Float> timesteps = new ArrayList<>();

        @Override
        public float[] forward(float[] input, float[] t, Conditions cond) {
            timesteps.add(t[0]);
            return new float[input.length];
        }

        @Override public PixelBatch toPixels(float[] s, int b) { return new PixelBatch(s.clone(), b, 1, 1, 1, -1, 1); }
        @Override public String name() { return "recorder"; }
        @Override public String reference() { return "recorder"; }
        @Override public NoiseModel noiseModel() { return DiscreteNoiseModel.sd15(); }
        @Override public Prediction prediction() { return Prediction.V_PREDICTION; }
        @Override public Parameterization parameterization() { return Parameterization.of(noiseModel(), prediction()); }
        @Override public int[] itemShape() { return new int[] {1, 1, 1}; }
        @Override public ConditioningSpec conditioning() { return ConditioningSpec.NONE; }
        @Override public Optional<String> defaultSchedule() { return Optional.empty(); }
        @Override public void close() { }
    }

    private static List<Float> timesteps(String schedule) {
        Recorder m = new Recorder();
        Generator.run(m, new RunSettings(RunSettings.VERSION, "recorder", "euler", Map.of(), schedule, 0, 1, "torch-cpu", 1, 0, null, null, null, null, null, null),
                StepListener.NONE);
        return m.timesteps;
    }

    @Test
    void zeroSnrSchedulesCallTheNetworkAtTheRescaledTablesTimesteps() {
        Schedule s = Schedule.parse("trailing(5).zeroSnr()").resolve(DiscreteNoiseModel.sd15());
        List<Float> t = timesteps("trailing(5).zeroSnr()");
        assertEquals(5, t.size());
        for (int i = 0; i < 5; i++) assertEquals(s.timestep(i), t.get(i), 1e-3, "step " + i + ": the spaced timestep, not sd15's timestep of the zero-SNR sigma");
        assertEquals(999, t.get(0), 1e-3);
        // Without zeroSnr() the same sigmas would map elsewhere: the base table's timestep of sigma 7.41 (zero-SNR t=799) is not 799.
        assertEquals(799, t.get(1), 1e-3);
        double baseT = DiscreteNoiseModel.sd15().sigmaToT(s.sigma(1));
        assertEquals(true, Math.abs(baseT - 799) > 10, "the base table maps that sigma to t=" + baseT);
    }

    @Test
    void schedulesThatKeepTheNoiseModelUseTheModelsOwnParameterization() {
        Schedule s = Schedule.parse("trailing(4)").resolve(DiscreteNoiseModel.sd15());
        List<Float> t = timesteps("trailing(4)");
        for (int i = 0; i < 4; i++) assertEquals(s.timestep(i), t.get(i), 1e-3);
    }
}
