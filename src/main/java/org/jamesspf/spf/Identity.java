package org.jamesspf.spf;

import java.util.Locale;

/** The identities RFC 7208 2.3 and 2.4 check. */
public enum Identity {
    /** RFC 7208 2.3: the HELO/EHLO name. */
    HELO,
    /** RFC 7208 2.4: the MAIL FROM reverse-path (or postmaster@HELO for the null path). */
    MAILFROM;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The identity as named in Received-SPF's {@code identity=} key (RFC 7208 9.1). */
    public String token() {
        return token;
    }
}
