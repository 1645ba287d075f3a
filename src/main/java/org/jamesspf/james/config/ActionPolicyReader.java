package org.jamesspf.james.config;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.jamesspf.james.policy.Action;
import org.jamesspf.james.policy.ActionPolicy;
import org.jamesspf.james.policy.ReplyTemplate;
import org.jamesspf.spf.Identity;
import org.jamesspf.spf.SpfResult;

/**
 * Reads {@code <actions><mailfrom|helo><result action=".." code=".." status=".." text=".."/>
 * <pending .../></actions>} into an {@link ActionPolicy}: reply codes by RFC 5321 4.2, enhanced
 * status codes by RFC 3463 (defaults RFC 7372's X.7.23 and X.7.24), texts as {@link ReplyTemplate}s.
 */
final class ActionPolicyReader {
    private ActionPolicyReader() {
    }

    /**
     * Reads the {@code <actions>} under {@code config} over {@code base}: results not listed keep
     * base's action. {@code where} prefixes error messages (a domain policy's element).
     */
    static ActionPolicy read(HierarchicalConfiguration<ImmutableNode> config, String where, ActionPolicy base)
        throws ConfigurationException {
        Map<Identity, Map<SpfResult, Action>> table = new EnumMap<>(Identity.class);
        for (Identity identity : Identity.values()) {
            Map<SpfResult, Action> byResult = new EnumMap<>(SpfResult.class);
            for (SpfResult result : SpfResult.values()) {
                byResult.put(result, base.actionFor(identity, result));
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
                byResult.put(result, action(where, path, identity, result, action.trim(), code, status, text));
            }
            table.put(identity, byResult);
        }
        return ActionPolicy.of(table, pending(config, where, base.pending()));
    }

    private static ConfigurationException error(String where, String path, String message) {
        return new ConfigurationException(where + ConfigValues.describe(path) + ": " + message);
    }

    /** {@code <actions><pending action="defer|accept" .../>}: never reject, a pending check proves nothing. */
    private static Action pending(HierarchicalConfiguration<ImmutableNode> config, String where, Action base)
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
        return action(where, path, Identity.MAILFROM, SpfResult.TEMPERROR, action.trim(), code, status,
            text == null && !accept ? ActionPolicy.DEFAULT_PENDING_TEXT : text);
    }

    private static Action action(String where, String path, Identity identity, SpfResult result, String action, String code,
                                 String status, String text) throws ConfigurationException {
        Action.Kind kind;
        switch (action.toLowerCase(Locale.ROOT)) {
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
        String template = text != null ? text : ActionPolicy.defaultText(identity, result);
        try {
            return Action.refuse(kind, replyCode, enhanced, ReplyTemplate.parse(template));
        } catch (IllegalArgumentException e) {
            throw error(where, path, e.getMessage());
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
}
