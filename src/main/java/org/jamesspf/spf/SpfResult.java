package org.jamesspf.spf;

import java.util.Locale;

/** The seven results of check_host(), RFC 7208 2.6. {@link #token()} is the RFC's own word. */
public enum SpfResult {
    NONE,
    NEUTRAL,
    PASS,
    FAIL,
    SOFTFAIL,
    TEMPERROR,
    PERMERROR;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The RFC 7208 token, as written in Received-SPF and Authentication-Results. */
    public String token() {
        return token;
    }

    @Override
    public String toString() {
        return token;
    }
}
