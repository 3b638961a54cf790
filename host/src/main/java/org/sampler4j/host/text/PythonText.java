package org.sampler4j.host.text;

/**
 * Python 3 string semantics the CLIP reference relies on, where Java's differ: {@code str.isspace}/{@code str.strip},
 * the {@code regex} module's {@code \s} and {@code str.lower} (whose Final_Sigma rule differs from
 * {@link String#toLowerCase}). Checked code point by code point against CPython 3.11 (equal for every code point the
 * JDK's Unicode version assigns, except U+1734, which Unicode 14 re-categorised).
 */
final class PythonText {
    private PythonText() {}

    /** {@code str.isspace}: bidi classes WS, B, S or category Zs (Unicode White_Space plus U+001C..U+001F). */
    static boolean isSpace(int cp) {
        return (cp >= 0x1C && cp <= 0x1F) || isWhiteSpace(cp);
    }

    /** The Unicode White_Space property: the {@code regex} module's {@code \s} on strings. */
    static boolean isWhiteSpace(int cp) {
        if (cp < 128) return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20;
        return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    /** {@code str.strip()}. */
    static String strip(String t) {
        int from = 0;
        int to = t.length();
        while (from < to && isSpace(t.codePointAt(from))) from += Character.charCount(t.codePointAt(from));
        while (to > from && isSpace(t.codePointBefore(to))) to -= Character.charCount(t.codePointBefore(to));
        return t.substring(from, to);
    }

    /**
     * {@code str.lower()}: the full lower-case mapping (U+0130 becomes {@code i} + U+0307, the only unconditional
     * special casing) and U+03A3 in CPython's Final_Sigma context
     * ({@code \p{cased}\p{case-ignorable}* Σ !(\p{case-ignorable}* \p{cased})}) becomes ς.
     */
    static String lower(String t) {
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            if (cp == 0x3A3) b.append(finalSigma(t, i) ? 'ς' : 'σ');
            else if (cp == 0x130) b.append("i\u0307");
            else b.appendCodePoint(Character.toLowerCase(cp));
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    /** CPython's {@code handle_capital_sigma} for the Σ at {@code i}. */
    private static boolean finalSigma(String t, int i) {
        int j = i;
        int c = 0;
        boolean found = false;
        while (j > 0) {
            c = t.codePointBefore(j);
            j -= Character.charCount(c);
            if (!isCaseIgnorable(c)) {
                found = true;
                break;
            }
        }
        if (!found || !isCased(c)) return false;
        j = i + 1;
        while (j < t.length()) {
            c = t.codePointAt(j);
            if (!isCaseIgnorable(c)) return !isCased(c);
            j += Character.charCount(c);
        }
        return true;
    }

    /** Unicode Cased: Lowercase, Uppercase or Lt (Java's predicates include Other_Lowercase / Other_Uppercase). */
    private static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /** Unicode Case_Ignorable: Mn, Me, Cf, Lm, Sk, or Word_Break MidLetter, MidNumLet or Single_Quote. */
    private static boolean isCaseIgnorable(int cp) {
        switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT, Character.MODIFIER_LETTER, Character.MODIFIER_SYMBOL:
                return true;
            default:
                break;
        }
        return switch (cp) {
            case '\'', '.', ':', 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A -> true;
            default -> false;
        };
    }
}
