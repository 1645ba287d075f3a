package org.jamesspf.spf;

import java.time.Duration;
import java.util.Objects;

/** The processing limits of RFC 7208 4.6.4, as an immutable value. */
public final class Limits {
    /** RFC 7208 4.6.4: at most 10 terms that cause DNS queries. */
    public static final int DEFAULT_DNS_TERMS = 10;
    /** RFC 7208 4.6.4: void lookups SHOULD be limited to two. */
    public static final int DEFAULT_VOID_LOOKUPS = 2;
    /** RFC 7208 4.6.4: at most 10 MX names, and 10 PTR names, per term. */
    public static final int MAX_NAMES_PER_TERM = 10;
    /** RFC 7208 4.6.4: the whole check SHOULD be allowed at least 20 seconds. */
    public static final Duration DEFAULT_TIME_BUDGET = Duration.ofSeconds(20);

    private static final Limits DEFAULTS = new Limits(DEFAULT_DNS_TERMS, DEFAULT_VOID_LOOKUPS, DEFAULT_TIME_BUDGET);

    private final int dnsTerms;
    private final int voidLookups;
    private final Duration timeBudget;

    private Limits(int dnsTerms, int voidLookups, Duration timeBudget) {
        Objects.requireNonNull(timeBudget, "timeBudget");
        if (dnsTerms < 1) {
            throw new IllegalArgumentException("dnsTerms must be at least 1, got " + dnsTerms);
        }
        if (voidLookups < 0) {
            throw new IllegalArgumentException("voidLookups must not be negative, got " + voidLookups);
        }
        if (timeBudget.isNegative() || timeBudget.isZero()) {
            throw new IllegalArgumentException("timeBudget must be positive, got " + timeBudget);
        }
        this.dnsTerms = dnsTerms;
        this.voidLookups = voidLookups;
        this.timeBudget = timeBudget;
    }

    public static Limits defaults() {
        return DEFAULTS;
    }

    public static Limits of(int dnsTerms, int voidLookups, Duration timeBudget) {
        return new Limits(dnsTerms, voidLookups, timeBudget);
    }

    public Limits withVoidLookups(int value) {
        return new Limits(dnsTerms, value, timeBudget);
    }

    public Limits withTimeBudget(Duration value) {
        return new Limits(dnsTerms, voidLookups, value);
    }

    public int dnsTerms() {
        return dnsTerms;
    }

    public int voidLookups() {
        return voidLookups;
    }

    public Duration timeBudget() {
        return timeBudget;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Limits)) {
            return false;
        }
        Limits other = (Limits) o;
        return dnsTerms == other.dnsTerms && voidLookups == other.voidLookups && timeBudget.equals(other.timeBudget);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dnsTerms, voidLookups, timeBudget);
    }

    @Override
    public String toString() {
        return "Limits{dnsTerms=" + dnsTerms + ", voidLookups=" + voidLookups + ", timeBudget=" + timeBudget + "}";
    }
}
