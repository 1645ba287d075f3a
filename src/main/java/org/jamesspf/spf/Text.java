package org.jamesspf.spf;

/** Bounds on text the engine keeps from DNS data (terms, problems, trace details). */
final class Text {
    private static final String CUT = "...";

    private Text() {
    }

    /** {@code text} when it has at most {@code max} characters, else its first ones and "..." ({@code max} in all). */
    static String capped(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        return text.substring(0, Math.max(0, max - CUT.length())) + CUT;
    }
}
