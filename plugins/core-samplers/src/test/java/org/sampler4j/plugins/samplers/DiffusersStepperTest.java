package org.sampler4j.plugins.samplers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.config;
import static org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.with;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.diffusers.DiffusersConfig;
import org.sampler4j.api.diffusers.DiffusersStepper;
import org.sampler4j.api.noise.TorchCpuGenerator;
import org.sampler4j.api.noise.TorchGeneratorNoise;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.Feed;
import org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.Loop;

/**
 * {@link DiffusersStepper} as research code drives it: edited samples, part-way starts, PNDM's Runge-Kutta warm-up on
 * every spacing, {@code from_config}, the generator noise source. The reference values come from diffusers at commit
 * 58eb52c0 run on CPU (torch 1.13, one thread) with the dummy model and sample of its scheduler tests; each names the
 * Python loop it replays.
 */
class DiffusersStepperTest {
    private static final Map<String, Object> SIGMA_SPACE = config("num_train_timesteps", 1100, "beta_start", 0.0001, "beta_end", 0.02,
            "beta_schedule", "linear");
    private static final Map<String, Object> PNDM = config("num_train_timesteps", 1000, "beta_start", 0.0001, "beta_end", 0.02,
            "beta_schedule", "linear", "skip_prk_steps", false);

    /** Sum and mean of |x|, and elements 1 and last, within a relative {@code 2e-5} (float32 loops, other order of operations). */
    private static void assertResult(String what, Latent x, double sum, double mean, double second, double last) {
        double[] v = x.toDoubleArray();
        double s = 0;
        for (double e : v) s += Math.abs(e);
        assertEquals(sum, s, 2e-5 * sum, what + " sum");
        assertEquals(mean, s / v.length, 2e-5 * mean, what + " mean");
        assertEquals(second, v[1], 2e-5 * Math.abs(second) + 1e-9, what + " element 1");
        assertEquals(last, v[v.length - 1], 2e-5 * Math.abs(last) + 1e-9, what + " last element");
    }

    private static Loop pndm(String spacing) {
        return new Loop("PNDMScheduler", with(PNDM, "timestep_spacing", spacing)).steps(7).noSeed().rawSample().feed(Feed.UNSCALED_SAMPLE);
    }

    /** {@code PNDMScheduler(skip_prk_steps=False, timestep_spacing=...)}, 7 steps: {@code step} over all 16 timesteps. */
    @Test
    void pndmRungeKuttaWarmUpOnEverySpacing() {
        assertResult("pndm prk linspace", pndm("linspace").run(), 226.89987182617188, 0.2954425513744354, 0.003081545466557145, 0.590884804725647);
        assertResult("pndm prk trailing", pndm("trailing").run(), 201.2821044921875, 0.26208606362342834, 0.002733622444793582, 0.5241721868515015);
        assertResult("pndm prk leading", pndm("leading").run(), 198.92039489746094, 0.2590109407901764, 0.002701548393815756, 0.5180217027664185);
        try (DiffusersStepper s = DiffusersStepper.create(DiffusersConfig.of("PNDMScheduler", with(PNDM, "timestep_spacing", "linspace")), null)) {
            s.setTimesteps(7);
            assertArrayEquals(new double[] {999, 903, 903, 832, 832, 737, 737, 666, 666, 571, 571, 500, 500, 333, 166, 0}, s.timesteps());
            assertEquals(12, s.prkTimesteps().length);
            Latent x = DiffusersSchedulerLoops.sampleDeter();
            Latent first = s.step(DiffusersSchedulerLoops.model(x, 999), 999, x);
            assertEquals(0.005213320255279541, first.toDoubleArray()[1], 1e-9, "step 0 (diffusers' step_prk)");
        }
    }

    private static Loop edited(String cls, boolean generator) {
        Loop l = new Loop(cls, SIGMA_SPACE).feed(Feed.UNSCALED_SAMPLE).edit(x -> Latents.scale(0.9, x));
        return generator ? l : l.noSeed();
    }

    /** After every {@code step}, the loop scales the sample by 0.9 (a stand-in for an inpainting blend); 10 steps. */
    @Test
    void stepFollowsAnEditedSample() {
        assertResult("Euler", edited("EulerDiscreteScheduler", false).run(), 58.595943450927734, 0.07629679888486862, 0.000795794534496963, 0.15259358286857605);
        assertResult("EulerAncestral", edited("EulerAncestralDiscreteScheduler", true).run(), 154.34097290039062, 0.2009648084640503, -0.027699081227183342, -0.03895752876996994);
        assertResult("Heun", edited("HeunDiscreteScheduler", false).run(), 131.88864135742188, 0.17172999680042267, 0.0017911865143105388, 0.34345999360084534);
        assertResult("KDPM2", edited("KDPM2DiscreteScheduler", false).run(), 185.76060485839844, 0.2418757826089859, 0.002522823866456747, 0.4837515652179718);
        assertResult("KDPM2Ancestral", edited("KDPM2AncestralDiscreteScheduler", true).run(), 330.318115234375, 0.4301017224788666, -0.08145135641098022, -0.07658113539218903);
        assertResult("LMS", edited("LMSDiscreteScheduler", false).run(), 79.62602233886719, 0.10367971658706665, 0.0010814053239300847, 0.20735947787761688);
    }

    /**
     * {@code DPMSolverSDEScheduler(noise_sampler_seed=0)}, 10 steps, the sample scaled by 0.9 after every step: the
     * native step follows it, its torchsde Brownian noise included (reference: diffusers with torchsde at eb3a00e).
     */
    @Test
    void dpmSolverSdeFollowsAnEditedSample() {
        Loop l = new Loop("DPMSolverSDEScheduler", with(SIGMA_SPACE, "noise_sampler_seed", 0)).noSeed().feed(Feed.UNSCALED_SAMPLE)
                .edit(x -> Latents.scale(0.9, x));
        assertResult("DPMSolverSDE edited", l.run(), 155.61611938476562, 0.20262515544891357, 0.0792645588517189, 0.19013886153697968);
    }

    /**
     * {@code DPMSolverSinglestepScheduler(solver_order=3)}, 12 steps (order list 1,2,3,1,2,3,1,2,3,1,2,1),
     * {@code set_begin_index(4)}, {@code add_noise} at {@code timesteps[4]}: diffusers lowers the start of the
     * interrupted group to orders 1, 2.
     */
    @Test
    void singlestepStartsMidGroupWithLoweredOrders() {
        Loop l = new Loop("DPMSolverSinglestepScheduler", config("solver_order", 3)).steps(12).noSeed().rawSample().feed(Feed.UNSCALED_SAMPLE)
                .withNoise(4, true);
        assertResult("singlestep order 3 begin 4", l.run(), 203.39700317382812, 0.26483985781669617, 0.47694510221481323, 0.05049896985292435);
    }

    /** {@code DPMSolverMultistepInverseScheduler} with its defaults (10 steps), and the noise form of order 3 on trailing spacing (12). */
    @Test
    void multistepInverseRunsFromDataTowardsNoise() {
        String inverse = "DPMSolverMultistepInverseScheduler";
        assertResult("inverse defaults", new Loop(inverse, config()).noSeed().rawSample().feed(Feed.NO_SCALING).run(),
                541.27294921875, 0.7047824859619141, 0.0073510510846972466, 1.4095649719238281);
        Map<String, Object> noiseForm = config("algorithm_type", "dpmsolver", "solver_order", 3, "timestep_spacing", "trailing");
        try (DiffusersStepper s = DiffusersStepper.create(DiffusersConfig.of(inverse, noiseForm), null)) {
            s.setTimesteps(12);
            assertArrayEquals(new double[] {82, 166, 249, 332, 416, 499, 582, 666, 749, 832, 916, 999}, s.timesteps());
        }
        assertResult("inverse dpmsolver order 3 trailing", new Loop(inverse, noiseForm).steps(12).noSeed().rawSample().feed(Feed.NO_SCALING).run(),
                581.6238403320312, 0.7573227286338806, 0.00789906270802021, 1.5146453380584717);
    }

    /** {@code EulerDiscreteScheduler.step(..., s_churn=1.0, generator=torch.manual_seed(3))}, 10 steps. */
    @Test
    void eulerChurnDrawsFromTheGenerator() {
        Loop l = new Loop("EulerDiscreteScheduler", SIGMA_SPACE).feed(Feed.UNSCALED_SAMPLE).kwargs("s_churn", 1.0).seed(3);
        assertResult("Euler churn", l.run(), 395.1768798828125, 0.5145532488822937, 1.8121203184127808, 0.7414849400520325);
    }

    /** DPMSolverMultistep, 10 steps, {@code set_begin_index(4)}, {@code add_noise(sample, noise, timesteps[4:5])}, loop from there. */
    @Test
    void multistepStartsPartWayOnAddedNoise() {
        Loop l = new Loop("DPMSolverMultistepScheduler", config("num_train_timesteps", 1000, "beta_start", 0.0001, "beta_end", 0.02,
                "beta_schedule", "linear")).noSeed().rawSample().feed(Feed.UNSCALED_SAMPLE).withNoise(4, true);
        assertResult("DPM begin 4", l.run(), 212.82229614257812, 0.27711236476898193, 0.4744699001312256, 0.07767463475465775);
    }

    /** Every class follows an edited sample now; what a config cannot express natively is refused with the fix. */
    @Test
    void classesWithoutANativeStepAreRefusedWithTheFix() {
        ScheduleException e = assertThrows(ScheduleException.class,
                () -> new Loop("UniPCMultistepScheduler", config("solver_p", "DDIMScheduler")).noSeed().rawSample().feed(Feed.UNSCALED_SAMPLE).run());
        assertTrue(e.getMessage().contains("drop it"), e.getMessage());
        Loop edited = new Loop("SASolverScheduler", config()).rawSample().feed(Feed.UNSCALED_SAMPLE).edit(x -> Latents.scale(0.9, x));
        assertTrue(Double.isFinite(edited.run().toDoubleArray()[0]));
    }

    /** What diffusers cannot replay or gets wrong is an error that names the fix, not a different run. */
    @Test
    void inverseAndSdeClassesRejectWhatDiffusersCannotStep() {
        String inverse = "DPMSolverMultistepInverseScheduler";
        ScheduleException sde = assertThrows(ScheduleException.class,
                () -> new Loop(inverse, config("algorithm_type", "sde-dpmsolver++")).rawSample().feed(Feed.NO_SCALING).run());
        assertTrue(sde.getMessage().contains("use dpmsolver++ or dpmsolver"), sde.getMessage());
        ScheduleException flow = assertThrows(ScheduleException.class,
                () -> new Loop(inverse, config("use_flow_sigmas", true)).noSeed().rawSample().feed(Feed.NO_SCALING).run());
        assertTrue(flow.getMessage().contains("use_flow_sigmas=false"), flow.getMessage());
        IllegalStateException seed = assertThrows(IllegalStateException.class, () -> new Loop("DPMSolverSDEScheduler", SIGMA_SPACE).noSeed().run());
        assertTrue(seed.getMessage().contains("set noise_sampler_seed"), seed.getMessage());
        ScheduleException sample = assertThrows(ScheduleException.class,
                () -> new Loop("DPMSolverSDEScheduler", with(SIGMA_SPACE, "noise_sampler_seed", 0, "prediction_type", "sample")).noSeed().run());
        assertTrue(sample.getMessage().contains("use epsilon or v_prediction"), sample.getMessage());
    }

    @Test
    void deterministicClassesNeedNoNoiseSourceAndNoisyOnesSayWhatIsMissing() {
        new Loop("EulerDiscreteScheduler", SIGMA_SPACE).noSeed().run();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Loop("EulerAncestralDiscreteScheduler", SIGMA_SPACE).noSeed().run());
        assertTrue(e.getMessage().contains("TorchGeneratorNoise.cpu(seed)"), e.getMessage());
    }

    @Test
    void fromConfigUsesOnlyTheKeysTheNewClassKnows() {
        DiffusersConfig ddim = DiffusersConfig.of("DDIMScheduler", config("beta_schedule", "scaled_linear", "beta_start", 0.00085, "beta_end", 0.012,
                "clip_sample", false, "set_alpha_to_one", false, "steps_offset", 1));
        try (DiffusersStepper s = DiffusersStepper.fromConfig("EulerDiscreteScheduler", ddim, Map.of(), null)) {
            DiffusersConfig c = s.config();
            assertEquals("EulerDiscreteScheduler", c.className());
            assertEquals(0.00085, c.dbl("beta_start"));
            assertEquals(1, c.integer("steps_offset"));
            // DDIM-only settings stay in the config (diffusers keeps them for the next from_config) but are ignored
            assertTrue(c.ignoredKeys().containsAll(java.util.List.of("set_alpha_to_one", "clip_sample")), c.ignoredKeys().toString());
            assertFalse(c.ignoredKeys().contains("beta_start"));
            assertEquals(1000, s.timesteps().length, "timesteps before set_timesteps: the training timesteps");
            assertEquals(999, s.timesteps()[0]);
            // DDIM's timestep_spacing 'leading' and steps_offset travel with the config, as in diffusers
            assertEquals("leading", c.str("timestep_spacing"));
            s.setTimesteps(4);
            assertArrayEquals(new double[] {751, 501, 251, 1}, s.timesteps(), 1e-3);
        }
    }

    @Test
    void generatorNoiseIsOneTorchStreamOverTheWholeBatch() {
        Latent like = ArrayLatent.ofFloats(new float[2 * 3 * 4], 2, 3, 4);
        TorchGeneratorNoise noise = TorchGeneratorNoise.cpu(42);
        TorchCpuGenerator g = new TorchCpuGenerator(42);
        for (int draw = 0; draw < 2; draw++) {
            float[] expected = g.randnFloat(24);
            double[] got = noise.noise(1, 0, like).toDoubleArray();
            for (int i = 0; i < 24; i++) assertEquals(expected[i], got[i], 0.0, "draw " + draw + " element " + i);
        }
    }

    @Test
    void setBeginIndexAndStepIndexFollowDiffusers() {
        try (DiffusersStepper s = DiffusersStepper.create(DiffusersConfig.of("HeunDiscreteScheduler", SIGMA_SPACE), null)) {
            s.setTimesteps(5);
            double[] ts = s.timesteps();
            assertEquals(9, ts.length);
            assertEquals(null, s.stepIndex());
            // a repeated timestep starts at its second occurrence (diffusers' index_for_timestep)
            s.scaleModelInput(DiffusersSchedulerLoops.sampleDeter(), ts[1]);
            assertEquals(2, s.stepIndex());
            s.setTimesteps(5);
            s.setBeginIndex(3);
            assertEquals(3, s.beginIndex());
            s.scaleModelInput(DiffusersSchedulerLoops.sampleDeter(), ts[3]);
            assertEquals(3, s.stepIndex());
            assertThrows(IllegalArgumentException.class, () -> s.setBeginIndex(9));
        }
    }
}
