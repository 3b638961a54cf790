package org.sampler4j.host.conformance;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every case of diffusers' schedules.json (3,394), element-wise, tolerances in {@link DiffusersSchedulesChecker}. */
class DiffusersSchedulesGoldenTest {
    @TestFactory
    Stream<DynamicTest> schedulesJson() {
        return GoldenFiles.tests("diffusers/schedules.json.gz");
    }
}
