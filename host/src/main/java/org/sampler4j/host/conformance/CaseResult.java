package org.sampler4j.host.conformance;

import java.util.Map;

/**
 * The outcome of one golden case.
 *
 * @param id the case id from the golden file
 * @param status passed, failed or skipped
 * @param detail for a failure: the first differing values; for a skip: why
 * @param metrics optional numbers the runner aggregates per file (names ending in {@code _max} by maximum, others by
 *     sum), e.g. how many values were bit-exact
 */
public record CaseResult(String id, Status status, String detail, Map<String, Double> metrics) {
    /** Outcome kinds. */
    public enum Status { PASSED, FAILED, SKIPPED }

    public CaseResult {
        metrics = Map.copyOf(metrics);
    }

    /** A result without metrics. */
    public CaseResult(String id, Status status, String detail) {
        this(id, status, detail, Map.of());
    }

    /** A passed case. */
    public static CaseResult pass(String id) {
        return new CaseResult(id, Status.PASSED, "");
    }

    /** A passed case with metrics. */
    public static CaseResult pass(String id, Map<String, Double> metrics) {
        return new CaseResult(id, Status.PASSED, "", metrics);
    }

    /** A failed case with the reason. */
    public static CaseResult fail(String id, String detail) {
        return new CaseResult(id, Status.FAILED, detail);
    }

    /** A skipped case with the reason. */
    public static CaseResult skip(String id, String why) {
        return new CaseResult(id, Status.SKIPPED, why);
    }
}
