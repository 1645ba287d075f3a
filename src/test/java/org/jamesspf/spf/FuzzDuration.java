package org.jamesspf.spf;

/** How long one fuzz test runs with {@code JAZZER_FUZZ=1} (Jazzer reads it from the annotation). */
public final class FuzzDuration {
    /** Ten minutes: the length of a run before an issue touching the fuzzed code is closed. */
    public static final String MAX = "10m";

    private FuzzDuration() {
    }
}
