package org.sampler4j.plugins.samplers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.model.Denoisers;
import org.sampler4j.api.model.ModelFunction;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.noise.SeededNoise;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.GuidedDenoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.DiscreteNoiseModel;

/**
 * The samplers that reuse their own storage ({@link org.sampler4j.api.sampler.LatentRing}) give, bit for bit, what
 * they give when every step allocates (a plain lambda denoiser that ignores the ring and copies its input; a latent
 * kind that cannot be overwritten, so every ring write allocates), report the same steps to a listener that copies,
 * never change the caller's latent, survive denoisers and networks that return their input, and allocate no full-size
 * latent per step once their rings are full.
 */
class StorageReuseTest {
    private static final double[] SIGMAS = {14.6, 9.7, 6.1, 3.9, 2.2, 1.1, 0.52, 0.21, 0.07, 0.0};

    /**
     * The ten samplers of bench/compare with the options of their diffusers routes, plus variants of the paths, and the
     * other samplers that reuse storage (the CFG++ ones get a guided model, {@link #guidedIfNeeded}).
     */
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
            new Object[] {"ipndm", Map.of()}, new Object[] {"ipndm", Map.of("reference", "diffusers")}, new Object[] {"ipndm_v", Map.of()},
            new Object[] {"dpm_fast", Map.of()}, new Object[] {"dpm_fast", Map.of("eta", 0.5)},
            new Object[] {"dpm_adaptive", Map.of()}, new Object[] {"dpm_adaptive", Map.of("order", 2, "eta", 0.5)},
            new Object[] {"dpmpp_sde", Map.of()}, new Object[] {"dpmpp_sde", Map.of("eta", 0.0, "reference", "k-diffusion")},
            new Object[] {"dpmpp_2s_ancestral", Map.of()}, new Object[] {"dpmpp_2s_ancestral", Map.of("eta", 0.0)},
            new Object[] {"deis", Map.of()}, new Object[] {"deis", Map.of("deis_mode", "logrho", "lower_order_final", true)},
            new Object[] {"sa_solver", Map.of()}, new Object[] {"sa_solver", Map.of("algorithm", "noise_prediction", "reference", "diffusers")},
            new Object[] {"sa_solver", Map.of("corrector_order", 0)}, new Object[] {"sa_solver_pece", Map.of()},
            new Object[] {"sa_solver_pece", Map.of("algorithm", "noise_prediction", "predictor_order", 2, "corrector_order", 1)},
            new Object[] {"plms", Map.of()}, new Object[] {"plms", Map.of("history", "v")}, new Object[] {"plms", Map.of("warmup", "rk4")},
            new Object[] {"plms", Map.of("paired", true)},
            new Object[] {"restart", Map.of()}, new Object[] {"restart", Map.of("restarts", "0.1:2:2;1:1:5", "restart_steps", 3)},
            new Object[] {"seeds_2", Map.of()}, new Object[] {"seeds_2", Map.of("solver_type", "phi_2", "r", 0.7)}, new Object[] {"seeds_3", Map.of()},
            new Object[] {"exp_heun_2_x0", Map.of()}, new Object[] {"exp_heun_2_x0_sde", Map.of()},
            new Object[] {"dpm_multistep", Map.of()}, new Object[] {"dpm_multistep", Map.of("sde", true, "order", 2)},
            new Object[] {"flow_heun", Map.of()}, new Object[] {"uni_pc_bh2", Map.of()},
            new Object[] {"euler_cfg_pp", Map.of()}, new Object[] {"euler_ancestral_cfg_pp", Map.of()}, new Object[] {"dpmpp_2m_cfg_pp", Map.of()});

    /** A longer schedule for the steady state (an even count of sigmas, for plms' paired steps). */
    private static final double[] LONG = longSchedule();

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

    private static double[] longSchedule() {
        double[] s = new double[32];
        for (int i = 0; i < s.length - 1; i++) s[i] = 14.6 * Math.pow(0.03 / 14.6, i / (s.length - 2.0));
        return s;
    }

    /** One run: the final latent followed by every step's x and denoised (copied by the listener). */
    private static List<double[]> run(String id, Map<String, Object> options, Denoiser model) {
        return run(id, options, model, start());
    }

    /** As {@link #run(String, Map, Denoiser)} from {@code x}. */
    private static List<double[]> run(String id, Map<String, Object> options, Denoiser model, Latent x) {
        Sampler s = Samplers.get(id);
        List<double[]> seen = new ArrayList<>();
        double[] before = x.toDoubleArray();
        SamplingContext ctx = new SamplingContext(SeededNoise.steps(SeededNoise.Rng.TORCH_CPU, new long[] {7}), step -> {
            seen.add(step.x().toDoubleArray());
            seen.add(step.denoised().toDoubleArray());
        });
        Latent out = s.sample(guidedIfNeeded(s, model), x, SIGMAS, s.options(options), ctx);
        assertArrayEquals(before, x.toDoubleArray(), 0.0, id + " changed the caller's latent");
        seen.add(0, out.toDoubleArray());
        return seen;
    }

    /** The model for a CFG++ sampler: guidance 2 between it and itself at 1.25 sigma as the unconditional estimate. */
    private static Denoiser guidedIfNeeded(Sampler s, Denoiser model) {
        if (!s.info().capabilities().needsUnconditional()) return model;
        return GuidedDenoiser.of(model, (x, sigma) -> model.denoise(x, 1.25 * sigma), 2.0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> options(Object[] c) {
        return (Map<String, Object>) c[1];
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
                Map<String, Object> o = options(c);
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
            Map<String, Object> o = options(c);
            assertSameRuns(c[0] + " " + o + " identity denoiser", run((String) c[0], o, shrinkCopy), run((String) c[0], o, shrinkSame));
            assertSameRuns(c[0] + " " + o + " identity network", run((String) c[0], o, netCopy), run((String) c[0], o, netSame));
        }
    }

    /**
     * Against the value semantics the samplers had before they owned storage: with a latent kind that cannot be
     * overwritten every ring write allocates (as {@code Latents.sum}), and the run gives the bits of the same run
     * whose rings reuse their latents. A ring too small for what a sampler still reads would differ here.
     */
    @Test
    void reusedLatentsGiveTheBitsOfFreshOnes() {
        Denoiser network = Denoisers.discrete(KIND_NEUTRAL_NETWORK, DiscreteNoiseModel.sd15(), Prediction.EPSILON);
        for (Object[] c : CASES) {
            String what = c[0] + " " + c[1];
            List<double[]> fresh = run((String) c[0], options(c), network, Counted.of(start(), false, new int[1]));
            List<double[]> reused = run((String) c[0], options(c), network, Counted.of(start(), true, new int[1]));
            assertSameRuns(what + " (network)", fresh, reused);
            Latent constant = Counted.of(start(), false, new int[1]);
            assertSameRuns(what + " (ring-writing model)", run((String) c[0], options(c), quietModel(constant), Counted.of(start(), false, new int[1])),
                    run((String) c[0], options(c), quietModel(constant), Counted.of(start(), true, new int[1])));
        }
    }

    /**
     * In the steady state a sampler allocates no full-size latent: with a model that writes into the sampler's ring and
     * noise that is drawn once, the latents allocated after the first steps (its rings filling up) stay all it
     * allocates over a 31-step schedule.
     */
    @Test
    void noFullSizeLatentIsAllocatedInTheSteadyState() {
        int warmUp = 7;
        for (Object[] c : CASES) {
            String what = c[0] + " " + c[1];
            Sampler s = Samplers.get((String) c[0]);
            int[] allocated = new int[1];
            Latent x = Counted.of(start(), true, allocated);
            Latent noise = Counted.of(start(), true, allocated);
            Latent constant = Counted.of(start(), true, allocated);
            List<Integer> afterStep = new ArrayList<>();
            SamplingContext ctx = new SamplingContext((sigma, sigmaNext, like) -> noise, step -> afterStep.add(allocated[0]));
            Denoiser model = s.info().capabilities().needsUnconditional() ? quietGuided(constant) : quietModel(constant);
            Map<String, Object> o = new HashMap<>(options(c));
            if (c[0].equals("dpm_adaptive")) o.put("icoeff", 0.05); // slower step growth: enough steps for a steady state
            s.sample(model, x, LONG, s.options(o), ctx);
            assertTrue(afterStep.size() > warmUp + 3, what + ": " + afterStep.size() + " steps");
            assertEquals(afterStep.get(warmUp - 1), afterStep.get(afterStep.size() - 1),
                    what + ": latents allocated after each step " + afterStep);
        }
    }

    /** A network of any latent kind (float32 arithmetic, deterministic), its output of its input's kind. */
    private static final ModelFunction KIND_NEUTRAL_NETWORK = (in, t) -> {
        double[] v = in.toDoubleArray();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) (0.3 * (float) v[i] + Math.sin(0.01 * t + i));
        return in.withFloatValues(out);
    };

    /** {@code D(x) = x / (1 + sigma^2) + c sigma^2 / (1 + sigma^2)}, written into the sampler's ring (no storage of its own). */
    private static Denoiser quietModel(Latent c) {
        return new Denoiser() {
            @Override
            public Latent denoise(Latent x, double sigma) {
                return denoise(x, sigma, LatentRing.none());
            }

            @Override
            public Latent denoise(Latent x, double sigma, LatentRing into) {
                double v = 1 + sigma * sigma;
                return into.sum(1 / v, x, sigma * sigma / v, c);
            }
        };
    }

    /** A guided denoiser in its own storage (each estimate stays valid for one more call, as CFG++ keeps one). */
    private static GuidedDenoiser quietGuided(Latent c) {
        LatentRing unconditional = LatentRing.of(2);
        LatentRing guided = LatentRing.of(2);
        return (x, sigma) -> {
            double v = 1 + sigma * sigma;
            Latent u = unconditional.sum(1 / v, x, sigma * sigma / v, c);
            Latent g = guided.sum(1.5 / v, x, 0.8 * sigma * sigma / v, c);
            return new GuidedDenoiser.Estimates(g, u);
        };
    }

    /**
     * A latent kind around an {@link ArrayLatent} (its sums, so the same bits) that counts the full-size latents it
     * allocates and can refuse to be overwritten ({@link Latent#overwriteWith} false: every ring write allocates).
     */
    private static final class Counted implements Latent {
        private final ArrayLatent values;
        private final boolean reusable;
        private final int[] allocated;

        private Counted(Latent values, boolean reusable, int[] allocated) {
            this.values = (ArrayLatent) values;
            this.reusable = reusable;
            this.allocated = allocated;
            allocated[0]++;
        }

        static Latent of(Latent x, boolean reusable, int[] allocated) {
            return new Counted(x, reusable, allocated);
        }

        private static Latent[] unwrap(Latent[] terms) {
            Latent[] t = new Latent[terms.length];
            for (int k = 0; k < t.length; k++) t[k] = terms[k] instanceof Counted c ? c.values : terms[k];
            return t;
        }

        @Override
        public int[] shape() {
            return values.shape();
        }

        @Override
        public int size() {
            return values.size();
        }

        @Override
        public Precision precision() {
            return values.precision();
        }

        @Override
        public double[] toDoubleArray() {
            return values.toDoubleArray();
        }

        @Override
        public Latent withValues(double[] v) {
            return new Counted(values.withValues(v), reusable, allocated);
        }

        @Override
        public Latent withFloatValues(float[] v) {
            return new Counted(values.withFloatValues(v), reusable, allocated);
        }

        @Override
        public Latent linearCombination(double[] coeffs, Latent[] terms) {
            return new Counted(values.linearCombination(coeffs, unwrap(terms)), reusable, allocated);
        }

        @Override
        public boolean overwriteWith(double[] coeffs, Latent[] terms) {
            return reusable && values.overwriteWith(coeffs, unwrap(terms));
        }

        @Override
        public boolean sharesStorage(Latent other) {
            return values.sharesStorage(other instanceof Counted c ? c.values : other);
        }
    }
}
