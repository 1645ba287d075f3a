package org.jamesspf.spf;

import java.util.Objects;

/**
 * The inputs of one check_host() call (RFC 7208 4.1) for one identity: the client IP, the
 * sender, the HELO name and the receiver's name (for the {@code r} macro).
 */
public final class CheckRequest {
    /** RFC 7208 7.3: the {@code r} macro when the receiver's name is not known. */
    public static final String UNKNOWN_RECEIVER = "unknown";

    private final IpAddress ip;
    private final Identity identity;
    private final String sender;
    private final String helo;
    private final String receiver;
    private final String localPart;
    private final String domain;
    /** A local policy evaluated instead of the domain's published record; null for check_host() as RFC 7208 has it. */
    private final String localPolicy;
    /** Computed once: a request is a key of several maps on every check. 0 until then. */
    private int hash;

    private CheckRequest(IpAddress ip, Identity identity, String sender, String helo, String receiver) {
        this(ip, identity, sender, helo, receiver, null);
    }

    private CheckRequest(IpAddress ip, Identity identity, String sender, String helo, String receiver, String localPolicy) {
        this.ip = Objects.requireNonNull(ip, "ip").unmapped();
        this.identity = Objects.requireNonNull(identity, "identity");
        this.helo = Objects.requireNonNull(helo, "helo");
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(sender, "sender");
        // RFC 7208 2.4: a null reverse-path is checked as postmaster@<HELO name>.
        String effective = identity == Identity.HELO || sender.isEmpty() ? "postmaster@" + helo : sender;
        int at = effective.lastIndexOf('@');
        String local = at < 0 ? "" : effective.substring(0, at);
        // RFC 7208 4.3: a sender without local-part has "postmaster" substituted.
        this.localPart = local.isEmpty() ? "postmaster" : local;
        this.domain = at < 0 ? effective : effective.substring(at + 1);
        this.sender = this.localPart + "@" + this.domain;
        this.localPolicy = localPolicy;
    }

    /** RFC 7208 2.4: the MAIL FROM identity; {@code sender} is "" for the null reverse-path. */
    public static CheckRequest mailFrom(IpAddress ip, String sender, String helo) {
        return new CheckRequest(ip, Identity.MAILFROM, sender, helo, UNKNOWN_RECEIVER);
    }

    /** RFC 7208 2.3: the HELO identity. */
    public static CheckRequest helo(IpAddress ip, String helo) {
        return new CheckRequest(ip, Identity.HELO, "", helo, UNKNOWN_RECEIVER);
    }

    /** RFC 7208 2.4: the MAIL FROM identity, with the receiver's name for the {@code r} macro. */
    public static CheckRequest mailFrom(IpAddress ip, String sender, String helo, String receiver) {
        return new CheckRequest(ip, Identity.MAILFROM, sender, helo, Objects.requireNonNull(receiver, "receiver"));
    }

    /** RFC 7208 2.3: the HELO identity, with the receiver's name for the {@code r} macro. */
    public static CheckRequest helo(IpAddress ip, String helo, String receiver) {
        return new CheckRequest(ip, Identity.HELO, "", helo, Objects.requireNonNull(receiver, "receiver"));
    }

    /** The same request with the receiver's own name, used by the {@code r} macro of explanations. */
    public CheckRequest withReceiver(String receiverName) {
        return new CheckRequest(ip, identity, identity == Identity.HELO ? "" : sender, helo, receiverName, localPolicy);
    }

    /**
     * The same request evaluating {@code record}, a local policy written as an SPF record, as if
     * {@link #domain()} had published it (its terms' lookups are made as for any record): how a
     * receiver asks "do this name's addresses hold the client?" ({@code v=spf1 a -all}) or "is a
     * forward-confirmed name of the client under this domain?" ({@code v=spf1 ptr -all}) with the
     * engine's own DNS, caches and limits. RFC 7208 leaves local policy to the receiver (2.5.7 is
     * silent on how); the result is this record's, never the domain's.
     */
    public CheckRequest withLocalPolicy(String record) {
        return new CheckRequest(ip, identity, identity == Identity.HELO ? "" : sender, helo, receiver, Objects.requireNonNull(record, "record"));
    }

    /** The local policy evaluated instead of the domain's record, if any ({@link #withLocalPolicy}). */
    public java.util.Optional<String> localPolicy() {
        return java.util.Optional.ofNullable(localPolicy);
    }

    /** The client IP; an IPv4-mapped IPv6 address is already its IPv4 address (RFC 7208 5). */
    public IpAddress ip() {
        return ip;
    }

    public Identity identity() {
        return identity;
    }

    /** The sender as checked ({@code s} macro): local-part@domain after the RFC 7208 2.4 and 4.3 substitutions. */
    public String sender() {
        return sender;
    }

    /** The {@code l} macro. */
    public String localPart() {
        return localPart;
    }

    /** The domain checked first: the {@code o} macro and check_host()'s initial domain. */
    public String domain() {
        return domain;
    }

    /** The {@code h} macro. */
    public String helo() {
        return helo;
    }

    /** The {@code r} macro. */
    public String receiver() {
        return receiver;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CheckRequest)) {
            return false;
        }
        CheckRequest r = (CheckRequest) o;
        return ip.equals(r.ip) && identity == r.identity && sender.equals(r.sender) && helo.equals(r.helo) && receiver.equals(r.receiver)
            && Objects.equals(localPolicy, r.localPolicy);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Objects.hash(ip, identity, sender, helo, receiver, localPolicy);
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return "CheckRequest{ip=" + ip + ", identity=" + identity.token() + ", sender=" + sender + ", helo=" + helo
            + (localPolicy == null ? "" : ", local policy=" + localPolicy) + "}";
    }
}
