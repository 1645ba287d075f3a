package org.jamesspf.james.policy;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.jamesspf.spf.Identity;
import org.jamesspf.spf.SpfResult;

/**
 * The action for each (identity, result). Defaults: fail is rejected with {@code 550 5.7.23}
 * and the explanation (MAIL FROM and HELO), temperror deferred with {@code 451 4.7.24},
 * everything else (permerror included) accepted. Enhanced status codes are RFC 7372's:
 * X.7.23 "SPF validation failed", X.7.24 "SPF validation error".
 */
public final class ActionPolicy {
    public static final String DEFAULT_FAIL_TEXT = "SPF {result}: {explanation}";
    public static final String DEFAULT_HELO_FAIL_TEXT = "SPF {result} for HELO {domain}: {explanation}";
    public static final String DEFAULT_TEMPERROR_TEXT = "SPF {result} for {domain}: temporary DNS failure, try again later";
    public static final String DEFAULT_PERMERROR_TEXT = "SPF {result} for {domain}: {problem}";
    public static final String DEFAULT_OTHER_TEXT = "SPF {result} for {identity} {domain}";
    public static final String DEFAULT_PENDING_TEXT = "SPF check of {identity} {domain} still in progress, try again later";
    /** A check not done within the wait bound: defer, as for a DNS failure (RFC 7372 X.7.24). */
    public static final Action DEFAULT_PENDING = Action.refuse(Action.Kind.DEFER, "451", "4.7.24", ReplyTemplate.parse(DEFAULT_PENDING_TEXT));

    private static final ActionPolicy DEFAULTS = new ActionPolicy(defaultTable(), DEFAULT_PENDING);

    private final Map<Identity, Map<SpfResult, Action>> table;
    private final Action pending;

    private ActionPolicy(Map<Identity, Map<SpfResult, Action>> table, Action pending) {
        Map<Identity, Map<SpfResult, Action>> copy = new EnumMap<>(Identity.class);
        table.forEach((identity, byResult) -> copy.put(identity, Map.copyOf(byResult)));
        this.table = copy;
        this.pending = Objects.requireNonNull(pending, "pending");
    }

    public static ActionPolicy defaults() {
        return DEFAULTS;
    }

    private static Map<Identity, Map<SpfResult, Action>> defaultTable() {
        Map<Identity, Map<SpfResult, Action>> table = new EnumMap<>(Identity.class);
        for (Identity identity : Identity.values()) {
            Map<SpfResult, Action> byResult = new EnumMap<>(SpfResult.class);
            for (SpfResult result : SpfResult.values()) {
                byResult.put(result, Action.accept());
            }
            String failText = identity == Identity.HELO ? DEFAULT_HELO_FAIL_TEXT : DEFAULT_FAIL_TEXT;
            byResult.put(SpfResult.FAIL, Action.refuse(Action.Kind.REJECT, "550", "5.7.23", ReplyTemplate.parse(failText)));
            byResult.put(SpfResult.TEMPERROR, Action.refuse(Action.Kind.DEFER, "451", "4.7.24", ReplyTemplate.parse(DEFAULT_TEMPERROR_TEXT)));
            table.put(identity, byResult);
        }
        return table;
    }

    /**
     * A policy of {@code table} (every identity and result; see {@link #actionFor}) and the
     * {@code pending} action (accept or defer: a check not done proves nothing).
     */
    public static ActionPolicy of(Map<Identity, Map<SpfResult, Action>> table, Action pending) {
        for (Identity identity : Identity.values()) {
            for (SpfResult result : SpfResult.values()) {
                Objects.requireNonNull(table.getOrDefault(identity, Map.of()).get(result), identity + "/" + result);
            }
        }
        if (pending.kind() == Action.Kind.REJECT) {
            throw new IllegalArgumentException("a check still in progress proves nothing: accept or defer, never reject");
        }
        return new ActionPolicy(table, pending);
    }

    /** The action for a check not done within the wait bound (or not started: a cap). */
    public Action pending() {
        return pending;
    }

    /** The reply text a refusal of {@code result} for {@code identity} has unless configured otherwise. */
    public static String defaultText(Identity identity, SpfResult result) {
        switch (result) {
            case FAIL:
                return identity == Identity.HELO ? DEFAULT_HELO_FAIL_TEXT : DEFAULT_FAIL_TEXT;
            case TEMPERROR:
                return DEFAULT_TEMPERROR_TEXT;
            case PERMERROR:
                return DEFAULT_PERMERROR_TEXT;
            default:
                return DEFAULT_OTHER_TEXT;
        }
    }

    public Action actionFor(Identity identity, SpfResult result) {
        return table.get(identity).get(result);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActionPolicy && ((ActionPolicy) o).table.equals(table) && ((ActionPolicy) o).pending.equals(pending);
    }

    @Override
    public int hashCode() {
        return Objects.hash(table, pending);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        table.forEach((identity, byResult) -> byResult.forEach((result, action) -> {
            if (action.refuses()) {
                sb.append(identity.token()).append('/').append(result.token()).append('=').append(action.token()).append(' ');
            }
        }));
        return sb.append("pending=").append(pending.token()).append('}').toString();
    }
}
