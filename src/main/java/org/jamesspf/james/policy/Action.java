package org.jamesspf.james.policy;

import java.util.Objects;

/** What to do with a transaction for one (identity, result): accept, or refuse with a reply. */
public final class Action {
    /** The kinds of action. */
    public enum Kind {
        /** Let the transaction go on (headers and attributes still record the result). */
        ACCEPT,
        /** Refuse temporarily (4xx): the client retries later. */
        DEFER,
        /** Refuse permanently (5xx). */
        REJECT;

        /** Reject outranks defer, defer outranks accept. */
        public boolean outranks(Kind other) {
            return ordinal() > other.ordinal();
        }
    }

    private static final Action ACCEPT = new Action(Kind.ACCEPT, "", "", ReplyTemplate.EMPTY);

    private final Kind kind;
    private final String code;
    private final String status;
    private final ReplyTemplate text;

    private Action(Kind kind, String code, String status, ReplyTemplate text) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.code = Objects.requireNonNull(code, "code");
        this.status = Objects.requireNonNull(status, "status");
        this.text = Objects.requireNonNull(text, "text");
    }

    public static Action accept() {
        return ACCEPT;
    }

    public static Action refuse(Kind kind, String code, String status, ReplyTemplate text) {
        if (kind == Kind.ACCEPT) {
            throw new IllegalArgumentException("refuse needs REJECT or DEFER");
        }
        return new Action(kind, code, status, text);
    }

    public Kind kind() {
        return kind;
    }

    public boolean refuses() {
        return kind != Kind.ACCEPT;
    }

    /** The SMTP reply code, e.g. "550"; empty for accept. */
    public String code() {
        return code;
    }

    /** The enhanced status code (RFC 3463), e.g. "5.7.23"; empty for accept. */
    public String status() {
        return status;
    }

    public ReplyTemplate text() {
        return text;
    }

    /** The action's name in logs and configuration. */
    public String token() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Action)) {
            return false;
        }
        Action a = (Action) o;
        return kind == a.kind && code.equals(a.code) && status.equals(a.status) && text.equals(a.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, code, status, text);
    }

    @Override
    public String toString() {
        return kind == Kind.ACCEPT ? "accept" : token() + " " + code + " " + status + " " + text;
    }
}
