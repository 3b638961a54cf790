package org.sampler4j.api.diffusers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The arguments of a diffusers {@code set_timesteps} call. Unset arguments are {@code null}.
 *
 * @param numInferenceSteps {@code num_inference_steps}
 * @param timesteps custom {@code timesteps}
 * @param sigmas custom {@code sigmas}
 * @param mu {@code mu} for dynamic shifting
 * @param extra any other keyword ({@code strength}, {@code original_inference_steps}, ...)
 */
public record SetTimesteps(Integer numInferenceSteps, double[] timesteps, double[] sigmas, Double mu, Map<String, Object> extra) {
    /**
     * Copies the arrays and the extra arguments ({@code null} extras: none).
     *
     * @param numInferenceSteps the step count, or {@code null}
     * @param timesteps custom timesteps (copied), or {@code null}
     * @param sigmas custom sigmas (copied), or {@code null}
     * @param mu the dynamic shift, or {@code null}
     * @param extra other arguments by name (copied; {@code null}: none)
     */
    public SetTimesteps {
        timesteps = timesteps == null ? null : timesteps.clone();
        sigmas = sigmas == null ? null : sigmas.clone();
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * Just a step count.
     *
     * @param n the number of inference steps, at least 1
     * @return the arguments {@code set_timesteps(num_inference_steps=n)}
     */
    public static SetTimesteps steps(int n) {
        return new SetTimesteps(n, null, null, null, null);
    }

    /** {@return custom timesteps} */
    @Override public double[] timesteps() { return timesteps == null ? null : timesteps.clone(); }

    /** {@return custom sigmas} */
    @Override public double[] sigmas() { return sigmas == null ? null : sigmas.clone(); }

    /**
     * {@return an extra number argument or {@code null}}
     *
     * @param key the argument's name
     */
    public Double extraDbl(String key) {
        Object o = extra.get(key);
        return o == null ? null : ((Number) o).doubleValue();
    }
}
