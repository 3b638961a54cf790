package org.sampler4j.api.schedule;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * Extension point: a named noise model, i.e. the training noise schedule of a model family, selectable by name on
 * the command line ({@code --model NAME}) and in recipes. {@link NoiseModel} itself is sealed — the resolver and every
 * sampler rely on its three kinds (discrete betas, rectified flow, EDM) — so a plugin adds noise models as named
 * parameterisations of those kinds (betas, shift, sigma range ...), e.g. a new model family's
 * {@code DiscreteNoiseModel.builder()...build()}.
 *
 * <p>Stateless; {@link #create} returns a new immutable value. Plugins implement this with PF4J's {@code @Extension};
 * on a plain classpath they are found through PF4J's extension index ({@code META-INF/extensions.idx}) or {@code META-INF/services/org.sampler4j.api.schedule.NamedNoiseModel}.
 */
public interface NamedNoiseModel extends ExtensionPoint {
    /** {@return the name, e.g. {@code sd15}} */
    String id();

    /** {@return other accepted names} */
    default List<String> aliases() {
        return List.of();
    }

    /** {@return one line: the model family and the parameters} */
    String description();

    /** {@return the noise model} */
    NoiseModel create();
}
