package org.sampler4j.plugins.samplers;

import static org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.assertSumMean;
import static org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.config;
import static org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.with;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.diffusers.DiffusersConfig;
import org.sampler4j.api.diffusers.DiffusersStepper;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.Feed;
import org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.Loop;

/**
 * diffusers' {@code test_scheduler_ddim_parallel.py}, {@code test_scheduler_ddpm_parallel.py} (the full loops and
 * {@code test_batch_step_no_noise}), {@code test_scheduler_ddim_inverse.py}, {@code test_scheduler_consistency_model.py},
 * {@code test_scheduler_unclip.py} and {@code test_scheduler_score_sde_ve.py}
 * (commit 58eb52c0, Apache-2.0) over {@link DiffusersStepper}.
 */
class DiffusersMoreClassesTestsPortTest {
    private static final Map<String, Object> DDIM_PARALLEL = config("num_train_timesteps", 1000, "beta_start", 0.0001, "beta_end", 0.02,
            "beta_schedule", "linear", "clip_sample", true);
    private static final Map<String, Object> DDPM_PARALLEL = with(DDIM_PARALLEL, "variance_type", "fixed_small");

    private static Loop ddim(Object... overrides) {
        return new Loop("DDIMParallelScheduler", with(DDIM_PARALLEL, overrides)).noSeed().rawSample().feed(Feed.NO_SCALING).kwargs("eta", 0.0);
    }

    private static Loop ddpm(Object... overrides) {
        return new Loop("DDPMParallelScheduler", with(DDPM_PARALLEL, overrides)).rawSample().feed(Feed.NO_SCALING).steps(1000);
    }

    /** {@code samples = stack([deter, deter + 0.1, deter - 0.1]).flatten(0, 1)}, item {@code b} at timestep {@code b / 4}. */
    private static Latent batchStep(DiffusersStepper s) {
        double[] d = DiffusersSchedulerLoops.sampleDeter().toDoubleArray();
        int per = d.length;
        float[] all = new float[3 * per];
        double[] shift = {0, 0.1, -0.1};
        for (int k = 0; k < 3; k++) for (int i = 0; i < per; i++) all[k * per + i] = (float) (d[i] + shift[k]);
        int[] shape = {12, 3, 8, 8};
        Latent samples = ArrayLatent.ofFloats(all, shape);
        int[] t = new int[12];
        for (int b = 0; b < 12; b++) t[b] = b / 4;
        double[] x = samples.toDoubleArray();
        double[] out = new double[x.length];
        int item = x.length / 12;
        for (int b = 0; b < 12; b++) {
            float tf = t[b];
            for (int i = b * item; i < (b + 1) * item; i++) {
                float product = (float) x[i] * tf;
                out[i] = product / (tf + 1f);
            }
        }
        return s.batchStepNoNoise(samples.withValues(out), t, samples);
    }

    @Test
    void ddim_parallel_test_batch_step_no_noise() {
        try (DiffusersStepper s = DiffusersStepper.create(DiffusersConfig.of("DDIMParallelScheduler", DDIM_PARALLEL), Map.of("eta", 0.0), null)) {
            s.setTimesteps(10);
            assertSumMean("ddim_parallel test_batch_step_no_noise", batchStep(s), 1147.7904, 1e-2, 0.4982, 1e-3);
        }
    }

    @Test
    void ddim_parallel_test_full_loop_no_noise() {
        assertSumMean("ddim_parallel test_full_loop_no_noise", ddim().run(), 172.0067, 1e-2, 0.223967, 1e-3);
    }

    @Test
    void ddim_parallel_test_full_loop_with_v_prediction() {
        assertSumMean("ddim_parallel test_full_loop_with_v_prediction", ddim("prediction_type", "v_prediction").run(), 52.5302, 1e-2, 0.0684, 1e-3);
    }

    @Test
    void ddim_parallel_test_full_loop_with_set_alpha_to_one() {
        assertSumMean("ddim_parallel test_full_loop_with_set_alpha_to_one", ddim("set_alpha_to_one", true, "beta_start", 0.01).run(), 149.8295, 1e-2, 0.1951, 1e-3);
    }

    @Test
    void ddim_parallel_test_full_loop_with_no_set_alpha_to_one() {
        assertSumMean("ddim_parallel test_full_loop_with_no_set_alpha_to_one", ddim("set_alpha_to_one", false, "beta_start", 0.01).run(), 149.0784, 1e-2, 0.1941, 1e-3);
    }

    @Test
    void ddim_parallel_test_full_loop_with_noise() {
        assertSumMean("ddim_parallel test_full_loop_with_noise", ddim().withNoise(8, false).run(), 354.5418, 1e-2, 0.4616, 1e-3);
    }

    @Test
    void ddpm_parallel_test_batch_step_no_noise() {
        try (DiffusersStepper s = DiffusersStepper.create(DiffusersConfig.of("DDPMParallelScheduler", DDPM_PARALLEL), null)) {
            s.setTimesteps(1000);
            assertSumMean("ddpm_parallel test_batch_step_no_noise", batchStep(s), 1153.1833, 1e-2, 0.5005, 1e-3);
        }
    }

    @Test
    void ddpm_parallel_test_full_loop_no_noise() {
        assertSumMean("ddpm_parallel test_full_loop_no_noise", ddpm().run(), 258.9606, 1e-2, 0.3372, 1e-3);
    }

    @Test
    void ddpm_parallel_test_full_loop_with_v_prediction() {
        assertSumMean("ddpm_parallel test_full_loop_with_v_prediction", ddpm("prediction_type", "v_prediction").run(), 202.0296, 1e-2, 0.2631, 1e-3);
    }

    @Test
    void ddpm_parallel_test_full_loop_with_noise() {
        assertSumMean("ddpm_parallel test_full_loop_with_noise", ddpm().withNoise(998, false).run(), 387.9466, 1e-2, 0.5051, 1e-3);
    }

    // ---- test_scheduler_ddim_inverse.py (full_loop: 10 steps on the raw sample, no scale_model_input)

    private static Loop ddimInverse(Object... overrides) {
        return new Loop("DDIMInverseScheduler", with(DDIM_PARALLEL, overrides)).noSeed().rawSample().feed(Feed.NO_SCALING);
    }

    @Test
    void ddim_inverse_test_full_loop_no_noise() {
        assertSumMean("ddim_inverse test_full_loop_no_noise", ddimInverse().run(), 671.6816, 1e-2, 0.8746, 1e-3);
    }

    @Test
    void ddim_inverse_test_full_loop_with_v_prediction() {
        assertSumMean("ddim_inverse test_full_loop_with_v_prediction", ddimInverse("prediction_type", "v_prediction").run(), 1394.2185, 1e-2, 1.8154, 1e-3);
    }

    @Test
    void ddim_inverse_test_full_loop_with_set_alpha_to_one() {
        assertSumMean("ddim_inverse test_full_loop_with_set_alpha_to_one", ddimInverse("set_alpha_to_one", true, "beta_start", 0.01).run(), 539.9622, 1e-2, 0.7031, 1e-3);
    }

    @Test
    void ddim_inverse_test_full_loop_with_no_set_alpha_to_one() {
        assertSumMean("ddim_inverse test_full_loop_with_no_set_alpha_to_one", ddimInverse("set_alpha_to_one", false, "beta_start", 0.01).run(), 542.6722, 1e-2, 0.7066, 1e-3);
    }

    // ---- test_scheduler_consistency_model.py (model on scale_model_input(sample), step on the sample; torch.manual_seed(0))

    private static final Map<String, Object> CM = config("num_train_timesteps", 201, "sigma_min", 0.002, "sigma_max", 80.0);

    private static Loop cm() {
        return new Loop("CMStochasticIterativeScheduler", CM).feed(Feed.UNSCALED_SAMPLE);
    }

    @Test
    void consistency_model_test_full_loop_no_noise_onestep() {
        assertSumMean("consistency_model test_full_loop_no_noise_onestep", cm().steps(1).run(), 192.7614, 1e-2, 0.2510, 1e-3);
    }

    @Test
    void consistency_model_test_full_loop_no_noise_multistep() {
        Loop l = cm().args(new org.sampler4j.api.diffusers.SetTimesteps(null, new double[] {106, 0}, null, null, null));
        assertSumMean("consistency_model test_full_loop_no_noise_multistep", l.run(), 347.6357, 1e-2, 0.4527, 1e-3);
    }

    @Test
    void consistency_model_test_full_loop_with_noise() {
        assertSumMean("consistency_model test_full_loop_with_noise", cm().steps(10).withNoise(8, false).run(), 763.9186, 1e-2, 0.9947, 1e-3);
    }

    // ---- test_scheduler_unclip.py (raw sample, no scale_model_input, torch.manual_seed(0))

    private static final Map<String, Object> UNCLIP = config("num_train_timesteps", 1000, "variance_type", "fixed_small_log", "clip_sample", true,
            "clip_sample_range", 1.0, "prediction_type", "epsilon");

    /** Every training timestep (the scheduler's timesteps before set_timesteps; set_timesteps(1000) gives the same). */
    @Test
    void unclip_test_full_loop() {
        Loop l = new Loop("UnCLIPScheduler", UNCLIP).rawSample().feed(Feed.NO_SCALING).steps(1000);
        assertSumMean("unclip test_full_loop", l.run(), 252.2682495, 1e-2, 0.3284743, 1e-3);
    }

    /** set_timesteps(25), each step to the next listed timestep ({@code prev_timestep}), the last to t - 1. */
    @Test
    void unclip_test_full_loop_skip_timesteps() {
        try (DiffusersStepper s = DiffusersStepper.create(DiffusersConfig.of("UnCLIPScheduler", UNCLIP), org.sampler4j.api.noise.TorchGeneratorNoise.cpu(0))) {
            s.setTimesteps(25);
            double[] ts = s.timesteps();
            Latent sample = DiffusersSchedulerLoops.sampleDeter();
            for (int i = 0; i < ts.length; i++) {
                Latent out = DiffusersSchedulerLoops.model(sample, ts[i]);
                sample = i + 1 == ts.length ? s.step(out, ts[i], sample) : s.step(out, ts[i], sample, (int) ts[i + 1]);
            }
            assertSumMean("unclip test_full_loop_skip_timesteps", sample, 258.2044983, 1e-2, 0.3362038, 1e-3);
        }
    }

    // ---- test_scheduler_score_sde_ve.py: set_sigmas(3) (over the training timesteps, which stay), set_timesteps(3);
    // per timestep correct_steps Langevin corrections and one predictor step, the model called at sigmas[i]

    @Test
    void score_sde_ve_test_full_loop_no_noise() {
        org.sampler4j.api.diffusers.ScoreSdeVeStepper s = new org.sampler4j.api.diffusers.ScoreSdeVeStepper(DiffusersConfig.of("ScoreSdeVeScheduler",
                config("num_train_timesteps", 2000, "snr", 0.15, "sigma_min", 0.01, "sigma_max", 1348, "sampling_eps", 1e-5)),
                org.sampler4j.api.noise.TorchGeneratorNoise.cpu(0));
        s.setSigmas(3);
        s.setTimesteps(3);
        Latent sample = DiffusersSchedulerLoops.sampleDeter();
        double[] ts = s.timesteps();
        for (int i = 0; i < ts.length; i++) {
            double sigma = s.sigmas()[i];
            for (int k = 0; k < s.correctSteps(); k++) sample = s.stepCorrect(DiffusersSchedulerLoops.model(sample, sigma), sample);
            sample = s.stepPred(DiffusersSchedulerLoops.model(sample, sigma), ts[i], sample).prevSample();
        }
        // np.isclose: |a - b| <= 1e-8 + 1e-5 |b|
        double sum = 0;
        for (double v : sample.toDoubleArray()) sum += Math.abs(v);
        double mean = sum / sample.size();
        org.junit.jupiter.api.Assertions.assertTrue(Math.abs(sum - 14372758528.0) <= 1e-8 + 1e-5 * 14372758528.0
                && Math.abs(mean - 18714530.0) <= 1e-8 + 1e-5 * 18714530.0, "score_sde_ve test_full_loop_no_noise: result_sum " + sum + ", result_mean " + mean);
    }
}
