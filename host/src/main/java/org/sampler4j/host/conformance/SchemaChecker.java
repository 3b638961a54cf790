package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A checker for a format that names itself: a JSON object whose {@code schema} field is the format name (for example
 * {@code clip_tokenizer/1}). The format name is the schema.
 */
abstract class SchemaChecker implements GoldenChecker {
    private final String schema;

    /** @param schema the value of the document's {@code schema} field */
    SchemaChecker(String schema) {
        this.schema = schema;
    }

    @Override
    public final String format() {
        return schema;
    }

    @Override
    public final boolean accepts(JsonNode root) {
        return root.isObject() && schema.equals(root.path("schema").asText());
    }
}
