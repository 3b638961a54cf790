package org.sampler4j.host.conformance;

import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * diffusers' loops.json (75 pipeline loops) through sampler4j's samplers; tolerances in {@link DiffusersLoopsChecker}.
 * The loops that do not pass yet are listed here by name, with the reason, and run by the disabled factory below.
 */
class DiffusersLoopsGoldenTest {
    static final String FILE = "diffusers/loops.json.gz";

    /**
     * Not passing yet:
     * <ul>
     *   <li>DDIM/thresholding_sample_linspace_eta0.5 and PNDM/vpred_trailing_skip_prk: diffusers steps to
     *       {@code t - N // n} but then relabels the sample as the next listed timestep (uneven spacings only); a
     *       sigma list cannot express the jump, so the route needs a relabelling step.</li>
     * </ul>
     */
    static final List<String> PENDING_PREFIXES = List.of("DDIM/thresholding_sample_linspace_eta0.5",
            "PNDM/vpred_trailing_skip_prk");

    static Predicate<String> pending(boolean p) {
        return id -> PENDING_PREFIXES.stream().anyMatch(id::startsWith) == p;
    }

    @TestFactory
    Stream<DynamicTest> loopsJson() {
        return GoldenFiles.tests(FILE, pending(false));
    }

    @Disabled("see PENDING_PREFIXES")
    @TestFactory
    Stream<DynamicTest> pendingLoops() {
        return GoldenFiles.tests(FILE, pending(true));
    }
}
