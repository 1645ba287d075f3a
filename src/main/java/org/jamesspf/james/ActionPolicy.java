package org.jamesspf.james;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.jamesspf.spf.Identity;
import org.jamesspf.spf.SpfResult;

/**
 * The action for each (identity, result). Defaults: fail is rejected with {@code 550 5.7.23}
 * and the explanation (MAIL FROM and HELO), temperror deferred with {@code 451 4.7.24},
 * everything else (permerror included) accepted. Enhanced status codes are RFC 7372's:
 * X.7.23 "SPF validation failed", X.7.24 "SPF validation error".
 */
public final class ActionPolicy {
    static final String DEFAULT_FAIL_TEXT = "SPF {result}: {explanation}";
    static final String DEFAULT_HELO_FAIL_TEXT = "SPF {result} for HELO {domain}: {explanation}";
    static final String DEFAULT_TEMPERROR_TEXT = "SPF {result} for {domain}: temporary DNS failure, try again later";
    static final String DEFAULT_PERMERROR_TEXT = "SPF {result} for {domain}: {problem}";
    static final String DEFAULT_OTHER_TEXT = "SPF {result} for {identity} {domain}";
    static final String DEFAULT_PENDING_TEXT = "SPF check of {identity} {domain} still in progress, try again later";
    /** A check not done within the wait bound: defer, as for a DNS failure (RFC 7372 X.7.24). */
    static final Action DEFAULT_PENDING = Action.refuse(Action.Kind.DEFER, "451", "4.7.24", ReplyTemplate.parse(DEFAULT_PENDING_TEXT));

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

    /** Reads {@code <actions><mailfrom|helo><result action=".." code=".." status=".." text=".."/>}. */
    static ActionPolicy from(HierarchicalConfiguration<ImmutableNode> config) throws ConfigurationException {
        return from(config, "", DEFAULTS);
    }

    /**
     * Reads the {@code <actions>} under {@code config} over {@code base}: results not listed keep
     * base's action. {@code where} prefixes error messages (a domain policy's element).
     */
    static ActionPolicy from(HierarchicalConfiguration<ImmutableNode> config, String where, ActionPolicy base)
        throws ConfigurationException {
        Map<Identity, Map<SpfResult, Action>> table = new EnumMap<>(Identity.class);
        base.table.forEach((identity, byResult) -> table.put(identity, new EnumMap<>(byResult)));
        for (Identity identity : Identity.values()) {
            for (SpfResult result : SpfResult.values()) {
                String path = "actions." + identity.token() + "." + result.token();
                String action = config.getString(path + "[@action]", null);
                String code = config.getString(path + "[@code]", null);
                String status = config.getString(path + "[@status]", null);
                String text = config.getString(path + "[@text]", null);
                if (action == null && code == null && status == null && text == null) {
                    if (config.getString(path, null) != null || !config.configurationsAt(path).isEmpty()) {
                        throw error(where, path, "missing attribute 'action' (accept|reject|defer)");
                    }
                    continue;
                }
                if (action == null) {
                    throw error(where, path, "missing attribute 'action' (accept|reject|defer)");
                }
                table.get(identity).put(result, parseAction(where, path, identity, result, action.trim(), code, status, text));
            }
        }
        return new ActionPolicy(table, pendingFrom(config, where, base.pending));
    }

    private static ConfigurationException error(String where, String path, String message) {
        return new ConfigurationException(where + ConfigValues.describe(path) + ": " + message);
    }

    /** {@code <actions><pending action="defer|accept" .../>}: never reject, a pending check proves nothing. */
    private static Action pendingFrom(HierarchicalConfiguration<ImmutableNode> config, String where, Action base)
        throws ConfigurationException {
        String path = "actions.pending";
        String action = config.getString(path + "[@action]", null);
        String code = config.getString(path + "[@code]", null);
        String status = config.getString(path + "[@status]", null);
        String text = config.getString(path + "[@text]", null);
        if (action == null) {
            if (code != null || status != null || text != null || config.getString(path, null) != null) {
                throw error(where, path, "missing attribute 'action' (accept|defer)");
            }
            return base;
        }
        if (action.trim().equalsIgnoreCase("reject")) {
            throw error(where, path, "a check still in progress proves nothing: accept or defer, never reject");
        }
        boolean accept = action.trim().equalsIgnoreCase("accept");
        return parseAction(where, path, Identity.MAILFROM, SpfResult.TEMPERROR, action.trim(), code, status,
            text == null && !accept ? DEFAULT_PENDING_TEXT : text);
    }

    /** The action for a check not done within the wait bound (or not started: a cap). */
    public Action pending() {
        return pending;
    }

    private static Action parseAction(String where, String path, Identity identity, SpfResult result, String action, String code, String status,
                                      String text) throws ConfigurationException {
        Action.Kind kind;
        switch (action.toLowerCase(java.util.Locale.ROOT)) {
            case "accept":
                if (code != null || status != null || text != null) {
                    throw error(where, path, "accept takes no code, status or text");
                }
                return Action.accept();
            case "reject":
                kind = Action.Kind.REJECT;
                break;
            case "defer":
                kind = Action.Kind.DEFER;
                break;
            default:
                throw error(where, path, "unknown action '" + action + "' (accept|reject|defer)");
        }
        char cls = kind == Action.Kind.REJECT ? '5' : '4';
        String replyCode = code == null ? (kind == Action.Kind.REJECT ? "550" : "451") : code.trim();
        if (replyCode.length() != 3 || replyCode.charAt(0) != cls || !isAsciiDigits(replyCode) || replyCode.charAt(1) > '5') {
            throw error(where, path, "bad reply code '" + code + "' for " + action + " (" + cls + "xx, RFC 5321 4.2)");
        }
        boolean error = result == SpfResult.TEMPERROR || result == SpfResult.PERMERROR;
        String enhanced = status == null ? cls + (error ? ".7.24" : ".7.23") : status.trim();
        if (!isEnhancedStatus(enhanced) || enhanced.charAt(0) != cls) {
            throw error(where, path, "bad enhanced status code '" + status + "' for " + action + " (" + cls
                + ".x.y, RFC 3463)");
        }
        String template = text != null ? text : defaultText(identity, result);
        try {
            return Action.refuse(kind, replyCode, enhanced, ReplyTemplate.parse(template));
        } catch (IllegalArgumentException e) {
            throw error(where, path, e.getMessage());
        }
    }

    private static String defaultText(Identity identity, SpfResult result) {
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

    /** RFC 3463: class "." subject "." detail, subject and detail 1 to 3 digits without leading zeros. */
    static boolean isEnhancedStatus(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 3 || parts[0].length() != 1 || "245".indexOf(parts[0].charAt(0)) < 0) {
            return false;
        }
        for (int i = 1; i < 3; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0') || !isAsciiDigits(p)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiDigits(String s) {
        return s.chars().allMatch(c -> c >= '0' && c <= '9');
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
