package org.sampler4j.plugins.samplers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.model.Denoisers;
import org.sampler4j.api.model.ModelFunction;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.noise.SeededNoise;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.DiscreteNoiseModel;

/**
 * The samplers that reuse their own storage ({@link org.sampler4j.api.sampler.LatentRing}) give, bit for bit, what
 * they give when every step allocates (a plain lambda denoiser that ignores the ring and copies its input), report the
 * same steps to a listener that copies, never change the caller's latent, and survive denoisers and networks that
 * return their input.
 */
class StorageReuseTest {
    private static final double[] SIGMAS = {14.6, 9.7, 6.1, 3.9, 2.2, 1.1, 0.52, 0.21, 0.07, 0.0};

    /** The ten samplers of bench/compare with the options of their diffusers routes, plus variants of the paths, and the other samplers that reuse storage. */
    private static final List<Object[]> CASES = List.of(
            new Object[] {"euler", Map.of()}, new Object[] {"euler", Map.of("reference", "diffusers")},
            new Object[] {"euler", Map.of("s_churn", 2.0)}, new Object[] {"euler", Map.of("s_churn", 2.0, "reference", "diffusers")},
            new Object[] {"heun", Map.of()}, new Object[] {"heun", Map.of("s_churn", 1.0)},
            new Object[] {"ddim", Map.of()}, new Object[] {"ddim", Map.of("eta", 1.0)},
            new Object[] {"dpmpp_2m", Map.of()},
            new Object[] {"dpm_singlestep", Map.of()}, new Object[] {"dpm_singlestep", Map.of("order", 3)},
            new Object[] {"dpm_singlestep", Map.of("order", 3, "solver_type", "heun")}, new Object[] {"dpm_singlestep", Map.of("form", "noise")},
            new Object[] {"dpm_singlestep", Map.of("sde", true)}, new Object[] {"dpm_singlestep", Map.of("sde", true, "order", 3)},
            new Object[] {"euler_ancestral", Map.of()}, new Object[] {"euler_ancestral", Map.of("reference", "diffusers")},
            new Object[] {"dpmpp_2m_sde", Map.of()}, new Object[] {"dpmpp_2m_sde", Map.of("reference", "diffusers")},
            new Object[] {"dpmpp_3m_sde", Map.of()}, new Object[] {"dpmpp_3m_sde", Map.of("eta", 0.0)},
            new Object[] {"uni_pc", Map.of()}, new Object[] {"uni_pc", Map.of("predict_x0", false)},
            new Object[] {"uni_pc", Map.of("variant", "bh2", "reference", "diffusers")},
            new Object[] {"lms", Map.of()}, new Object[] {"lms", Map.of("reference", "comfyui")},
            new Object[] {"dpm_2", Map.of()}, new Object[] {"dpm_2", Map.of("s_churn", 1.0)}, new Object[] {"dpm_2_ancestral", Map.of()},
            new Object[] {"heunpp2", Map.of()}, new Object[] {"heunpp2", Map.of("s_churn", 1.0)},
            new Object[] {"edm_euler", Map.of()}, new Object[] {"edm_euler", Map.of("s_churn", 2.0)},
            new Object[] {"flow_euler", Map.of()}, new Object[] {"flow_euler", Map.of("stochastic", true)},
            new Object[] {"lcm", Map.of()}, new Object[] {"tcd", Map.of()}, new Object[] {"tcd", Map.of("eta", 0.0)},
            new Object[] {"ddpm", Map.of()}, new Object[] {"ddpm", Map.of("reference", "diffusers")}, new Object[] {"gradient_estimation", Map.of()},
            new Object[] {"res_multistep", Map.of()}, new Object[] {"res_multistep_ancestral", Map.of()},
            new Object[] {"er_sde", Map.of()}, new Object[] {"er_sde", Map.of("s_noise", 0.0, "max_stage", 2)},
            new Object[] {"ipndm", Map.of()}, new Object[] {"ipndm", Map.of("reference", "diffusers")}, new Object[] {"ipndm_v", Map.of()});

    /** A network that depends on its input and timestep (float32 arithmetic, deterministic). */
    private static final ModelFunction NETWORK = (in, t) -> {
        float[] v = ((ArrayLatent) in).toFloatArray();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) (0.3 * v[i] + Math.sin(0.01 * t + i));
        return ArrayLatent.ofFloats(out, in.shape());
    };

    private static Latent start() {
        float[] v = new float[1 * 4 * 6 * 5];
        for (int i = 0; i < v.length; i++) v[i] = (float) (14.6 * Math.cos(1.3 * i + 0.2));
        return ArrayLatent.ofFloats(v, 1, 4, 6, 5);
    }

    private static Latent copy(Latent x) {
        return ArrayLatent.ofFloats(((ArrayLatent) x).toFloatArray(), x.shape());
    }

    /** One run: the final latent followed by every step's x and denoised (copied by the listener). */
    private static List<double[]> run(String id, Map<String, Object> options, Denoiser model) {
        Sampler s = Samplers.get(id);
        List<double[]> seen = new ArrayList<>();
        Latent x = start();
        double[] before = x.toDoubleArray();
        SamplingContext ctx = new SamplingContext(SeededNoise.steps(SeededNoise.Rng.TORCH_CPU, new long[] {7}), step -> {
            seen.add(step.x().toDoubleArray());
            seen.add(step.denoised().toDoubleArray());
        });
        Latent out = s.sample(model, x, SIGMAS, s.options(options), ctx);
        assertArrayEquals(before, x.toDoubleArray(), 0.0, id + " changed the caller's latent");
        seen.add(0, out.toDoubleArray());
        return seen;
    }

    private static void assertSameRuns(String what, List<double[]> want, List<double[]> got) {
        assertEquals(want.size(), got.size(), what);
        for (int k = 0; k < want.size(); k++) assertArrayEquals(want.get(k), got.get(k), 0.0, what + ", array " + k);
    }

    @Test
    void reusingStorageChangesNoBit() {
        DiscreteNoiseModel sd15 = DiscreteNoiseModel.sd15();
        for (Prediction p : new Prediction[] {Prediction.EPSILON, Prediction.V_PREDICTION, Prediction.SAMPLE}) {
            Denoiser adapter = Denoisers.discrete(NETWORK, sd15, p);
            Denoiser allocating = (x, sigma) -> Denoisers.discrete(NETWORK, sd15, p).denoise(copy(x), sigma);
            for (Object[] c : CASES) {
                @SuppressWarnings("unchecked")
                Map<String, Object> o = (Map<String, Object>) c[1];
                String what = c[0] + " " + o + " " + p;
                assertSameRuns(what, run((String) c[0], o, allocating), run((String) c[0], o, adapter));
            }
        }
    }

    @Test
    void denoisersAndNetworksThatReturnTheirInput() {
        DiscreteNoiseModel sd15 = DiscreteNoiseModel.sd15();
        Denoiser shrinkCopy = (x, sigma) -> copy(x);
        Denoiser shrinkSame = (x, sigma) -> x; // D(x) = x, returned as the very latent the sampler passed
        // a network returning its (reused) input: D = c_in x for the sample prediction
        Denoiser netCopy = Denoisers.discrete((in, t) -> copy(in), sd15, Prediction.SAMPLE);
        Denoiser netSame = Denoisers.discrete((in, t) -> in, sd15, Prediction.SAMPLE);
        for (Object[] c : CASES) {
            @SuppressWarnings("unchecked")
            Map<String, Object> o = (Map<String, Object>) c[1];
            assertSameRuns(c[0] + " " + o + " identity denoiser", run((String) c[0], o, shrinkCopy), run((String) c[0], o, shrinkSame));
            assertSameRuns(c[0] + " " + o + " identity network", run((String) c[0], o, netCopy), run((String) c[0], o, netSame));
        }
    }
}
