package org.jamesspf.spf.dns;

import java.util.List;
import java.util.Objects;

/**
 * The answer to one DNS query, as RFC 7208 needs to tell them apart (2.6.6, 4.4, 5):
 * records, a name that does not exist, no data of the asked type, or a temporary failure.
 */
public final class DnsAnswer<T> {
    /** The kinds of answer. */
    public enum Kind {
        /** At least one record of the asked type. */
        RECORDS,
        /** RCODE 3: the name does not exist. */
        NXDOMAIN,
        /** RCODE 0 with no answer of the asked type. */
        NODATA,
        /** Timeout, SERVFAIL or any other failure that may go away: temperror. */
        TEMPFAIL
    }

    private static final DnsAnswer<?> NXDOMAIN = new DnsAnswer<>(Kind.NXDOMAIN, List.of(), "name does not exist");
    private static final DnsAnswer<?> NODATA = new DnsAnswer<>(Kind.NODATA, List.of(), "no data");

    private final Kind kind;
    private final List<T> records;
    private final String detail;
    private final boolean local;

    private DnsAnswer(Kind kind, List<T> records, String detail) {
        this(kind, records, detail, false);
    }

    private DnsAnswer(Kind kind, List<T> records, String detail, boolean local) {
        this.kind = kind;
        this.records = records;
        this.detail = detail;
        this.local = local;
    }

    /** Records; an empty list is NODATA. */
    public static <T> DnsAnswer<T> of(List<T> records) {
        if (records.isEmpty()) {
            return noData();
        }
        return new DnsAnswer<>(Kind.RECORDS, List.copyOf(records), "");
    }

    @SuppressWarnings("unchecked")
    public static <T> DnsAnswer<T> nxDomain() {
        return (DnsAnswer<T>) NXDOMAIN;
    }

    @SuppressWarnings("unchecked")
    public static <T> DnsAnswer<T> noData() {
        return (DnsAnswer<T>) NODATA;
    }

    /** A temporary failure; {@code detail} says what failed (for the trace, not for users). */
    public static <T> DnsAnswer<T> tempFail(String detail) {
        return new DnsAnswer<>(Kind.TEMPFAIL, List.of(), Objects.requireNonNull(detail, "detail"));
    }

    /**
     * A temporary failure of a local resource, not of DNS: the query was never answered because a
     * pool was full or the transport closed. It says nothing about the name, so it is never
     * remembered as the name's answer.
     */
    public static <T> DnsAnswer<T> localFailure(String detail) {
        return new DnsAnswer<>(Kind.TEMPFAIL, List.of(), Objects.requireNonNull(detail, "detail"), true);
    }

    /** The same non-record answer retyped, for adapters that map record types. */
    @SuppressWarnings("unchecked")
    public static <T> DnsAnswer<T> copyKind(DnsAnswer<?> answer) {
        if (answer.kind == Kind.RECORDS) {
            throw new IllegalArgumentException("answer has records: " + answer);
        }
        return (DnsAnswer<T>) answer;
    }

    public Kind kind() {
        return kind;
    }

    /** The records; empty unless {@link Kind#RECORDS}. */
    public List<T> records() {
        return records;
    }

    /** RFC 7208 4.6.4: NXDOMAIN and NODATA are "void lookups". */
    public boolean isVoid() {
        return kind == Kind.NXDOMAIN || kind == Kind.NODATA;
    }

    public String detail() {
        return detail;
    }

    /** Whether this is a {@link #localFailure}: no DNS answer at all, a local resource failed. */
    public boolean isLocalFailure() {
        return local;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DnsAnswer)) {
            return false;
        }
        DnsAnswer<?> other = (DnsAnswer<?>) o;
        return kind == other.kind && records.equals(other.records) && detail.equals(other.detail) && local == other.local;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, records, detail);
    }

    @Override
    public String toString() {
        return kind == Kind.RECORDS ? records.toString() : kind + (detail.isEmpty() ? "" : "(" + detail + ")");
    }
}
