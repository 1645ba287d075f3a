package org.jamesspf.spf.record;

import org.jamesspf.spf.SpfResult;

/** RFC 7208 4.6.2: the qualifier of a mechanism and the result it gives on a match. */
public enum Qualifier {
    PASS('+', SpfResult.PASS),
    FAIL('-', SpfResult.FAIL),
    SOFTFAIL('~', SpfResult.SOFTFAIL),
    NEUTRAL('?', SpfResult.NEUTRAL);

    private final char symbol;
    private final SpfResult result;

    Qualifier(char symbol, SpfResult result) {
        this.symbol = symbol;
        this.result = result;
    }

    public char symbol() {
        return symbol;
    }

    public SpfResult result() {
        return result;
    }

    /** The qualifier for a symbol, or {@code null}. */
    static Qualifier ofSymbolOrNull(char c) {
        switch (c) {
            case '+':
                return PASS;
            case '-':
                return FAIL;
            case '~':
                return SOFTFAIL;
            case '?':
                return NEUTRAL;
            default:
                return null;
        }
    }
}
