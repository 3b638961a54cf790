package org.sampler4j.host.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClipTokenizer} against the golden {@code tokens.json} (every field, through the public API) and against
 * {@code text/clip_reference_extra.json}: edge cases (empty, long, emoji, non-Latin scripts, typed special tokens, HTML
 * entities, Python's whitespace and Final_Sigma rules) and 300 random prompts, tokenized by OpenAI's reference.
 */
class ClipTokenizerTest {
    static final Path DIR = resource("/golden/clip_tokenizer/tokens.json").getParent();
    static final ClipTokenizer TOK = load();

    static Path resource(String name) {
        try {
            return Path.of(ClipTokenizerTest.class.getResource(name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    static ClipTokenizer load() {
        try {
            return ClipTokenizer.of(DIR.resolve("vocab.json"), DIR.resolve("merges.txt"), ClipTokenizer.END);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(Path p) throws IOException {
        return new ObjectMapper().readTree(p.toFile());
    }

    static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    static List<String> strings(JsonNode a) {
        List<String> r = new ArrayList<>();
        a.forEach(n -> r.add(n.asText()));
        return r;
    }

    @TestFactory
    Stream<DynamicTest> goldenCases() throws IOException {
        JsonNode root = json(DIR.resolve("tokens.json"));
        assertEquals(25, root.get("cases").size());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("id").asText(), () -> {
                String p = c.get("prompt").asText();
                assertArrayEquals(ints(c.get("ids")), TOK.encode(p), "ids");
                assertEquals(strings(c.get("tokens")), TOK.tokens(p), "tokens");
                assertEquals(c.get("truncated").asBoolean(), TOK.truncates(p), "truncated");
                assertArrayEquals(ints(c.get("padded_eos")), TOK.encodePadded(p), "padded_eos");
                assertArrayEquals(ints(c.get("padded_zero")), TOK.encodePadded(p, 77, 0), "padded_zero");
                assertEquals(c.get("attention_mask_len").asInt(), TOK.attentionLength(p), "attention_mask_len");
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> referenceEdgeAndRandomCases() throws IOException {
        JsonNode root = json(resource("/text/clip_reference_extra.json"));
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("id").asText(), () -> {
                String p = c.get("prompt").asText();
                assertEquals(strings(c.get("tokens")), TOK.tokens(p), "tokens of " + p);
                int[] ids = ints(c.get("ids"));
                assertArrayEquals(ids, TOK.encode(p), "ids");
                int[] padded = TOK.encodePadded(p);
                assertEquals(77, padded.length);
                assertEquals(49406, padded[0]);
                int kept = Math.min(ids.length, 75);
                for (int i = 0; i < kept; i++) assertEquals(ids[i], padded[i + 1]);
                assertEquals(49407, padded[kept + 1]);
                assertEquals(ids.length > 75, TOK.truncates(p));
            }));
        }
        return tests.stream();
    }

    @Test
    void conventions() {
        assertEquals(49406, TOK.bos());
        assertEquals(49407, TOK.eos());
        assertEquals(49407, TOK.padId());
        assertEquals(77, TOK.maxLength());
        assertEquals(49408, TOK.vocabSize());
    }

    @Test
    void emptyPromptIsBosEosAndPadding() {
        assertArrayEquals(new int[0], TOK.encode(""));
        int[] zero = TOK.encodePadded(" \t\n", 77, 0);
        assertEquals(49406, zero[0]);
        assertEquals(49407, zero[1]);
        for (int i = 2; i < 77; i++) assertEquals(0, zero[i]);
        assertEquals(2, TOK.attentionLength(""));
    }

    @Test
    void longPromptsAreCutToMaxLength() {
        String p = "a ".repeat(500);
        assertEquals(500, TOK.encode(p).length);
        assertTrue(TOK.truncates(p));
        assertFalse(TOK.truncates("a ".repeat(75)));
        assertTrue(TOK.truncates("a ".repeat(76)));
        int[] padded = TOK.encodePadded(p);
        assertEquals(77, padded.length);
        assertEquals(49407, padded[76]);
        assertEquals(77, TOK.attentionLength(p));
        int[] shorter = TOK.encodePadded(p, 10, 0);
        assertArrayEquals(new int[] {49406, 320, 320, 320, 320, 320, 320, 320, 320, 49407}, shorter);
        assertThrows(IllegalArgumentException.class, () -> TOK.encodePadded(p, 1, 0));
    }

    @Test
    void typedSpecialTokensBecomeSpecialIds() {
        assertArrayEquals(new int[] {49406, 2368, 49407}, TOK.encode("<|startoftext|>cat<|endoftext|>"));
        assertArrayEquals(new int[] {49406}, TOK.encode("<|StartOfText|>"));
        // written as HTML entities, they are unescaped first and still special
        assertArrayEquals(new int[] {49407}, TOK.encode("&lt;|endoftext|&gt;"));
    }

    @Test
    void emojiAndNonLatinScriptsAreByteLevel() {
        assertEquals(List.of("ðŁĺĢ</w>"), TOK.tokens("😀"));
        assertEquals("日本の風景 ", TOK.decode(TOK.encode("日本の風景")));
        assertEquals("emoji 😀 ❤️ ", TOK.decode(TOK.encode("Emoji 😀 ❤️")));
    }

    @Test
    void decodeJoinsWordsWithSpaces() {
        assertEquals("a photo of a cat ", TOK.decode(TOK.encode("A Photo of a CAT")));
        assertThrows(IllegalArgumentException.class, () -> TOK.decode(new int[] {49408}));
    }

    @Test
    void cachedAndConcurrentEncodingAgree() throws Exception {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 40; i++) prompts.add("an astronaut riding horse number " + i + " on mars, highly detailed x" + i);
        List<int[]> expected = new ArrayList<>();
        for (String p : prompts) expected.add(TOK.encode(p));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<int[]>>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) fs.add(pool.submit(() -> prompts.stream().map(TOK::encode).toList()));
            for (Future<List<int[]>> f : fs) {
                List<int[]> got = f.get();
                for (int i = 0; i < prompts.size(); i++) assertArrayEquals(expected.get(i), got.get(i), prompts.get(i));
            }
        } finally {
            pool.shutdown();
        }
    }

    // ---- loading folders ----

    static Path copyFolder(Path to) throws IOException {
        Files.copy(DIR.resolve("vocab.json"), to.resolve("vocab.json"));
        Files.copy(DIR.resolve("merges.txt"), to.resolve("merges.txt"));
        return to;
    }

    /** A tiny CLIP-shaped tokenizer folder: "!" = 0, "a</w>" = 1, "b" = 2, "ba</w>" = 3, BOS/EOS 4/5. */
    static Path tinyFolder(Path to) throws IOException {
        Files.writeString(to.resolve("vocab.json"), "{\"!\": 0, \"a</w>\": 1, \"b\": 2, \"ba</w>\": 3, \"<|startoftext|>\": 4, \"<|endoftext|>\": 5}");
        Files.writeString(to.resolve("merges.txt"), "#version: 0.2\nb a</w>\n");
        return to;
    }

    @Test
    void tinyFolderMergesByRank(@TempDir Path tmp) throws IOException {
        ClipTokenizer t = ClipTokenizer.load(tinyFolder(tmp));
        assertArrayEquals(new int[] {1, 3}, t.encode("A ba"));
        assertArrayEquals(new int[] {4, 1, 3, 5, 5}, t.encodePadded("a ba", 5, t.padId()));
    }

    @Test
    void loadsADiffusersTokenizerFolder(@TempDir Path tmp) throws IOException {
        ClipTokenizer t = ClipTokenizer.load(copyFolder(tmp));
        assertEquals(49407, t.padId());
        assertEquals(77, t.maxLength());
        assertArrayEquals(TOK.encodePadded("a photo of a cat"), t.encodePadded("a photo of a cat"));
    }

    @Test
    void sd2AndSdxlTokenizer2PadWithExclamationMark(@TempDir Path tmp) throws IOException {
        tinyFolder(tmp);
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"model_max_length\": 77, \"do_lower_case\": true,"
                + " \"pad_token\": {\"__type\": \"AddedToken\", \"content\": \"!\", \"lstrip\": false}}");
        ClipTokenizer t = ClipTokenizer.load(tmp);
        assertEquals(0, t.padId());
        int[] ids = t.encodePadded("a");
        assertEquals(0, ids[76]);
        Files.writeString(tmp.resolve("special_tokens_map.json"), "{\"pad_token\": \"<|endoftext|>\"}");
        assertEquals(5, ClipTokenizer.load(tmp).padId(), "special_tokens_map.json wins");
    }

    @Test
    void hugeModelMaxLengthSentinelMeans77(@TempDir Path tmp) throws IOException {
        tinyFolder(tmp);
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"model_max_length\": 1000000000000000019884624838656}");
        assertEquals(77, ClipTokenizer.load(tmp).maxLength());
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"model_max_length\": 64}");
        assertEquals(64, ClipTokenizer.load(tmp).maxLength());
        assertEquals(64, ClipTokenizer.load(tmp).encodePadded("x").length);
    }

    @Test
    void loadsAHuggingFaceTokenizerJson(@TempDir Path tmp) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.set("vocab", json(DIR.resolve("vocab.json")));
        ArrayNode merges = model.putArray("merges");
        List<String> lines = Files.readAllLines(DIR.resolve("merges.txt"), StandardCharsets.UTF_8);
        for (String l : lines.subList(1, lines.size())) merges.add(l);
        root.putObject("padding").put("pad_token", "!");
        m.writeValue(tmp.resolve("tokenizer.json").toFile(), root);
        ClipTokenizer t = ClipTokenizer.load(tmp);
        assertEquals(0, t.padId());
        for (JsonNode c : json(DIR.resolve("tokens.json")).get("cases")) {
            assertArrayEquals(ints(c.get("padded_zero")), t.encodePadded(c.get("prompt").asText()), c.get("id").asText());
        }
    }

    @Test
    void errorsNameTheFileAndTheFix(@TempDir Path tmp) throws IOException {
        IOException e = assertThrows(IOException.class, () -> ClipTokenizer.load(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("tokenizer/"), e.getMessage());
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(tmp));
        assertTrue(e.getMessage().contains("no vocab.json + merges.txt"), e.getMessage());
        Files.writeString(tmp.resolve("vocab.json"), "{\"a\": 1}");
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(tmp));
        assertTrue(e.getMessage().contains("merges.txt: no such file"), e.getMessage());
        Files.writeString(tmp.resolve("merges.txt"), "#version: 0.2\ni n\nt h e\n");
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(tmp));
        assertTrue(e.getMessage().contains("merges.txt:3: expected two symbols"), e.getMessage());
        Files.writeString(tmp.resolve("merges.txt"), "#version: 0.2\ni n\n");
        Files.writeString(tmp.resolve("vocab.json"), "{\"a\": 1,");
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(tmp));
        assertTrue(e.getMessage().contains("vocab.json: not valid JSON") && e.getMessage().contains("restore"), e.getMessage());
        Files.writeString(tmp.resolve("vocab.json"), "{\"a\": 1}");
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(tmp));
        assertTrue(e.getMessage().contains("no '<|startoftext|>'"), e.getMessage());
        tinyFolder(Files.createDirectory(tmp.resolve("ok")));
        Files.writeString(tmp.resolve("ok").resolve("tokenizer_config.json"), "{\"pad_token\": \"<pad>\"}");
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(tmp.resolve("ok")));
        assertTrue(e.getMessage().contains("no '<pad>' (the pad token)"), e.getMessage());
    }

    @Test
    void htmlUnescapeFollowsPython() {
        // expected values from CPython 3.11 html.unescape
        assertEquals("&", HtmlUnescape.unescape("&amp;"));
        assertEquals("&amp;", HtmlUnescape.unescape("&amp;amp;"));
        assertEquals("¬it;", HtmlUnescape.unescape("&notit;"));
        assertEquals("∉", HtmlUnescape.unescape("&notin;"));
        assertEquals("©2", HtmlUnescape.unescape("&copy2"));
        assertEquals("€\uFFFD\r", HtmlUnescape.unescape("&#128;&#0;&#13;"));
        assertEquals("\uFFFD\uFFFD", HtmlUnescape.unescape("&#1114112;&#xD800;"));
        assertEquals("x", HtmlUnescape.unescape("&#127;x&#xFFFF;"));
        assertEquals("😀😀", HtmlUnescape.unescape("&#x1F600;&#128512"));
        assertEquals("&#; &#x; & amp; &;", HtmlUnescape.unescape("&#; &#x; & amp; &;"));
        assertEquals("\u2AA1\u0338", HtmlUnescape.unescape("&NotNestedLessLess;"));
        assertEquals("&unknownentity;", HtmlUnescape.unescape("&unknownentity;"));
    }
}
