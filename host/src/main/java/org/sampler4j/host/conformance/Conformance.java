package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The conformance runner: detects each golden file's format from its content and checks every case.
 * Files may be gzip-compressed ({@code .json.gz} or any gzip content).
 */
public final class Conformance {
    private final List<GoldenChecker> checkers;

    /** A runner with the given checkers (tried in order). */
    public Conformance(List<GoldenChecker> checkers) {
        this.checkers = List.copyOf(checkers);
    }

    /** A runner with every built-in checker. */
    public static Conformance standard() {
        return new Conformance(Checkers.all());
    }

    /** The result of one file. */
    public record FileReport(String file, String format, List<CaseResult> cases) {
        /** Count of cases with that status. */
        public long count(CaseResult.Status s) {
            return cases.stream().filter(c -> c.status() == s).count();
        }

        /** Per-file aggregates of the cases' metrics (sum, or maximum for names ending in {@code _max}). */
        public java.util.Map<String, Double> metrics() {
            java.util.Map<String, Double> m = new java.util.TreeMap<>();
            for (CaseResult c : cases) {
                c.metrics().forEach((k, v) -> m.merge(k, v, k.endsWith("_max") ? Math::max : Double::sum));
            }
            return m;
        }

        /** {@code FILE: N passed, M failed, K skipped}. */
        public String summary() {
            return file + ": " + count(CaseResult.Status.PASSED) + " passed, " + count(CaseResult.Status.FAILED) + " failed, "
                    + count(CaseResult.Status.SKIPPED) + " skipped";
        }
    }

    /** Reads a (possibly gzipped) JSON file. */
    public static JsonNode read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /** Python's json writes NaN, Infinity and -Infinity as bare tokens: accept them. */
    private static final ObjectMapper READER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** Reads (possibly gzipped) JSON from a stream. */
    public static JsonNode read(InputStream raw) throws IOException {
        InputStream in = raw.markSupported() ? raw : new java.io.BufferedInputStream(raw);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) in = new GZIPInputStream(in);
        return READER.readTree(in);
    }

    /** The format name of the checker that knows {@code root}, or {@code null} when none does. */
    public String formatOf(JsonNode root) {
        for (GoldenChecker c : checkers) {
            if (c.accepts(root)) return c.format();
        }
        return null;
    }

    /** Checks a parsed document; fails if no checker knows its format. */
    public FileReport check(String name, JsonNode root) {
        return check(name, root, null);
    }

    /**
     * Checks a parsed document whose file lies in {@code dir} (formats with data beside the JSON file read it from
     * there; {@code null} when there is no file); fails if no checker knows its format.
     */
    public FileReport check(String name, JsonNode root, Path dir) {
        for (GoldenChecker c : checkers) {
            if (c.accepts(root)) return new FileReport(name, c.format(), c.check(root, dir));
        }
        List<String> known = new ArrayList<>();
        for (GoldenChecker c : checkers) known.add(c.format());
        throw new IllegalArgumentException(name + ": not a golden file of a known format (known: " + String.join(", ", known) + ")");
    }

    /** Reads and checks a file. */
    public FileReport check(Path file) throws IOException {
        return check(file, read(file));
    }

    /** Checks a file already read ({@code root} is its content; files it refers to are found relative to it). */
    public FileReport check(Path file, JsonNode root) {
        return check(file.toString(), root, file.toAbsolutePath().getParent());
    }
}
