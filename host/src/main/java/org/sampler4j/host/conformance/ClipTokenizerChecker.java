package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sampler4j.host.text.ClipTokenizer;

/**
 * {@code clip_tokenizer/1} ({@code tokens.json}): the CLIP BPE tokenizer, whose {@code vocab.json} and {@code merges.txt}
 * lie beside the JSON file. Every field is compared exactly: ids, BPE strings, truncation, both paddings (EOS padding
 * and 0 padding, {@code conventions.max_length} long) and the attention-mask length.
 */
final class ClipTokenizerChecker extends SchemaChecker {
    static final String SCHEMA = "clip_tokenizer/1";

    ClipTokenizerChecker() {
        super(SCHEMA);
    }

    @Override
    public List<CaseResult> check(JsonNode root) {
        return check(root, null);
    }

    @Override
    public List<CaseResult> check(JsonNode root, Path dir) {
        ClipTokenizer tok;
        try {
            if (dir == null) throw new IOException("the tokenizer files are read beside the JSON file; check the file by its path");
            tok = ClipTokenizer.of(dir.resolve("vocab.json"), dir.resolve("merges.txt"), ClipTokenizer.END);
        } catch (IOException e) {
            List<CaseResult> out = new ArrayList<>();
            for (JsonNode c : root.path("cases")) out.add(CaseResult.fail(c.path("id").asText(), "cannot load the tokenizer (vocab.json and merges.txt lie beside the golden file): " + e.getMessage()));
            return out;
        }
        JsonNode conv = root.path("conventions");
        int maxLength = conv.path("max_length").asInt(ClipTokenizer.DEFAULT_MAX_LENGTH);
        int bos = conv.path("bos").asInt(tok.bos());
        int eos = conv.path("eos").asInt(tok.eos());
        return GoldenChecker.eachCase(root.path("cases"), c -> {
            if (tok.bos() != bos || tok.eos() != eos) return "bos/eos " + tok.bos() + "/" + tok.eos() + ", expected " + bos + "/" + eos;
            String prompt = c.get("prompt").asText();
            String d = ints("ids", c.get("ids"), tok.encode(prompt));
            if (d != null) return d;
            List<String> tokens = tok.tokens(prompt);
            for (int i = 0; i < Math.max(tokens.size(), c.get("tokens").size()); i++) {
                String e = i < c.get("tokens").size() ? c.get("tokens").get(i).asText() : "(none)";
                String a = i < tokens.size() ? tokens.get(i) : "(none)";
                if (!e.equals(a)) return "tokens[" + i + "]: expected '" + e + "', got '" + a + "'";
            }
            if (c.has("truncated") && tok.truncates(prompt) != c.get("truncated").asBoolean()) {
                return "truncated: expected " + c.get("truncated").asBoolean() + ", got " + tok.truncates(prompt);
            }
            d = ints("padded_eos", c.get("padded_eos"), tok.encodePadded(prompt, maxLength, tok.eos()));
            if (d == null) d = ints("padded_zero", c.get("padded_zero"), tok.encodePadded(prompt, maxLength, 0));
            if (d == null && c.has("attention_mask_len") && c.get("attention_mask_len").asInt() != tok.attentionLength(prompt)) {
                d = "attention_mask_len: expected " + c.get("attention_mask_len").asInt() + ", got " + tok.attentionLength(prompt);
            }
            return d;
        });
    }

    private static String ints(String what, JsonNode expected, int[] actual) {
        if (expected == null) return null;
        int[] e = new int[expected.size()];
        for (int i = 0; i < e.length; i++) e[i] = expected.get(i).asInt();
        if (Arrays.equals(e, actual)) return null;
        for (int i = 0; i < Math.min(e.length, actual.length); i++) {
            if (e[i] != actual[i]) return what + "[" + i + "]: expected " + e[i] + ", got " + actual[i];
        }
        return what + ": length " + actual.length + ", expected " + e.length;
    }
}
