package org.sampler4j.host.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Python's {@code html.unescape}: numeric and HTML5 named character references, with the HTML5 rules for invalid
 * references (the Windows-1252 remapping of 0x80-0x9F, U+FFFD for surrogates and out-of-range numbers, removal of
 * non-characters and control code points) and the longest-prefix rule for legacy names written without {@code ;}.
 * Provenance: CPython {@code Lib/html/__init__.py} ({@code unescape}, {@code _replace_charref}), table from
 * {@code html.entities.html5} (resource {@code html5-entities.txt}).
 */
final class HtmlUnescape {
    private static final Map<String, String> NAMED = loadNamed();
    private static final int MAX_NAME = 32;

    private HtmlUnescape() {}

    /** {@code html.unescape(s)}. */
    static String unescape(String s) {
        if (s.indexOf('&') < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int end = matchReference(s, i + 1);
            if (end < 0) {
                out.append('&');
                i++;
                continue;
            }
            out.append(replace(s.substring(i + 1, end)));
            i = end;
        }
        return out.toString();
    }

    /**
     * The end of the regex {@code #[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?} matched at {@code from}, or -1.
     */
    private static int matchReference(String s, int from) {
        int n = s.length();
        if (from >= n) return -1;
        if (s.charAt(from) == '#') {
            int j = from + 1;
            while (j < n && isDigit(s.charAt(j))) j++;
            if (j > from + 1) return j < n && s.charAt(j) == ';' ? j + 1 : j;
            if (from + 1 < n && (s.charAt(from + 1) == 'x' || s.charAt(from + 1) == 'X')) {
                j = from + 2;
                while (j < n && Character.digit(s.charAt(j), 16) >= 0 && s.charAt(j) < 128) j++;
                if (j > from + 2) return j < n && s.charAt(j) == ';' ? j + 1 : j;
            }
            return -1;
        }
        int j = from;
        int count = 0;
        while (j < n && count < MAX_NAME) {
            int cp = s.codePointAt(j);
            if (cp == '\t' || cp == '\n' || cp == '\f' || cp == ' ' || cp == '<' || cp == '&' || cp == '#' || cp == ';') break;
            j += Character.charCount(cp);
            count++;
        }
        if (count == 0) return -1;
        return j < n && s.charAt(j) == ';' ? j + 1 : j;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** {@code _replace_charref} on the text after {@code &}. */
    private static String replace(String ref) {
        if (ref.charAt(0) == '#') {
            boolean hex = ref.charAt(1) == 'x' || ref.charAt(1) == 'X';
            String digits = ref.substring(hex ? 2 : 1, ref.endsWith(";") ? ref.length() - 1 : ref.length());
            long num = 0;
            for (int k = 0; k < digits.length() && num <= 0x10FFFF; k++) num = num * (hex ? 16 : 10) + Character.digit(digits.charAt(k), 16);
            String mapped = invalidCharref(num);
            if (mapped != null) return mapped;
            if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) return "\uFFFD";
            if (isInvalidCodePoint((int) num)) return "";
            return new String(Character.toChars((int) num));
        }
        String v = NAMED.get(ref);
        if (v != null) return v;
        int cps = ref.codePointCount(0, ref.length());
        for (int x = cps - 1; x > 1; x--) {
            int cut = ref.offsetByCodePoints(0, x);
            String p = NAMED.get(ref.substring(0, cut));
            if (p != null) return p + ref.substring(cut);
        }
        return "&" + ref;
    }

    /** Windows-1252 code points for the C1 range, 0 and 13 (HTML5 "numeric character reference end state"). */
    private static final String C1 = "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
            + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    private static String invalidCharref(long num) {
        if (num == 0) return "\uFFFD";
        if (num == 13) return "\r";
        if (num >= 0x80 && num <= 0x9F) return String.valueOf(C1.charAt((int) num - 0x80));
        return null;
    }

    private static boolean isInvalidCodePoint(int cp) {
        return (cp >= 0x1 && cp <= 0x8) || cp == 0xB || (cp >= 0xE && cp <= 0x1F) || (cp >= 0x7F && cp <= 0x9F)
                || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }

    private static Map<String, String> loadNamed() {
        Map<String, String> m = new HashMap<>(4096);
        try (InputStream in = HtmlUnescape.class.getResourceAsStream("html5-entities.txt")) {
            if (in == null) throw new IllegalStateException("missing resource org/sampler4j/host/text/html5-entities.txt (broken build)");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isEmpty() || line.startsWith("#")) continue;
                int tab = line.indexOf('\t');
                StringBuilder v = new StringBuilder();
                for (String hex : line.substring(tab + 1).split(" ")) v.appendCodePoint(Integer.parseInt(hex, 16));
                m.put(line.substring(0, tab), v.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(m);
    }
}
