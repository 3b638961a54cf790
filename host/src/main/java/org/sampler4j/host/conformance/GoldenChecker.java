package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

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

    /**
     * Checks every case of a document read from a file in {@code dir} (a format whose data lies beside the JSON file,
     * such as a tokenizer's vocabulary, overrides this; {@code dir} is {@code null} for a document without a file).
     */
    default List<CaseResult> check(JsonNode root, java.nio.file.Path dir) {
        return check(root);
    }

    /**
     * Checks each case (identified by its {@code id} field) with {@code check}, which returns {@code null} when the case
     * passes or the first difference; an exception fails the case.
     */
    static List<CaseResult> eachCase(Iterable<JsonNode> cases, Function<JsonNode, String> check) {
        List<CaseResult> out = new ArrayList<>();
        for (JsonNode c : cases) {
            String id = c.path("id").asText();
            out.add(guard(id, () -> {
                String d = check.apply(c);
                return d == null ? CaseResult.pass(id) : CaseResult.fail(id, d);
            }));
        }
        return out;
    }

    /**
     * Runs one case. A {@link Compare.Skip} (an optional section the file lacks, a plugin that is not installed) becomes
     * a skipped result with its reason; any other exception a failed result that says what went wrong.
     */
    static CaseResult guard(String id, Supplier<CaseResult> body) {
        try {
            return body.get();
        } catch (Compare.Skip e) {
            return CaseResult.skip(id, e.getMessage());
        } catch (RuntimeException e) {
            return CaseResult.fail(id, "could not be checked: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }
}
