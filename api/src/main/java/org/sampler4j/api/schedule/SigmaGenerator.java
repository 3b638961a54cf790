package org.sampler4j.api.schedule;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * Extension point: a named sigma generator, used in the schedule DSL as a modifier {@code .name(args)} that replaces
 * the sigmas of the spaced timesteps (stage 3 of resolution, see {@link SigmaRemap}). The built-in remaps
 * ({@code karras}, {@code exponential}, ComfyUI's schedulers ...) are generators too; a plugin adds more, e.g.
 * {@code trailing(20).my_sigmas(k=3)}.
 *
 * <p>Generators are stateless factories: {@link #create} returns an immutable {@link SigmaRemap} whose
 * {@link SigmaRemap#name()} is this generator's {@link #name()} (so that a spec prints and parses back). Plugins
 * implement this with PF4J's {@code @Extension}; on a plain classpath they are found through
 * PF4J's extension index ({@code META-INF/extensions.idx}) or
 * {@code META-INF/services/org.sampler4j.api.schedule.SigmaGenerator}.
 */
public interface SigmaGenerator extends ExtensionPoint {
    /** {@return DSL name, e.g. {@code karras}. Must not be a built-in remap's name or a DSL keyword} */
    String name();

    /** {@return other accepted DSL names} */
    default List<String> aliases() {
        return List.of();
    }

    /** {@return one line, with the paper or tool it comes from} */
    String description();

    /** {@return the parameter names in positional order ({@code karras(7)} binds 7 to the first)} */
    default List<String> paramNames() {
        return List.of();
    }

    /**
     * Builds the remap.
     *
     * @param args the call's arguments, validated against {@link #paramNames()}
     * @return the remap, whose {@code name()} is this generator's name
     * @throws ScheduleException if an argument is out of range
     */
    SigmaRemap create(DslArgs args);
}
