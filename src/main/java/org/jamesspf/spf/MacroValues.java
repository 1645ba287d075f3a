package org.jamesspf.spf;

import java.time.Clock;
import java.util.List;
import org.jamesspf.spf.macro.MacroContext;
import org.jamesspf.spf.macro.MacroString;

/**
 * The macro letters' values (RFC 7208 7.3) for one evaluation: from the request, the current
 * domain and, for {@code p}, the client's validated PTR names once the evaluation has looked
 * them up. Counts the octets expansions build, and whether any used the sender's local part.
 */
final class MacroValues implements MacroContext {
    private final CheckRequest request;
    private final Clock clock;
    private final Evaluation evaluation;
    private List<String> validatedNames;
    /** Also counted by fetch-ahead's expansions, on other engine threads. */
    private final java.util.concurrent.atomic.AtomicLong built = new java.util.concurrent.atomic.AtomicLong();
    private boolean usesLocalPart;

    MacroValues(CheckRequest request, Clock clock, Evaluation evaluation) {
        this.request = request;
        this.clock = clock;
        this.evaluation = evaluation;
    }

    @Override
    public String value(char letter) {
        return letter == 'p' ? validatedName(evaluation.currentDomain) : macroValue(request, letter, evaluation.currentDomain, clock);
    }

    @Override
    public void built(int octets) {
        built.addAndGet(octets);
    }

    /** Octets built by every expansion of this evaluation, fetch-ahead's included. */
    long built() {
        return built.get();
    }

    /** Notes that {@code text} is about to be expanded: does its value depend on the local part? */
    void used(MacroString text) {
        if (text.uses('l') || text.uses('s')) {
            usesLocalPart = true;
        }
    }

    /** Whether an expanded macro-string used {@code l} or {@code s}: the outcome then depends on the local part. */
    boolean usesLocalPart() {
        return usesLocalPart;
    }

    /** The validated PTR names, once looked up; null before. */
    List<String> validatedNames() {
        return validatedNames;
    }

    void validated(List<String> names) {
        this.validatedNames = List.copyOf(names);
    }

    /**
     * RFC 7208 7.3: the {@code p} macro for the current {@code domain}: a validated name equal to
     * it, else one under it, else any; "unknown" when none. Chosen per current domain, so an
     * include or redirect target gets its own.
     */
    private String validatedName(String domain) {
        if (validatedNames == null || validatedNames.isEmpty()) {
            return "unknown";
        }
        String lowerDomain = Ascii.toLowerCase(domain);
        String subdomain = null;
        for (String name : validatedNames) {
            String lower = Ascii.toLowerCase(name);
            if (lower.equals(lowerDomain)) {
                return name;
            }
            if (subdomain == null && DomainNames.isSameOrSubdomain(lower, lowerDomain)) {
                subdomain = name;
            }
        }
        return subdomain != null ? subdomain : validatedNames.get(0);
    }

    /** RFC 7208 7.3: the value of a macro letter other than {@code p} (which needs DNS). */
    static String macroValue(CheckRequest request, char letter, String currentDomain, Clock clock) {
        switch (letter) {
            case 's':
                return request.sender();
            case 'l':
                return request.localPart();
            case 'o':
                return request.domain();
            case 'd':
                return currentDomain;
            case 'i':
                return request.ip().toMacroForm();
            case 'v':
                return request.ip().isV6() ? "ip6" : "in-addr";
            case 'h':
                return request.helo();
            case 'c':
                return request.ip().toString();
            case 'r':
                return request.receiver();
            case 't':
                return Long.toString(clock.millis() / 1000);
            default:
                throw new AssertionError("macro letter not allowed here: " + letter);
        }
    }
}
