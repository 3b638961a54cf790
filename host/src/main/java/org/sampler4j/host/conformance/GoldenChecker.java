package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Checks one golden-file format (see {@code shared/golden/* /README.md} formats). A checker recognises its format
 * from the file's content, never from its name, so any new file of a known format is checkable as is.
 */
public interface GoldenChecker {
    /** Short format name for reports, e.g. {@code diffusers-schedules}. */
    String format();

    /** Whether {@code root} is a document of this format. */
    boolean accepts(JsonNode root);

    /** Checks every case of the document. Never throws for a bad case: it becomes a failed result. */
    List<CaseResult> check(JsonNode root);
}
