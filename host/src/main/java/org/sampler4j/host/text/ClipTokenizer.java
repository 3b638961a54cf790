package org.sampler4j.host.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CLIP byte-level BPE tokenizer of every Stable Diffusion text encoder (SD 1.x, SD 2.x, both SDXL encoders).
 * Provenance: OpenAI CLIP {@code clip/simple_tokenizer.py} ({@code SimpleTokenizer.encode}, {@code bpe}), as Hugging Face's
 * {@code CLIPTokenizer} reproduces it, with {@code ftfy.fix_text} replaced by NFC normalisation.
 *
 * <p>The algorithm, in order: NFC; Python's {@code html.unescape} twice; strip; collapse whitespace runs to one space;
 * strip; lower-case; split into pieces with
 * {@code <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+} (case-insensitive);
 * map each piece's UTF-8 bytes through GPT-2's byte-to-unicode table; mark the last symbol with {@code </w>}; merge
 * adjacent pairs by rank until none applies; look the symbols up in the vocabulary. A special-token string typed in a
 * prompt becomes its special id. Merged pieces are cached (thread-safe; bounded).
 *
 * <p><b>Why pure Java, not DJL's HuggingFace tokenizers binding:</b> the binding ships an 18.7 MB native library
 * per platform for what is ~300 lines of deterministic string code here, and the fast tokenizer's CLIP pipeline
 * (its normalizer and pre-tokenizer) differs from the reference on some inputs (HTML entities, which it does not
 * unescape); this implementation follows the reference step by step and is checked against every case of the
 * {@code clip_tokenizer/1} golden file.
 *
 * <p>Python semantics reproduced: {@code strip} removes what {@code str.isspace} accepts, the reference's {@code regex}
 * module matches Unicode White_Space for {@code \s} (U+001C..U+001F are stripped at the ends but split as punctuation inside);
 * letters and numbers are the Unicode general categories L* and N*; lower-casing is Python's {@code str.lower} (full
 * mapping, CPython's Final_Sigma rule), see {@code PythonText}. Categories come from the JDK's Unicode tables (Unicode
 * 13 on Java 17), so only characters assigned or re-categorised after that can split differently from the reference. Like {@code CLIPTokenizer}, at most 48,894 merges are read from {@code merges.txt}.
 *
 * <p>Instances are immutable apart from the cache and safe to share between threads.
 */
public final class ClipTokenizer {
    /** The start-of-text token. */
    public static final String START = "<|startoftext|>";
    /** The end-of-text token (also the pad token of SD 1.x and SDXL's first tokenizer). */
    public static final String END = "<|endoftext|>";
    /** CLIP's context length. */
    public static final int DEFAULT_MAX_LENGTH = 77;
    /** {@code CLIPTokenizer} reads {@code merges[1 : 49152 - 256 - 2 + 1]}. */
    static final int MAX_MERGES = 49152 - 256 - 2;
    private static final int CACHE_LIMIT = 65_536;
    private static final char[] BYTE_TO_UNICODE = byteToUnicode();
    private static final Map<Character, Integer> UNICODE_TO_BYTE = unicodeToByte();
    private static final String[] CONTRACTIONS = {"s", "t", "re", "ve", "m", "ll", "d"};

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final Map<String, Integer> ranks;
    private final int bos;
    private final int eos;
    private final int padId;
    private final int maxLength;
    private final Map<String, Piece> cache = new ConcurrentHashMap<>();

    private record Piece(String[] tokens, int[] ids) {}

    private ClipTokenizer(Map<String, Integer> vocab, List<String[]> merges, String padToken, int maxLength, String source) throws IOException {
        this.vocab = java.util.Collections.unmodifiableMap(vocab);
        int maxId = 0;
        for (int id : vocab.values()) maxId = Math.max(maxId, id);
        this.idToToken = new String[maxId + 1];
        vocab.forEach((t, id) -> idToToken[id] = t);
        Map<String, Integer> r = new HashMap<>(merges.size() * 2);
        for (int i = 0; i < merges.size(); i++) r.put(merges.get(i)[0] + " " + merges.get(i)[1], i);
        this.ranks = r;
        this.bos = require(START, source, "the CLIP start token");
        this.eos = require(END, source, "the CLIP end token");
        this.padId = require(padToken, source, "the pad token");
        if (maxLength < 2) throw new IOException(source + ": model_max_length must be >= 2, got " + maxLength);
        this.maxLength = maxLength;
    }

    private int require(String token, String source, String what) throws IOException {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IOException(source + ": the vocabulary has no '" + token + "' (" + what + "); is this a CLIP tokenizer folder "
                    + "(vocab.json from a diffusers tokenizer/ or tokenizer_2/)?");
        }
        return id;
    }

    /**
     * Loads a diffusers {@code tokenizer/} (or {@code tokenizer_2/}) folder: {@code vocab.json} + {@code merges.txt}, or
     * a Hugging Face {@code tokenizer.json} with a BPE model when those are absent. The pad token and maximum length come
     * from {@code special_tokens_map.json} / {@code tokenizer_config.json} when present (SD 2.x and SDXL's
     * {@code tokenizer_2} pad with {@code !}, id 0), else {@code <|endoftext|>} and 77.
     *
     * @throws IOException if a file is missing or malformed (the message names the file and the fix)
     */
    public static ClipTokenizer load(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException(folder + ": no such folder; point at a diffusers model's tokenizer/ (or tokenizer_2/) folder");
        }
        Path vocabJson = folder.resolve("vocab.json");
        Path mergesTxt = folder.resolve("merges.txt");
        Path fast = folder.resolve("tokenizer.json");
        JsonNode config = readOptional(folder.resolve("tokenizer_config.json"));
        JsonNode special = readOptional(folder.resolve("special_tokens_map.json"));
        String pad = tokenString(special.get("pad_token"));
        if (pad == null) pad = tokenString(config.get("pad_token"));
        int maxLength = DEFAULT_MAX_LENGTH;
        JsonNode m = config.get("model_max_length");
        // transformers writes a huge sentinel (int(1e30)) when a tokenizer has no limit: CLIP's context length applies then
        if (m != null && m.isNumber() && m.asDouble() >= 2 && m.asDouble() <= 1_000_000) maxLength = m.asInt();
        if (Files.isRegularFile(vocabJson) || Files.isRegularFile(mergesTxt)) {
            return new ClipTokenizer(readVocab(vocabJson), readMerges(mergesTxt), pad == null ? END : pad, maxLength, folder.toString());
        }
        if (Files.isRegularFile(fast)) return fromTokenizerJson(fast, pad, maxLength);
        throw new IOException(folder + ": no vocab.json + merges.txt (or tokenizer.json) in this folder; point at a diffusers model's "
                + "tokenizer/ (or tokenizer_2/) folder");
    }

    /**
     * A tokenizer from explicit files.
     *
     * @param padToken the pad token ({@code "<|endoftext|>"} for SD 1.x and SDXL's first tokenizer, {@code "!"} for SD 2.x
     *     and SDXL's {@code tokenizer_2})
     */
    public static ClipTokenizer of(Path vocabJson, Path mergesTxt, String padToken) throws IOException {
        return new ClipTokenizer(readVocab(vocabJson), readMerges(mergesTxt), padToken, DEFAULT_MAX_LENGTH, vocabJson.toString());
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode readJson(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file; a CLIP tokenizer folder has vocab.json and merges.txt (copy the model's tokenizer/ folder)");
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON (" + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + "); restore the file from the model's tokenizer/ folder", e);
        }
    }

    private static JsonNode readOptional(Path file) throws IOException {
        return Files.isRegularFile(file) ? readJson(file) : JSON.createObjectNode();
    }

    /** A token field of a config: a string or an AddedToken object with {@code content}. */
    private static String tokenString(JsonNode n) {
        if (n == null || n.isNull()) return null;
        if (n.isTextual()) return n.asText();
        JsonNode c = n.get("content");
        return c != null && c.isTextual() ? c.asText() : null;
    }

    /** Streams {@code vocab.json} into a map (a tree of 49,408 nodes first would double the load time). */
    private static Map<String, Integer> readVocab(Path vocabJson) throws IOException {
        if (!Files.isRegularFile(vocabJson)) readJson(vocabJson);
        Map<String, Integer> v = new HashMap<>(1 << 17);
        try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(vocabJson.toFile())) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw new IOException(vocabJson + ": expected a JSON object mapping tokens to ids; restore the file from the model's tokenizer/ folder");
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String token = p.getCurrentName();
                if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT || p.getIntValue() < 0) {
                    throw new IOException(vocabJson + ": token '" + token + "' has id " + p.getText() + ", expected a non-negative integer");
                }
                v.put(token, p.getIntValue());
            }
        } catch (JsonProcessingException e) {
            throw new IOException(vocabJson + ": not valid JSON (" + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + "); restore the file from the model's tokenizer/ folder", e);
        }
        if (v.isEmpty()) throw new IOException(vocabJson + ": an empty vocabulary; restore the file from the model's tokenizer/ folder");
        return v;
    }

    private static Map<String, Integer> vocabFrom(JsonNode root, String source) throws IOException {
        if (!root.isObject() || root.isEmpty()) {
            throw new IOException(source + ": expected a JSON object mapping tokens to ids; restore the file from the model's tokenizer/ folder");
        }
        Map<String, Integer> v = new HashMap<>(root.size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw new IOException(source + ": token '" + e.getKey() + "' has id " + e.getValue() + ", expected a non-negative integer");
            }
            v.put(e.getKey(), e.getValue().asInt());
        }
        return v;
    }

    private static List<String[]> readMerges(Path mergesTxt) throws IOException {
        if (!Files.isRegularFile(mergesTxt)) {
            throw new IOException(mergesTxt + ": no such file; a CLIP tokenizer folder has vocab.json and merges.txt (copy the model's tokenizer/ folder)");
        }
        List<String> lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
        List<String[]> merges = new ArrayList<>();
        for (int i = 0; i < lines.size() && merges.size() < MAX_MERGES; i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) continue;
            String[] pair = splitPair(line);
            if (pair == null) {
                throw new IOException(mergesTxt + ":" + (i + 1) + ": expected two symbols separated by a space, got '" + line
                        + "'; restore the file from the model's tokenizer/ folder");
            }
            merges.add(pair);
        }
        if (merges.isEmpty()) throw new IOException(mergesTxt + ": no merges; restore the file from the model's tokenizer/ folder");
        return merges;
    }

    /** {@code line.split()} when it gives exactly two symbols, else null. */
    private static String[] splitPair(String line) {
        int sp = line.indexOf(' ');
        if (sp <= 0) return null;
        String a = line.substring(0, sp);
        String b = line.substring(sp + 1).strip();
        for (int k = 0; k < b.length(); k++) if (Character.isWhitespace(b.charAt(k))) return null;
        for (int k = 0; k < a.length(); k++) if (Character.isWhitespace(a.charAt(k))) return null;
        return b.isEmpty() ? null : new String[] {a, b};
    }

    /** A Hugging Face {@code tokenizer.json} whose model is CLIP's BPE (vocab and merges; the rest is this class's CLIP pipeline). */
    private static ClipTokenizer fromTokenizerJson(Path file, String pad, int maxLength) throws IOException {
        JsonNode root = readJson(file);
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText()) || !model.path("vocab").isObject() || !model.path("merges").isArray()) {
            throw new IOException(file + ": expected a BPE model with vocab and merges (model.type \"BPE\"); use the folder's vocab.json + merges.txt instead");
        }
        List<String[]> merges = new ArrayList<>();
        for (JsonNode m : model.get("merges")) {
            String[] pair = m.isArray() ? new String[] {m.path(0).asText(), m.path(1).asText()} : m.asText().split(" ");
            if (pair.length != 2) throw new IOException(file + ": merge " + m + " is not a pair of symbols");
            merges.add(pair);
        }
        if (pad == null) pad = tokenString(root.path("padding").get("pad_token"));
        return new ClipTokenizer(vocabFrom(model.get("vocab"), file.toString()), merges, pad == null ? END : pad, maxLength, file.toString());
    }

    /** The BPE ids of a prompt: no BOS/EOS, no truncation. */
    public int[] encode(String prompt) {
        List<Piece> pieces = pieces(prompt);
        int n = 0;
        for (Piece p : pieces) n += p.ids.length;
        int[] ids = new int[n];
        int k = 0;
        for (Piece p : pieces) {
            System.arraycopy(p.ids, 0, ids, k, p.ids.length);
            k += p.ids.length;
        }
        return ids;
    }

    /** The BPE strings of a prompt (byte-level symbols, {@code </w>} ending a word), as {@link #encode} numbers them. */
    public List<String> tokens(String prompt) {
        List<String> out = new ArrayList<>();
        for (Piece p : pieces(prompt)) out.addAll(Arrays.asList(p.tokens));
        return List.copyOf(out);
    }

    /** {@link #maxLength()} ids: {@code [bos] + ids[:maxLength-2] + [eos]}, padded with {@link #padId()}. */
    public int[] encodePadded(String prompt) {
        return encodePadded(prompt, maxLength, padId);
    }

    /** {@code maxLength} ids: {@code [bos] + ids[:maxLength-2] + [eos]}, padded with {@code padId}. */
    public int[] encodePadded(String prompt, int maxLength, int padId) {
        if (maxLength < 2) throw new IllegalArgumentException("maxLength must be >= 2 (room for BOS and EOS), got " + maxLength);
        int[] ids = encode(prompt);
        int[] out = new int[maxLength];
        Arrays.fill(out, padId);
        int n = Math.min(ids.length, maxLength - 2);
        out[0] = bos;
        System.arraycopy(ids, 0, out, 1, n);
        out[n + 1] = eos;
        return out;
    }

    /** Whether the prompt has more than {@code maxLength() - 2} ids (the rest is cut by {@link #encodePadded(String)}). */
    public boolean truncates(String prompt) {
        return encode(prompt).length > maxLength - 2;
    }

    /**
     * The number of positions the attention mask covers in {@link #encodePadded(String)}: BOS, the kept ids and EOS. The
     * EOS position, where CLIP pools, is this minus one.
     */
    public int attentionLength(String prompt) {
        return Math.min(encode(prompt).length, maxLength - 2) + 2;
    }

    /** The text of ids: symbols joined, bytes decoded as UTF-8 (invalid sequences become U+FFFD), {@code </w>} as a space. */
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= idToToken.length || idToToken[id] == null) throw new IllegalArgumentException("id " + id + " is not in the vocabulary");
            for (char c : idToToken[id].toCharArray()) {
                Integer b = UNICODE_TO_BYTE.get(c);
                bytes.write(b == null ? '?' : b);
            }
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8).replace("</w>", " ");
    }

    /** The start-of-text id (49406 in CLIP's vocabulary). */
    public int bos() {
        return bos;
    }

    /** The end-of-text id (49407 in CLIP's vocabulary). */
    public int eos() {
        return eos;
    }

    /** The pad id ({@link #eos()} for SD 1.x and SDXL's first tokenizer, 0 for SD 2.x and SDXL's {@code tokenizer_2}). */
    public int padId() {
        return padId;
    }

    /** The padded length (77 for every CLIP text encoder). */
    public int maxLength() {
        return maxLength;
    }

    /** The vocabulary size. */
    public int vocabSize() {
        return vocab.size();
    }

    // ---- the reference pipeline ----

    private List<Piece> pieces(String prompt) {
        String text = clean(prompt);
        List<Piece> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int cp = text.codePointAt(i);
            if (matchesNothing(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int end = matchPiece(text, i);
            out.add(piece(text.substring(i, end)));
            i = end;
        }
        return out;
    }

    /** {@code whitespace_clean(basic_clean(text)).lower()} with ftfy replaced by NFC. */
    static String clean(String prompt) {
        String t = Normalizer.normalize(prompt, Normalizer.Form.NFC);
        t = HtmlUnescape.unescape(HtmlUnescape.unescape(t));
        t = collapseSpaces(t);
        return PythonText.lower(t);
    }

    /**
     * {@code basic_clean}'s {@code strip()}, then {@code whitespace_clean}: {@code regex.sub(r"\s+", " ", text).strip()}.
     * {@code strip} removes what {@code str.isspace} accepts; the {@code regex} module's {@code \s} is Unicode White_Space,
     * which lacks U+001C..U+001F (those stay inside the text and split as punctuation).
     */
    private static String collapseSpaces(String t) {
        t = PythonText.strip(t);
        StringBuilder b = new StringBuilder(t.length());
        boolean inRun = false;
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            i += Character.charCount(cp);
            if (PythonText.isWhiteSpace(cp)) {
                if (!inRun) b.append(' ');
                inRun = true;
            } else {
                inRun = false;
                b.appendCodePoint(cp);
            }
        }
        return PythonText.strip(b.toString());
    }

    /**
     * Code points no alternative of the split regex matches, which {@code findall} skips: whitespace, and U+0345
     * (COMBINING GREEK YPOGEGRAMMENI), which case-insensitive matching in the {@code regex} module treats as a variant of
     * ι, so the negated class {@code [^\s\p{L}\p{N}]} rejects it while {@code [\p{L}]} does not accept it.
     */
    private static boolean matchesNothing(int cp) {
        return PythonText.isWhiteSpace(cp) || cp == 0x345;
    }

    private static boolean isLetter(int cp) {
        return Character.isLetter(cp);
    }

    private static boolean isNumber(int cp) {
        int t = Character.getType(cp);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** The end of the split regex's match at {@code i} (alternatives tried in the regex's order; never empty). */
    private static int matchPiece(String t, int i) {
        for (String special : new String[] {START, END}) {
            int e = matchIgnoreCase(t, i, special);
            if (e >= 0) return e;
        }
        if (t.charAt(i) == '\'') {
            for (String c : CONTRACTIONS) {
                int e = matchIgnoreCase(t, i + 1, c);
                if (e >= 0) return e;
            }
        }
        int cp = t.codePointAt(i);
        int j = i + Character.charCount(cp);
        if (isLetter(cp)) {
            while (j < t.length() && isLetter(t.codePointAt(j))) j += Character.charCount(t.codePointAt(j));
            return j;
        }
        if (isNumber(cp)) return j;
        while (j < t.length()) {
            int c = t.codePointAt(j);
            if (matchesNothing(c) || isLetter(c) || isNumber(c)) break;
            j += Character.charCount(c);
        }
        return j;
    }

    /** The end of {@code literal} matched case-insensitively (simple case folding) at {@code i}, or -1. */
    private static int matchIgnoreCase(String t, int i, String literal) {
        int j = i;
        for (int k = 0; k < literal.length(); k++) {
            if (j >= t.length()) return -1;
            int cp = t.codePointAt(j);
            if (fold(cp) != fold(literal.charAt(k))) return -1;
            j += Character.charCount(cp);
        }
        return j;
    }

    private static int fold(int cp) {
        return Character.toLowerCase(Character.toUpperCase(cp));
    }

    private Piece piece(String text) {
        Piece p = cache.get(text);
        if (p != null) return p;
        if (text.equals(START) || text.equals(END)) {
            p = new Piece(new String[] {text}, new int[] {vocab.get(text)});
        } else {
            String[] tokens = bpe(byteEncode(text));
            int[] ids = new int[tokens.length];
            for (int k = 0; k < tokens.length; k++) ids[k] = vocab.getOrDefault(tokens[k], eos);
            p = new Piece(tokens, ids);
        }
        if (cache.size() >= CACHE_LIMIT) cache.clear();
        cache.put(text, p);
        return p;
    }

    private static String byteEncode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] c = new char[bytes.length];
        for (int k = 0; k < bytes.length; k++) c[k] = BYTE_TO_UNICODE[bytes[k] & 0xFF];
        return new String(c);
    }

    /** {@code SimpleTokenizer.bpe}: merge the lowest-ranked adjacent pair, every occurrence left to right, until none has a rank. */
    private String[] bpe(String encoded) {
        List<String> word = new ArrayList<>(encoded.length());
        for (int k = 0; k < encoded.length() - 1; k++) word.add(String.valueOf(encoded.charAt(k)));
        word.add(encoded.charAt(encoded.length() - 1) + "</w>");
        while (word.size() > 1) {
            int best = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int k = 0; k + 1 < word.size(); k++) {
                Integer r = ranks.get(word.get(k) + " " + word.get(k + 1));
                if (r != null && r < best) {
                    best = r;
                    first = word.get(k);
                    second = word.get(k + 1);
                }
            }
            if (first == null) break;
            List<String> merged = new ArrayList<>(word.size());
            for (int k = 0; k < word.size(); ) {
                if (k + 1 < word.size() && word.get(k).equals(first) && word.get(k + 1).equals(second)) {
                    merged.add(first + second);
                    k += 2;
                } else {
                    merged.add(word.get(k));
                    k++;
                }
            }
            word = merged;
        }
        return word.toArray(new String[0]);
    }

    /** GPT-2's {@code bytes_to_unicode}: printable Latin-1 bytes map to themselves, the others to U+0100 onwards. */
    private static char[] byteToUnicode() {
        char[] map = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char) b : (char) (256 + next++);
        }
        return map;
    }

    private static Map<Character, Integer> unicodeToByte() {
        Map<Character, Integer> m = new HashMap<>();
        for (int b = 0; b < 256; b++) m.put(BYTE_TO_UNICODE[b], b);
        return Map.copyOf(m);
    }
}
