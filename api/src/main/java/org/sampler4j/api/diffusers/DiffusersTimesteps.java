package org.sampler4j.api.diffusers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sampler4j.api.schedule.Schedule;

/**
 * What a diffusers scheduler holds after {@code set_timesteps}, as sampler4j computes it.
 *
 * @param timesteps {@code scheduler.timesteps} (Heun/KDPM2 repeat interior ones; PNDM has PRK+PLMS steps)
 * @param timestepsDtype {@code int64}, {@code float32} or {@code float64}
 * @param sigmas {@code scheduler.sigmas} or {@code null} for classes without sigmas
 * @param initNoiseSigma {@code init_noise_sigma} or {@code null} where the class has none
 * @param numInferenceSteps the attribute after the call
 * @param extras class-specific arrays ({@code prk_timesteps}, {@code order_list}, {@code sigmas_interpol},
 *     {@code alphas_cumprod_head}, {@code final_alpha_cumprod}, {@code shift} ...), named as in diffusers
 * @param schedule the underlying sampler4j schedule (n timesteps, n+1 sigmas) where one exists, else {@code null}
 */
public record DiffusersTimesteps(double[] timesteps, String timestepsDtype, double[] sigmas, Double initNoiseSigma,
                                 Integer numInferenceSteps, Map<String, double[]> extras, Schedule schedule) {
    /**
     * Copies the arrays and the extras (the result is immutable).
     *
     * @param timesteps the timesteps (copied)
     * @param timestepsDtype the dtype of diffusers' tensor
     * @param sigmas the sigmas (copied), or {@code null}
     * @param initNoiseSigma the initial noise scale, or {@code null}
     * @param numInferenceSteps the step count attribute
     * @param extras the class-specific arrays (copied; {@code null}: none)
     * @param schedule the sampler4j schedule, or {@code null}
     */
    public DiffusersTimesteps {
        timesteps = timesteps.clone();
        sigmas = sigmas == null ? null : sigmas.clone();
        extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras == null ? Map.of() : extras));
    }

    /** {@return a copy of {@code scheduler.timesteps}} */
    @Override public double[] timesteps() { return timesteps.clone(); }

    /** {@return a copy of {@code scheduler.sigmas}, or {@code null} for classes without sigmas} */
    @Override public double[] sigmas() { return sigmas == null ? null : sigmas.clone(); }
}
