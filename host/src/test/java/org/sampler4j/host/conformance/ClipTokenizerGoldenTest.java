package org.sampler4j.host.conformance;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The conformance runner on the CLIP tokenizer golden file ({@code tokens.json} with its vocab.json and merges.txt beside it). */
class ClipTokenizerGoldenTest {
    @TestFactory
    Stream<DynamicTest> tokens() throws Exception {
        Path file = Path.of(ClipTokenizerGoldenTest.class.getResource("/golden/clip_tokenizer/tokens.json").toURI());
        Conformance.FileReport report = Conformance.standard().check(file);
        System.out.println(report.summary());
        return report.cases().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
            if (c.status() != CaseResult.Status.PASSED) throw new AssertionError(c.id() + " " + c.status() + ": " + c.detail());
        }));
    }
}
