package org.sampler4j.plugins.samplers;

import static org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.assertSumMean;
import static org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.config;
import static org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.with;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.Feed;
import org.sampler4j.plugins.samplers.DiffusersSchedulerLoops.Loop;

/**
 * diffusers' scheduler full-loop tests ({@code tests/schedulers/test_scheduler_*.py} at commit 58eb52c0, Apache-2.0),
 * restated over {@link org.sampler4j.api.diffusers.DiffusersStepper}: each method names the diffusers test it ports
 * and asserts its recorded {@code result_sum}/{@code result_mean} with the test's own tolerances. Where diffusers
 * records a CPU value and a GPU value, the CPU one is used.
 */
class DiffusersSchedulerTestsPortTest {
    /** {@code get_scheduler_config()} of the sigma-space test files (Euler, EulerAncestral, Heun, KDPM2, KDPM2Ancestral, LMS). */
    private static final Map<String, Object> SIGMA_SPACE = config("num_train_timesteps", 1100, "beta_start", 0.0001, "beta_end", 0.02,
            "beta_schedule", "linear");
    /** test_scheduler_pndm.py */
    private static final Map<String, Object> PNDM = config("num_train_timesteps", 1000, "beta_start", 0.0001, "beta_end", 0.02,
            "beta_schedule", "linear");
    /** test_scheduler_ddim.py */
    private static final Map<String, Object> DDIM = with(PNDM, "clip_sample", true);

    private static Loop euler(Object... overrides) {
        return new Loop("EulerDiscreteScheduler", with(SIGMA_SPACE, overrides));
    }

    // ---- test_scheduler_euler.py (EulerDiscreteSchedulerTest)

    @Test
    void euler_test_full_loop_no_noise() {
        assertSumMean("euler test_full_loop_no_noise", euler().run(), 10.0807, 1e-2, 0.0131, 1e-3);
    }

    @Test
    void euler_test_full_loop_with_v_prediction() {
        assertSumMean("euler test_full_loop_with_v_prediction", euler("prediction_type", "v_prediction").run(), 0.0002, 1e-2, 2.2676e-06, 1e-3);
    }

    @Test
    void euler_test_full_loop_device() {
        assertSumMean("euler test_full_loop_device", euler().run(), 10.0807, 1e-2, 0.0131, 1e-3);
    }

    @Test
    void euler_test_full_loop_device_karras_sigmas() {
        assertSumMean("euler test_full_loop_device_karras_sigmas", euler("use_karras_sigmas", true).run(), 124.52299499511719, 1e-2,
                0.16213932633399963, 1e-3);
    }

    @Test
    void euler_test_full_loop_with_noise() {
        assertSumMean("euler test_full_loop_with_noise", euler().withNoise(false).run(), 57062.9297, 1e-2, 74.3007, 1e-3);
    }

    // ---- test_scheduler_euler_ancestral.py

    private static Loop eulerA(Object... overrides) {
        return new Loop("EulerAncestralDiscreteScheduler", with(SIGMA_SPACE, overrides));
    }

    @Test
    void euler_ancestral_test_full_loop_no_noise() {
        assertSumMean("euler_ancestral test_full_loop_no_noise", eulerA().run(), 152.3192, 1e-2, 0.1983, 1e-3);
    }

    @Test
    void euler_ancestral_test_full_loop_with_v_prediction() {
        assertSumMean("euler_ancestral test_full_loop_with_v_prediction", eulerA("prediction_type", "v_prediction").run(), 108.4439, 1e-2, 0.1412, 1e-3);
    }

    @Test
    void euler_ancestral_test_full_loop_device() {
        assertSumMean("euler_ancestral test_full_loop_device", eulerA().run(), 152.3192, 1e-2, 0.1983, 1e-3);
    }

    @Test
    void euler_ancestral_test_full_loop_with_noise() {
        assertSumMean("euler_ancestral test_full_loop_with_noise", eulerA().withNoise(false).run(), 56163.0508, 1e-2, 73.1290, 1e-3);
    }

    // ---- test_scheduler_heun.py

    private static Loop heun(Object... overrides) {
        return new Loop("HeunDiscreteScheduler", with(SIGMA_SPACE, overrides)).noSeed();
    }

    @Test
    void heun_test_full_loop_no_noise() {
        assertSumMean("heun test_full_loop_no_noise", heun().run(), 0.1233, 1e-2, 0.0002, 1e-3);
    }

    @Test
    void heun_test_full_loop_with_v_prediction() {
        assertSumMean("heun test_full_loop_with_v_prediction", heun("prediction_type", "v_prediction").run(), 4.6934e-07, 1e-2, 6.1112e-10, 1e-3);
    }

    @Test
    void heun_test_full_loop_device() {
        assertSumMean("heun test_full_loop_device", heun().run(), 0.1233, 1e-2, 0.0002, 1e-3);
    }

    @Test
    void heun_test_full_loop_device_karras_sigmas() {
        assertSumMean("heun test_full_loop_device_karras_sigmas", heun("use_karras_sigmas", true).run(), 0.00015, 1e-2, 1.9869554535034695e-07, 1e-2);
    }

    @Test
    void heun_test_full_loop_with_noise() {
        assertSumMean("heun test_full_loop_with_noise", heun().withNoise(false).run(), 75074.8906, 1e-2, 97.7538, 1e-3);
    }

    // ---- test_scheduler_dpm_sde.py (noise from torchsde's Brownian tree seeded by noise_sampler_seed, not from a
    // generator; the CPU values: diffusers records other values for mps and cuda/xpu. The stepper gives 162.523833,
    // 119.848768 and 170.313509: within 2e-5 of the recorded sums)

    private static Loop dpmSde(Object... overrides) {
        return new Loop("DPMSolverSDEScheduler", with(with(SIGMA_SPACE, "noise_sampler_seed", 0), overrides)).noSeed();
    }

    @Test
    void dpm_sde_test_full_loop_no_noise() {
        assertSumMean("dpm_sde test_full_loop_no_noise", dpmSde().run(), 162.52383422851562, 1e-2, 0.211619570851326, 1e-3);
    }

    @Test
    void dpm_sde_test_full_loop_with_v_prediction() {
        assertSumMean("dpm_sde test_full_loop_with_v_prediction", dpmSde("prediction_type", "v_prediction").run(), 119.8487548828125, 1e-2,
                0.1560530662536621, 1e-3);
    }

    @Test
    void dpm_sde_test_full_loop_device() {
        assertSumMean("dpm_sde test_full_loop_device", dpmSde().run(), 162.52383422851562, 1e-2, 0.211619570851326, 1e-3);
    }

    @Test
    void dpm_sde_test_full_loop_device_karras_sigmas() {
        assertSumMean("dpm_sde test_full_loop_device_karras_sigmas", dpmSde("use_karras_sigmas", true).run(), 170.3135223388672, 1e-2,
                0.23003872730981811, 1e-2);
    }

    // ---- test_scheduler_kdpm2_discrete.py

    private static Loop kdpm2(Object... overrides) {
        return new Loop("KDPM2DiscreteScheduler", with(SIGMA_SPACE, overrides)).noSeed();
    }

    @Test
    void kdpm2_test_full_loop_with_v_prediction() {
        assertSumMean("kdpm2 test_full_loop_with_v_prediction", kdpm2("prediction_type", "v_prediction").run(), 4.6934e-07, 1e-2, 6.1112e-10, 1e-3);
    }

    @Test
    void kdpm2_test_full_loop_no_noise() {
        assertSumMean("kdpm2 test_full_loop_no_noise", kdpm2().run(), 20.4125, 1e-2, 0.0266, 1e-3);
    }

    @Test
    void kdpm2_test_full_loop_device() {
        assertSumMean("kdpm2 test_full_loop_device", kdpm2().run(), 20.4125, 1e-2, 0.0266, 1e-3);
    }

    @Test
    void kdpm2_test_full_loop_with_noise() {
        assertSumMean("kdpm2 test_full_loop_with_noise", kdpm2().withNoise(false).run(), 70408.4062, 1e-2, 91.6776, 1e-3);
    }

    // ---- test_scheduler_kdpm2_ancestral.py

    private static Loop kdpm2a(Object... overrides) {
        return new Loop("KDPM2AncestralDiscreteScheduler", with(SIGMA_SPACE, overrides));
    }

    @Test
    void kdpm2_ancestral_test_full_loop_no_noise() {
        assertSumMean("kdpm2_ancestral test_full_loop_no_noise", kdpm2a().run(), 13979.9433, 1e-2, 18.2030, 5e-3);
    }

    @Test
    void kdpm2_ancestral_test_full_loop_with_v_prediction() {
        assertSumMean("kdpm2_ancestral test_full_loop_with_v_prediction", kdpm2a("prediction_type", "v_prediction").run(), 331.8133, 1e-2, 0.4320, 1e-3);
    }

    @Test
    void kdpm2_ancestral_test_full_loop_device() {
        assertSumMean("kdpm2_ancestral test_full_loop_device", kdpm2a().run(), 13979.9433, 1e-1, 18.2030, 1e-3);
    }

    @Test
    void kdpm2_ancestral_test_full_loop_with_noise() {
        assertSumMean("kdpm2_ancestral test_full_loop_with_noise", kdpm2a().withNoise(false).run(), 93087.3437, 1e-2, 121.2074, 5e-3);
    }

    // ---- test_scheduler_lms.py

    private static Loop lms(Object... overrides) {
        return new Loop("LMSDiscreteScheduler", with(SIGMA_SPACE, overrides)).noSeed();
    }

    @Test
    void lms_test_full_loop_no_noise() {
        assertSumMean("lms test_full_loop_no_noise", lms().run(), 1006.388, 1e-2, 1.31, 1e-3);
    }

    @Test
    void lms_test_full_loop_with_v_prediction() {
        assertSumMean("lms test_full_loop_with_v_prediction", lms("prediction_type", "v_prediction").run(), 0.0017, 1e-2, 2.2676e-06, 1e-3);
    }

    @Test
    void lms_test_full_loop_device() {
        assertSumMean("lms test_full_loop_device", lms().run(), 1006.388, 1e-2, 1.31, 1e-3);
    }

    @Test
    void lms_test_full_loop_device_karras_sigmas() {
        assertSumMean("lms test_full_loop_device_karras_sigmas", lms("use_karras_sigmas", true).run(), 3812.9927, 2e-2, 4.9648, 1e-3);
    }

    @Test
    void lms_test_full_loop_with_noise() {
        assertSumMean("lms test_full_loop_with_noise", lms().withNoise(false).run(), 27663.6895, 1e-2, 36.0204, 1e-3);
    }

    // ---- test_scheduler_pndm.py (full_loop: step_prk over prk_timesteps, then step_plms over plms_timesteps)

    private static Loop pndm(Object... overrides) {
        return new Loop("PNDMScheduler", with(PNDM, overrides)).noSeed().rawSample().feed(Feed.UNSCALED_SAMPLE);
    }

    @Test
    void pndm_test_full_loop_no_noise() {
        assertSumMean("pndm test_full_loop_no_noise", pndm().run(), 198.1318, 1e-2, 0.2580, 1e-3);
    }

    @Test
    void pndm_test_full_loop_with_v_prediction() {
        assertSumMean("pndm test_full_loop_with_v_prediction", pndm("prediction_type", "v_prediction").run(), 67.3986, 1e-2, 0.0878, 1e-3);
    }

    @Test
    void pndm_test_full_loop_with_set_alpha_to_one() {
        assertSumMean("pndm test_full_loop_with_set_alpha_to_one", pndm("set_alpha_to_one", true, "beta_start", 0.01).run(), 230.0399, 1e-2, 0.2995, 1e-3);
    }

    @Test
    void pndm_test_full_loop_with_no_set_alpha_to_one() {
        assertSumMean("pndm test_full_loop_with_no_set_alpha_to_one", pndm("set_alpha_to_one", false, "beta_start", 0.01).run(), 186.9482, 1e-2, 0.2434, 1e-3);
    }

    // ---- test_scheduler_ddim.py (full_loop: 10 steps, eta 0, no scale_model_input)

    private static Loop ddim(Object... overrides) {
        return new Loop("DDIMScheduler", with(DDIM, overrides)).noSeed().rawSample().feed(Feed.UNSCALED_SAMPLE).kwargs("eta", 0.0);
    }

    @Test
    void ddim_test_full_loop_no_noise() {
        assertSumMean("ddim test_full_loop_no_noise", ddim().run(), 172.0067, 1e-2, 0.223967, 1e-3);
    }

    @Test
    void ddim_test_full_loop_with_v_prediction() {
        assertSumMean("ddim test_full_loop_with_v_prediction", ddim("prediction_type", "v_prediction").run(), 52.5302, 1e-2, 0.0684, 1e-3);
    }

    @Test
    void ddim_test_full_loop_with_set_alpha_to_one() {
        assertSumMean("ddim test_full_loop_with_set_alpha_to_one", ddim("set_alpha_to_one", true, "beta_start", 0.01).run(), 149.8295, 1e-2, 0.1951, 1e-3);
    }

    @Test
    void ddim_test_full_loop_with_no_set_alpha_to_one() {
        assertSumMean("ddim test_full_loop_with_no_set_alpha_to_one", ddim("set_alpha_to_one", false, "beta_start", 0.01).run(), 149.0784, 1e-2, 0.1941, 1e-3);
    }
}
