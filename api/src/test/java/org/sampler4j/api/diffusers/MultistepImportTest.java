package org.sampler4j.api.diffusers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;

/** Importing a DPM-Solver-family config gives the spec that set_timesteps resolves. */
class MultistepImportTest {
    private static void sameAsSetTimesteps(Map<String, Object> json, int n) {
        DiffusersSchedules.Imported imp = DiffusersSchedules.importConfig(json);
        Schedule s = imp.resolve(n);
        DiffusersTimesteps d = DiffusersSchedules.setTimesteps(imp.config(), SetTimesteps.steps(n));
        assertArrayEquals(d.timesteps(), s.timesteps(), json.toString());
        assertArrayEquals(d.sigmas(), Numerics.toF32(s.sigmas()), json.toString());
    }

    @Test
    void importedSpecsResolveLikeSetTimesteps() {
        sameAsSetTimesteps(Map.of("_class_name", "DPMSolverMultistepScheduler", "beta_schedule", "scaled_linear", "beta_start", 0.00085,
                "beta_end", 0.012, "use_karras_sigmas", true, "timestep_spacing", "trailing"), 10);
        sameAsSetTimesteps(Map.of("_class_name", "DPMSolverMultistepScheduler", "beta_schedule", "squaredcos_cap_v2",
                "lambda_min_clipped", -5.1, "timestep_spacing", "leading"), 7);
        sameAsSetTimesteps(Map.of("_class_name", "UniPCMultistepScheduler", "rescale_betas_zero_snr", true, "timestep_spacing", "trailing"), 6);
        sameAsSetTimesteps(Map.of("_class_name", "DEISMultistepScheduler", "steps_offset", 1, "timestep_spacing", "leading"), 5);
        sameAsSetTimesteps(Map.of("_class_name", "DPMSolverSinglestepScheduler", "use_exponential_sigmas", true), 9);
    }

    @Test
    void quirksWithoutSpecAreRejected() {
        assertThrows(ScheduleException.class, () -> DiffusersSchedules.importConfig(
                Map.of("_class_name", "DEISMultistepScheduler", "use_karras_sigmas", true)));
        assertThrows(ScheduleException.class, () -> DiffusersSchedules.importConfig(
                Map.of("_class_name", "UniPCMultistepScheduler", "use_flow_sigmas", true, "flow_shift", 3.0)));
    }
}
