package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/** Loads the golden files copied into the test resources and turns checker results into JUnit dynamic tests. */
final class GoldenFiles {
    private GoldenFiles() {}

    static JsonNode load(String resource) {
        try (InputStream in = GoldenFiles.class.getResourceAsStream("/golden/" + resource)) {
            if (in == null) throw new IllegalStateException("missing test resource /golden/" + resource);
            return Conformance.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One dynamic test per case. The system property {@code golden.filter} (a substring of case ids) narrows the run
     * while developing.
     */
    static Stream<DynamicTest> tests(String resource) {
        return tests(resource, load(resource));
    }

    /** One dynamic test per case whose id passes {@code select}. */
    static Stream<DynamicTest> tests(String resource, java.util.function.Predicate<String> select) {
        return tests(resource, load(resource), select);
    }

    /** One dynamic test per case of an already parsed document. */
    static Stream<DynamicTest> tests(String name, JsonNode root) {
        return tests(name, root, id -> true);
    }

    static Stream<DynamicTest> tests(String name, JsonNode root, java.util.function.Predicate<String> select) {
        Conformance.FileReport report = Conformance.standard().check(name, root);
        String filter = System.getProperty("golden.filter", "");
        List<CaseResult> cases = report.cases().stream().filter(c -> select.test(c.id()) && c.id().contains(filter)).toList();
        System.out.println(report.summary());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
            if (c.status() == CaseResult.Status.FAILED) throw new AssertionError(c.id() + ": " + c.detail());
            if (c.status() == CaseResult.Status.SKIPPED) throw new AssertionError(c.id() + " skipped: " + c.detail() + " (no case may be skipped)");
        }));
    }
}
