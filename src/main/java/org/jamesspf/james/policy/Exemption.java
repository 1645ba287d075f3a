package org.jamesspf.james.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * Why a transaction is not held to its SPF result, and what showed it (README "Exemptions"). RFC 7208
 * leaves local policy to the receiver; RFC 8601 2.4 records it as result {@code policy}.
 */
public final class Exemption {
    /** What exempted a transaction. */
    public enum Kind {
        AUTHENTICATED,
        RELAYING_ALLOWED,
        TRUSTED_NETWORK,
        UNVERIFIED_SENDER_DOMAIN,
        VERIFIED_HELO,
        FORWARDER,
        /** A gateway's message whose original client could not be read, accepted unchecked by configuration. */
        GATEWAY_UNREADABLE;

        /** The name in metrics, attributes, logs and headers: {@code forwarder}, {@code verified-helo}. */
        public String token() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Kind kind;
    private final String detail;

    public Exemption(Kind kind, String detail) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    public Kind kind() {
        return kind;
    }

    /** What showed it: "203.0.113.40 passes the SPF of forwarder lists.example.org". */
    public String detail() {
        return detail;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Exemption && ((Exemption) o).kind == kind && ((Exemption) o).detail.equals(detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, detail);
    }

    @Override
    public String toString() {
        return kind.token() + ": " + detail;
    }
}
