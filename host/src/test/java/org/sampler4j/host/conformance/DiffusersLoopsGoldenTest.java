package org.sampler4j.host.conformance;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** diffusers' loops.json (75 pipeline loops) through sampler4j's samplers; tolerances in {@link DiffusersLoopsChecker}. */
class DiffusersLoopsGoldenTest {
    @TestFactory
    Stream<DynamicTest> loopsJson() {
        return GoldenFiles.tests("diffusers/loops.json.gz");
    }
}
