package org.sampler4j.api.diffusers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.sampler4j.api.noise.TorchGeneratorNoise;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.testutil.MiniJson;

/**
 * {@link DiffusersStepper} follows an edited sample as diffusers does: every case of
 * {@code golden/diffusers/edited_loops.json} (recorded from diffusers 58eb52c0 itself by
 * {@code tools/gen_diffusers_edited_loops.py}) replays the loop of diffusers' scheduler tests (their deterministic
 * dummy sample, recorded in the file, and dummy model {@code sample * t / (t + 1)}) with the sample blended towards a
 * fixed tensor after every step ({@code sample * 0.9 + 0.05 * dummy_noise}, an inpainting-style edit), a
 * {@code torch.Generator} seed where the class draws noise, for some cases from a begin index on the sample
 * {@code addNoise} took there (img2img), and compares the sample after the recorded steps and at the end element by
 * element. The cases cover every class whose step the api implements natively for edited samples: the DPM-Solver
 * family (multistep, inverse, singlestep, EDM), UniPC, DEIS, SA-Solver, LCM, TCD, EDMEuler and FlowMatchEuler.
 *
 * <p>Tolerance: {@code |got - expected| <= 1e-5 * max(1, max |expected|)} per element, NaN where diffusers gives NaN
 * (the largest difference seen: 1.8e-6 of that scale). diffusers computes in float32 tensors, one operation at a
 * time; sampler4j rounds the same float32 scalar coefficients and computes each update as one fused float32 sum in its
 * own order of terms, so a few float32 ulps per step separate the two.
 */
class DiffusersEditedLoopsTest {
    private static final String RESOURCE = "/golden/diffusers/edited_loops.json";
    private static final double TOLERANCE = 1e-5;

    @SuppressWarnings("unchecked")
    @TestFactory
    Stream<DynamicTest> editedLoopsMatchDiffusers() {
        Map<String, Object> golden = (Map<String, Object>) MiniJson.resource(RESOURCE);
        int[] shape = ((List<Object>) golden.get("shape")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
        double blend = ((Number) golden.get("blend")).doubleValue();
        double target = ((Number) golden.get("target")).doubleValue();
        Latent initial = ArrayLatent.ofFloats(floats((List<Object>) golden.get("dummy_sample_deter")), shape);
        Latent fixed = ArrayLatent.ofFloats(floats((List<Object>) golden.get("dummy_noise_deter")), shape);
        List<Object> cases = (List<Object>) golden.get("cases");
        assertTrue(cases.size() >= 30, "expected the recorded cases, got " + cases.size());
        return cases.stream().map(o -> {
            Map<String, Object> c = (Map<String, Object>) o;
            return DynamicTest.dynamicTest((String) c.get("id"), () -> replay(c, initial, fixed, blend, target));
        });
    }

    @SuppressWarnings("unchecked")
    private static void replay(Map<String, Object> c, Latent initial, Latent fixed, double blend, double target) {
        String id = (String) c.get("id");
        DiffusersConfig cfg = DiffusersConfig.of((String) c.get("scheduler"), (Map<String, Object>) c.get("config"));
        Map<String, Object> kwargs = c.containsKey("kwargs") ? (Map<String, Object>) c.get("kwargs") : Map.of();
        TorchGeneratorNoise noise = c.containsKey("seed") ? TorchGeneratorNoise.cpu(((Number) c.get("seed")).longValue()) : null;
        Map<String, Object> expect = (Map<String, Object>) c.get("expect");
        Map<String, Object> after = (Map<String, Object>) expect.get("after_step");
        try (DiffusersStepper s = DiffusersStepper.create(cfg, kwargs, noise)) {
            s.setTimesteps(((Number) c.get("steps")).intValue());
            Latent sample = s.initialSample(initial);
            double[] ts = s.timesteps();
            int begin = c.containsKey("begin") ? ((Number) c.get("begin")).intValue() : 0;
            if (begin > 0) {
                s.setBeginIndex(begin);
                sample = s.addNoise(sample, fixed, ts[begin]);
            }
            int checked = 0;
            for (int i = begin; i < ts.length; i++) {
                Latent out = model(s.scaleModelInput(sample, ts[i]), ts[i]);
                sample = Latents.sum(blend, s.step(out, ts[i], sample), target, fixed);
                Object recorded = after.get(Integer.toString(i));
                if (recorded != null) {
                    compare(id + " after step " + i, (List<Object>) recorded, sample);
                    checked++;
                }
            }
            assertEquals(after.size(), checked, id + ": recorded steps not reached");
            compare(id + " final", (List<Object>) expect.get("final"), sample);
        }
    }

    private static void compare(String what, List<Object> expected, Latent got) {
        double[] g = got.toDoubleArray();
        assertEquals(expected.size(), g.length, what + ": size");
        double[] e = new double[g.length];
        double scale = 1;
        for (int i = 0; i < e.length; i++) {
            e[i] = value(expected.get(i));
            if (Double.isFinite(e[i])) scale = Math.max(scale, Math.abs(e[i]));
        }
        double worst = 0;
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) || Double.isInfinite(e[i])) {
                if (Double.compare(e[i], g[i]) != 0) bad.add("[" + i + "] " + g[i] + " vs " + e[i]);
                continue;
            }
            double d = Math.abs(g[i] - e[i]);
            worst = Math.max(worst, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
            if (!(d <= TOLERANCE * scale) && bad.size() < 5) bad.add("[" + i + "] " + g[i] + " vs " + e[i]);
        }
        if (!bad.isEmpty()) fail(what + ": max abs diff " + worst + " > " + TOLERANCE * scale + ", e.g. " + bad);
    }

    private static float[] floats(List<Object> values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) value(values.get(i));
        return f;
    }

    private static double value(Object o) {
        if (o instanceof Number n) return n.doubleValue();
        return switch ((String) o) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> throw new IllegalArgumentException("not a number: " + o);
        };
    }

    /** diffusers' {@code dummy_model}: {@code sample * t / (t + 1)} in float32. */
    static Latent model(Latent sample, double t) {
        float tf = (float) t;
        double[] x = sample.toDoubleArray();
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = (float) x[i] * tf / (tf + 1f);
        return sample.withValues(out);
    }
}
