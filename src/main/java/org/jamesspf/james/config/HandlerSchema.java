package org.jamesspf.james.config;

import static org.jamesspf.james.config.ConfigValues.describe;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;

/**
 * The elements and attributes of {@code <handler>}: every one known, where it may stand; those of
 * earlier versions refused with what replaced them. A typo stops James at start-up, naming itself.
 */
final class HandlerSchema {
    private static final String ROOT = "<handler>";

    private HandlerSchema() {
    }

    private static final Set<String> RESULTS = Set.of("pass", "fail", "softfail", "neutral", "none", "temperror", "permerror");
    /** The elements each element may hold, by path ("" is the handler). */
    private static final Map<String, Set<String>> ELEMENTS = Map.ofEntries(
        Map.entry("", Set.of("checkHelo", "checkMailFrom", "enforceAt", "exemptRecipients", "skip", "actions", "headers", "dns",
            "defaultExplanation", "checks", "dryRun", "domains", "gateways")),
        Map.entry("domains", Set.of("domain")),
        Map.entry("domains.domain", Set.of("dryRun", "enforceAt", "actions")),
        Map.entry("domains.domain.actions", Set.of("helo", "mailfrom", "pending")),
        Map.entry("domains.domain.actions.helo", RESULTS),
        Map.entry("domains.domain.actions.mailfrom", RESULTS),
        Map.entry("checks", Set.of("maxWaitMs", "threads", "maxInFlight", "maxInFlightPerNetwork", "maxInFlightPerDomain",
            "networkPrefixV4", "networkPrefixV6", "cacheKilobytes", "cacheTtlSeconds", "dnsFailureTtlSeconds", "maxChecksPerSession",
            "maxChecksPerNetworkPerMinute", "maxChecksPerDomainPerMinute")),
        Map.entry("skip", Set.of("authenticated", "relayingAllowed", "trustedNetworks", "unverifiedSenderDomains", "heloNames",
            "forwarders")),
        Map.entry("gateways", Set.of("networks", "onUnreadable")),
        Map.entry("actions", Set.of("helo", "mailfrom", "pending")),
        Map.entry("actions.helo", RESULTS),
        Map.entry("actions.mailfrom", RESULTS),
        Map.entry("headers", Set.of("receivedSpf", "authenticationResults", "authservId", "dryRunComment")),
        Map.entry("dns", Set.of("resolver", "servers", "queryTimeoutMs", "timeBudgetMs", "maxVoidLookups", "udpSockets")),
        Map.entry("dns.servers", Set.of("server")));

    /** Elements of earlier versions, and what replaced them. */
    private static final Map<String, String> RENAMED = Map.of(
        "checks.maxPendingPerClient", "use <maxInFlightPerNetwork> (checks in flight per client network, /24 or /64)",
        "checks.cacheSize", "use <cacheKilobytes> (kept outcomes are weighed in bytes)",
        "checks.maxChecksPerClientPerMinute", "use <maxChecksPerNetworkPerMinute> and <maxChecksPerDomainPerMinute>",
        "skip.senderDomains", "a sender domain is a claim any client can make (MAIL FROM:<ceo@partner.example>); use <forwarders>"
            + " (exempt only when the client passes the domain's SPF or has a forward-confirmed name under it) or, knowing anyone"
            + " can forge them, <unverifiedSenderDomains>");

    /** Elements that take action attributes: a result under helo or mailfrom, or pending. */
    private static final Pattern ACTION_ELEMENT =
        Pattern.compile("(domains\\.domain\\.)?actions\\.(pending|helo\\.[a-z]+|mailfrom\\.[a-z]+)");

    /** Throws naming the first element or attribute that is not known (or no longer read) where it stands. */
    static void validate(ImmutableNode root) throws ConfigurationException {
        for (String attribute : root.getAttributes().keySet()) {
            // James passes the handler element itself: class is its own attribute.
            if (!attribute.equals("class")) {
                throw new ConfigurationException(ROOT + ": unknown attribute '" + attribute + "'");
            }
        }
        validateChildren(root, "");
    }

    private static void validateChildren(ImmutableNode node, String path) throws ConfigurationException {
        Set<String> allowed = ELEMENTS.get(path);
        for (ImmutableNode child : node.getChildren()) {
            String name = child.getNodeName();
            String childPath = path.isEmpty() ? name : path + "." + name;
            String renamed = RENAMED.get(childPath);
            if (renamed != null) {
                throw new ConfigurationException(describe(childPath) + ": no longer read; " + renamed);
            }
            if (allowed == null || !allowed.contains(name)) {
                throw new ConfigurationException(describe(childPath) + ": unknown element"
                    + (allowed == null ? "" : " (expected one of " + new TreeSet<>(allowed) + ")"));
            }
            boolean actionElement = ACTION_ELEMENT.matcher(childPath).matches();
            for (String attribute : child.getAttributes().keySet()) {
                boolean known = actionElement ? Set.of("action", "code", "status", "text").contains(attribute)
                    : childPath.equals("domains.domain") && attribute.equals("name");
                if (!known) {
                    throw new ConfigurationException(describe(childPath) + ": unknown attribute '" + attribute + "'");
                }
            }
            if (ELEMENTS.containsKey(childPath)) {
                validateChildren(child, childPath);
            } else if (!child.getChildren().isEmpty()) {
                throw new ConfigurationException(describe(childPath + "." + child.getChildren().get(0).getNodeName())
                    + ": unknown element");
            }
        }
    }

}
