package org.sampler4j.host.conformance;

/**
 * The outcome of one golden case.
 *
 * @param id the case id from the golden file
 * @param status passed, failed or skipped
 * @param detail for a failure: the first differing values; for a skip: why
 */
public record CaseResult(String id, Status status, String detail) {
    /** Outcome kinds. */
    public enum Status { PASSED, FAILED, SKIPPED }

    /** A passed case. */
    public static CaseResult pass(String id) {
        return new CaseResult(id, Status.PASSED, "");
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
