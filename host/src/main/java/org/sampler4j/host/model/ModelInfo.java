package org.sampler4j.host.model;

import java.util.Optional;
import org.sampler4j.api.schedule.NoiseModel;

/**
 * What a model declares, read without loading its networks ({@link Models#describe}).
 *
 * @param name display name
 * @param noiseModel the noise it was trained on
 * @param conditioning what it is conditioned on
 * @param defaultSchedule the schedule DSL it suggests, if any
 * @param takesPrompts whether it encodes prompts itself (a Stable Diffusion model with text encoders)
 */
public record ModelInfo(String name, NoiseModel noiseModel, ConditioningSpec conditioning, Optional<String> defaultSchedule, boolean takesPrompts) {
    /** A model that takes no prompts. */
    public ModelInfo(String name, NoiseModel noiseModel, ConditioningSpec conditioning, Optional<String> defaultSchedule) {
        this(name, noiseModel, conditioning, defaultSchedule, false);
    }
}
