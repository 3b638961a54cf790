package org.sampler4j.host.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.guidance.Guidance;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.GuidedDenoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.NoiseModel;

/** Classifier-free guidance in the adapter: batching, the skipped pass, prediction-space guidance and rescale. */
class ModelDenoiserTest {
    /** An eps model on 1x1x2 items whose output depends on the label: eps = (label + 1) * input + label. */
    static final class FakeModel implements DiffusionModel {
        final List<int[]> calls = new ArrayList<>();
        final ConditioningSpec spec;

        FakeModel(ConditioningSpec spec) {
            this.spec = spec;
        }

        @Override
        public float[] forward(float[] input, float[] t, Conditions cond) {
            calls.add(cond.classLabels() == null ? new int[t.length] : cond.classLabels());
            float[] out = new float[input.length];
            for (int i = 0; i < input.length; i++) {
                int l = cond.classLabels() == null ? 0 : cond.classLabels()[i / 2];
                out[i] = (l + 1) * input[i] + l;
            }
            return out;
        }

        @Override public PixelBatch toPixels(float[] s, int b) { throw new UnsupportedOperationException(); }
        @Override public String name() { return "fake"; }
        @Override public String reference() { return "fake"; }
        @Override public NoiseModel noiseModel() { return DiscreteNoiseModel.sd15(); }
        @Override public Prediction prediction() { return Prediction.EPSILON; }
        @Override public Parameterization parameterization() { return Parameterization.of(noiseModel(), prediction()); }
        @Override public int[] itemShape() { return new int[] {1, 1, 2}; }
        @Override public ConditioningSpec conditioning() { return spec; }
        @Override public Optional<String> defaultSchedule() { return Optional.empty(); }
        @Override public void close() { }
    }

    static final ConditioningSpec CLASSES = new ConditioningSpec("class_label", 3, 3, null, null);
    static final Latent X = ArrayLatent.ofFloats(new float[] {0.5f, -1f, 2f, 0.25f}, 2, 1, 1, 2);

    @Test
    void condAndUncondGoThroughOneBatchedForward() {
        FakeModel m = new FakeModel(CLASSES);
        ModelDenoiser d = new ModelDenoiser(m, Conditions.labels(new int[] {1, 2}), m.unconditional(2), 4, 0, false);
        d.denoise(X, 2.0);
        assertEquals(1, m.calls.size());
        assertArrayEquals(new int[] {1, 2, 3, 3}, m.calls.get(0), "[cond; uncond] in one batch of 2B");
        assertEquals(1, d.evaluations());
    }

    @Test
    void scaleOneSkipsTheUnconditionalPassUnlessTheSamplerNeedsIt() {
        FakeModel m = new FakeModel(CLASSES);
        ModelDenoiser d = new ModelDenoiser(m, Conditions.labels(new int[] {1, 2}), m.unconditional(2), 1, 0, false);
        d.denoise(X, 2.0);
        assertArrayEquals(new int[] {1, 2}, m.calls.get(0));
        assertFalse(d.runsUnconditional());
        FakeModel m2 = new FakeModel(CLASSES);
        ModelDenoiser cfgpp = new ModelDenoiser(m2, Conditions.labels(new int[] {1, 2}), m2.unconditional(2), 1, 0, true);
        GuidedDenoiser.Estimates e = cfgpp.denoiseBoth(X, 2.0);
        assertArrayEquals(new int[] {1, 2, 3, 3}, m2.calls.get(0));
        assertTrue(cfgpp.runsUnconditional());
        assertFalse(java.util.Arrays.equals(e.guided().toDoubleArray(), e.unconditional().toDoubleArray()));
        FakeModel none = new FakeModel(ConditioningSpec.NONE);
        new ModelDenoiser(none, none.unconditional(2), none.unconditional(2), 5, 0, false).denoise(X, 2.0);
        assertEquals(2, none.calls.get(0).length, "an unconditional model never runs a second pass");
    }

    @Test
    void guidanceAndRescaleAreAppliedToThePredictionThenConverted() {
        FakeModel m = new FakeModel(CLASSES);
        double sigma = 2.0;
        double scale = 3.5;
        double phi = 0.7;
        GuidedDenoiser.Estimates e = new ModelDenoiser(m, Conditions.labels(new int[] {1, 2}), m.unconditional(2), scale, phi, false).denoiseBoth(X, sigma);
        float cIn = (float) (1 / Math.sqrt(sigma * sigma + 1));
        float[] x = ArrayLatent.of(X).toFloatArray();
        float[] c = new float[4];
        float[] u = new float[4];
        for (int i = 0; i < 4; i++) {
            int l = i < 2 ? 1 : 2;
            c[i] = (l + 1) * (x[i] * cIn) + l;
            u[i] = 4 * (x[i] * cIn) + 3;
        }
        Latent cl = ArrayLatent.ofFloats(c, 2, 1, 1, 2);
        Latent ul = ArrayLatent.ofFloats(u, 2, 1, 1, 2);
        Latent eps = Guidance.rescale(Guidance.cfg(ul, cl, scale), cl, phi);
        assertArrayEquals(Latents.sum(1, X, -sigma, eps).toDoubleArray(), e.guided().toDoubleArray(), 0);
        assertArrayEquals(Latents.sum(1, X, -sigma, ul).toDoubleArray(), e.unconditional().toDoubleArray(), 0);
        assertTrue(e.guided() instanceof ArrayLatent && e.guided().precision() == Latent.Precision.FLOAT32, "samplers get fused float32 latents");
    }
}
