package org.sampler4j.host.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** TEMPORARY STUB (branch sd): whole-word lookups only; replaced by the real tokenizer from branch tok-sde. */
public final class ClipTokenizer {
    private final Map<String, Integer> vocab;
    private final int pad;

    private ClipTokenizer(Map<String, Integer> vocab, int pad) {
        this.vocab = vocab;
        this.pad = pad;
    }

    public static ClipTokenizer load(Path folder) {
        return of(folder.resolve("vocab.json"), folder.resolve("merges.txt"), "<|endoftext|>");
    }

    @SuppressWarnings("unchecked")
    public static ClipTokenizer of(Path vocabJson, Path mergesTxt, String padToken) {
        try {
            Map<String, Integer> v = new ObjectMapper().readValue(Files.readString(vocabJson), Map.class);
            return new ClipTokenizer(v, v.get(padToken));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).strip().split("\\s+|(?=,)")) {
            if (w.isEmpty()) continue;
            Integer id = vocab.get(w + "</w>");
            if (id == null) throw new IllegalStateException("stub tokenizer cannot encode '" + w + "'");
            ids.add(id);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    public int[] encodePadded(String text) {
        return encodePadded(text, 77, pad);
    }

    public int[] encodePadded(String text, int maxLength, int padId) {
        int[] ids = encode(text);
        int[] out = new int[maxLength];
        Arrays.fill(out, padId);
        out[0] = bos();
        int n = Math.min(ids.length, maxLength - 2);
        System.arraycopy(ids, 0, out, 1, n);
        out[n + 1] = eos();
        return out;
    }

    public boolean truncates(String text) {
        return encode(text).length > 75;
    }

    public int bos() { return 49406; }
    public int eos() { return 49407; }
    public int padId() { return pad; }
    public int maxLength() { return 77; }
}
