package org.jamesspf.spf.macro;

/** Supplies the values of macro letters (RFC 7208 7.3) for one expansion. */
public interface MacroContext {
    /**
     * The value of a lower-case macro letter, before transformers. Never {@code null}: a value
     * that cannot be had (a {@code p} with no validated name) is RFC 7208's "unknown".
     */
    String value(char letter);

    /**
     * Told the octets each expansion step built (a literal's characters taken, a macro's
     * transformed value): a counter of expansion work for tests and limits. Does nothing by default.
     */
    default void built(int octets) {
    }
}
