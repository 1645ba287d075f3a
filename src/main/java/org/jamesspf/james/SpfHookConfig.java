package org.jamesspf.james;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.Limits;
import org.jamesspf.spf.DomainNames;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.macro.MacroString;

import static org.jamesspf.james.ConfigValues.bool;
import static org.jamesspf.james.ConfigValues.boundedInt;
import static org.jamesspf.james.ConfigValues.describe;
import static org.jamesspf.james.ConfigValues.enumValue;
import static org.jamesspf.james.ConfigValues.error;
import static org.jamesspf.james.ConfigValues.list;
import static org.jamesspf.james.ConfigValues.lowerCase;
import static org.jamesspf.james.ConfigValues.nonNegativeInt;
import static org.jamesspf.james.ConfigValues.positiveInt;
import static org.jamesspf.james.ConfigValues.string;

/**
 * The hook's configuration: the {@code <handler>} element of smtpserver.xml, validated whole.
 * Every element and attribute is known; anything else, or a bad value, is a
 * {@link ConfigurationException} naming the element, which stops James at start-up.
 */
public final class SpfHookConfig {
    /** Where a refusal is given. */
    public enum EnforceAt {
        /** Reply to MAIL FROM. */
        MAIL,
        /** Reply to each RCPT TO, except the exempt recipients (default). */
        RCPT,
        /** Reply at the end of DATA, after the message has been received. */
        DATA
    }

    /** What a message from a gateway gets when the client the gateway recorded cannot be read. */
    public enum GatewayUnreadable {
        /** The temperror action (by default 451: the gateway retries, an admin looks). */
        TEMPERROR,
        /** Accepted unchecked, recorded as such (a gateway trusted whatever it wrote). */
        ACCEPT;

        /** As configured and logged: {@code temperror}, {@code accept}. */
        String token() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Which DNS path the engine uses. */
    public enum Resolver {
        /** dnsjava when James runs DNSJavaService or servers are configured, else James's DNSService. */
        AUTO,
        /** dnsjava's LookupSession: James's registered resolver and cache, or the configured servers. */
        DNSJAVA,
        /** James's DNSService interface, whatever implementation is bound. */
        JAMES
    }

    /** RFC 7208 4.6.4 asks for at least 20 seconds per check. */
    public static final Duration DEFAULT_TIME_BUDGET = Limits.DEFAULT_TIME_BUDGET;
    /** Per DNS query: long enough for a slow server, short enough to retry another in the budget. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);
    /** UDP sockets the dnsjava path's transport shares among its queries in flight. */
    public static final int DEFAULT_UDP_SOCKETS = org.jamesspf.dns.dnsjava.NioTransport.DEFAULT_UDP_SOCKETS;
    /** RFC 5321 4.5.1: postmaster must always be reachable; abuse by RFC 2142 convention. */
    public static final List<String> DEFAULT_EXEMPT_RECIPIENTS = List.of("postmaster", "abuse");


    private static final String ROOT = "<handler>";
    private static final List<String> ACTIONS = List.of("accept", "reject", "defer");

    private final boolean checkHelo;
    private final boolean checkMailFrom;
    private final EnforceAt enforceAt;
    private final List<String> exemptRecipients;
    private final boolean skipAuthenticated;
    private final boolean skipRelayingAllowed;
    private final NetworkList trustedNetworks;
    private final List<String> unverifiedSenderDomains;
    private final List<String> heloNames;
    private final List<String> forwarders;
    private final NetworkList gateways;
    private final GatewayUnreadable gatewayUnreadable;
    private final ActionPolicy actions;
    private final boolean receivedSpfHeader;
    private final boolean authenticationResultsHeader;
    private final Optional<String> authservId;
    private final Resolver resolver;
    private final List<String> dnsServers;
    private final Duration queryTimeout;
    private final int udpSockets;
    private final Limits limits;
    private final String defaultExplanation;
    private final CheckLimits checks;
    private final boolean dryRun;
    private final boolean dryRunComment;
    private final RecipientPolicy defaultPolicy;
    private final List<RecipientPolicy> domainPolicies;

    private SpfHookConfig(Builder b) {
        this.checkHelo = b.checkHelo;
        this.checkMailFrom = b.checkMailFrom;
        this.enforceAt = b.enforceAt;
        this.exemptRecipients = List.copyOf(b.exemptRecipients);
        this.skipAuthenticated = b.skipAuthenticated;
        this.skipRelayingAllowed = b.skipRelayingAllowed;
        this.trustedNetworks = b.trustedNetworks;
        this.unverifiedSenderDomains = List.copyOf(b.unverifiedSenderDomains);
        this.heloNames = List.copyOf(b.heloNames);
        this.forwarders = List.copyOf(b.forwarders);
        this.gateways = b.gateways;
        this.gatewayUnreadable = b.gatewayUnreadable;
        this.actions = b.actions;
        this.receivedSpfHeader = b.receivedSpfHeader;
        this.authenticationResultsHeader = b.authenticationResultsHeader;
        this.authservId = b.authservId;
        this.resolver = b.resolver;
        this.dnsServers = List.copyOf(b.dnsServers);
        this.queryTimeout = b.queryTimeout;
        this.udpSockets = b.udpSockets;
        this.limits = b.limits;
        this.defaultExplanation = b.defaultExplanation;
        this.checks = b.checks;
        this.dryRun = b.dryRun;
        this.dryRunComment = b.dryRunComment;
        this.defaultPolicy = new RecipientPolicy(RecipientPolicy.DEFAULT_NAME, List.of(), actions, dryRun, enforceAt);
        this.domainPolicies = List.copyOf(b.domainPolicies);
    }

    /** The defaults, as documented in README and james-conf/smtpserver.xml. */
    public static SpfHookConfig defaults() {
        return new SpfHookConfig(new Builder());
    }

    /** Reads and validates the handler's configuration. */
    public static SpfHookConfig from(HierarchicalConfiguration<ImmutableNode> config) throws ConfigurationException {
        Objects.requireNonNull(config, "config");
        validateStructure(config.getNodeModel().getNodeHandler().getRootNode());
        Builder b = new Builder();
        b.checkHelo = bool(config, "checkHelo", b.checkHelo);
        b.checkMailFrom = bool(config, "checkMailFrom", b.checkMailFrom);
        b.enforceAt = enumValue(config, "enforceAt", EnforceAt.class, b.enforceAt);
        if (config.containsKey("exemptRecipients")) {
            b.exemptRecipients = lowerCase(list(config, "exemptRecipients"));
        }
        b.skipAuthenticated = bool(config, "skip.authenticated", b.skipAuthenticated);
        b.skipRelayingAllowed = bool(config, "skip.relayingAllowed", b.skipRelayingAllowed);
        try {
            b.trustedNetworks = NetworkList.parse(list(config, "skip.trustedNetworks"));
        } catch (IllegalArgumentException e) {
            throw error("skip.trustedNetworks", e.getMessage());
        }
        b.unverifiedSenderDomains = domains(config, "skip.unverifiedSenderDomains");
        b.heloNames = domains(config, "skip.heloNames");
        b.forwarders = domains(config, "skip.forwarders");
        for (String forwarder : b.forwarders) {
            if (forwarder.startsWith(".")) {
                throw error("skip.forwarders", "'" + forwarder + "': a forwarder is one domain (its SPF is checked, and a verified"
                    + " reverse name anywhere under it counts); write it without the leading dot");
            }
        }
        try {
            b.gateways = NetworkList.parse(list(config, "gateways.networks"));
        } catch (IllegalArgumentException e) {
            throw error("gateways.networks", e.getMessage());
        }
        b.gatewayUnreadable = enumValue(config, "gateways.onUnreadable", GatewayUnreadable.class, b.gatewayUnreadable);
        b.actions = ActionPolicy.from(config);
        b.receivedSpfHeader = bool(config, "headers.receivedSpf", b.receivedSpfHeader);
        b.authenticationResultsHeader = bool(config, "headers.authenticationResults", b.authenticationResultsHeader);
        b.dryRun = bool(config, "dryRun", b.dryRun);
        b.dryRunComment = bool(config, "headers.dryRunComment", b.dryRunComment);
        String authserv = string(config, "headers.authservId", "");
        if (!authserv.isEmpty()) {
            if (!HeaderRenderer.isToken(authserv)) {
                throw error("headers.authservId", "'" + authserv + "' is not a valid authserv-id (RFC 8601 2.2: a token or domain name)");
            }
            b.authservId = Optional.of(authserv);
        }
        b.resolver = enumValue(config, "dns.resolver", Resolver.class, b.resolver);
        b.dnsServers = list(config, "dns.servers.server");
        for (String server : b.dnsServers) {
            try {
                org.jamesspf.dns.dnsjava.DnsServers.parse(server);
            } catch (IllegalArgumentException e) {
                throw error("dns.servers.server", e.getMessage());
            }
        }
        if (b.resolver == Resolver.JAMES && !b.dnsServers.isEmpty()) {
            throw error("dns.servers", "servers are used by the dnsjava resolver only; remove them or set <resolver> to auto or dnsjava");
        }
        b.queryTimeout = Duration.ofMillis(positiveInt(config, "dns.queryTimeoutMs", (int) b.queryTimeout.toMillis()));
        b.udpSockets = boundedInt(config, "dns.udpSockets", DEFAULT_UDP_SOCKETS, 1024);
        Duration budget = Duration.ofMillis(positiveInt(config, "dns.timeBudgetMs", (int) DEFAULT_TIME_BUDGET.toMillis()));
        int voids = nonNegativeInt(config, "dns.maxVoidLookups", Limits.DEFAULT_VOID_LOOKUPS);
        b.limits = Limits.of(Limits.DEFAULT_DNS_TERMS, voids, budget);
        b.defaultExplanation = string(config, "defaultExplanation", b.defaultExplanation);
        MacroString.Parsed exp = MacroString.parse(b.defaultExplanation, MacroString.Context.EXPLANATION);
        if (!exp.isValid()) {
            throw error("defaultExplanation", "'" + b.defaultExplanation + "': " + exp.error());
        }
        b.checks = CheckLimits.from(config, b.queryTimeout);
        b.domainPolicies = domainPolicies(config, b);
        if (b.checks.maxWait().compareTo(b.limits.timeBudget()) > 0) {
            throw error("checks.maxWaitMs", b.checks.maxWait().toMillis() + " is longer than <dns><timeBudgetMs> ("
                + b.limits.timeBudget().toMillis() + "): an I/O thread would wait longer than any check runs");
        }
        return new SpfHookConfig(b);
    }

    /**
     * {@code <domains><domain name="a.example, .b.example">}: per local recipient domain, the
     * action mapping, dry-run and enforcement point, each inherited from the handler's when absent.
     * A domain is named in one {@code <domain>} at most. MAIL FROM comes before any recipient, so
     * neither a domain nor the handler (when domains are configured) may enforce at mail.
     */
    private static List<RecipientPolicy> domainPolicies(HierarchicalConfiguration<ImmutableNode> config, Builder b)
        throws ConfigurationException {
        List<HierarchicalConfiguration<ImmutableNode>> elements = config.configurationsAt("domains.domain");
        if (elements.isEmpty()) {
            return List.of();
        }
        if (b.enforceAt == EnforceAt.MAIL) {
            throw error("enforceAt", "mail cannot be used with <domains>: no recipient, so no recipient domain, is known at MAIL FROM;"
                + " use rcpt or data");
        }
        List<RecipientPolicy> policies = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (HierarchicalConfiguration<ImmutableNode> d : elements) {
            String name = d.getString("[@name]", "").trim();
            String where = "<domains><domain name=\"" + name + "\">";
            if (name.isEmpty()) {
                throw new ConfigurationException("<domains><domain>: missing attribute 'name' (the recipient domains it covers,"
                    + " comma separated; .example.com for subdomains)");
            }
            List<String> entries = domainEntries(list(d, "[@name]"), where);
            for (String entry : entries) {
                String before = seen.put(entry, name);
                if (before != null) {
                    throw new ConfigurationException(where + ": '" + entry + "' is already covered by <domain name=\"" + before + "\">");
                }
            }
            boolean dryRun;
            EnforceAt enforce;
            try {
                dryRun = bool(d, "dryRun", b.dryRun);
                enforce = enumValue(d, "enforceAt", EnforceAt.class, b.enforceAt);
            } catch (ConfigurationException e) {
                throw new ConfigurationException(where + e.getMessage());
            }
            if (enforce == EnforceAt.MAIL) {
                throw new ConfigurationException(where + "<enforceAt>: mail is not possible per recipient domain (no recipient is"
                    + " known at MAIL FROM); use rcpt or data");
            }
            ActionPolicy actions = ActionPolicy.from(d, where, b.actions);
            policies.add(new RecipientPolicy(name, entries, actions, dryRun, enforce));
        }
        return policies;
    }

    // ---- structure validation ----

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
    private static final java.util.regex.Pattern ACTION_ELEMENT =
        java.util.regex.Pattern.compile("(domains\\.domain\\.)?actions\\.(pending|helo\\.[a-z]+|mailfrom\\.[a-z]+)");

    private static void validateStructure(ImmutableNode root) throws ConfigurationException {
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
                    + (allowed == null ? "" : " (expected one of " + new java.util.TreeSet<>(allowed) + ")"));
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

    private static List<String> domains(HierarchicalConfiguration<ImmutableNode> c, String key) throws ConfigurationException {
        return domainEntries(list(c, key), describe(key));
    }

    /**
     * Domain list entries, lower-cased without a trailing dot: "example.com", or ".example.com"
     * for its subdomains. {@code where} names the element in the error of a bad entry.
     */
    private static List<String> domainEntries(List<String> entries, String where) throws ConfigurationException {
        List<String> result = new ArrayList<>();
        for (String entry : lowerCase(entries)) {
            String name = entry.startsWith(".") ? entry.substring(1) : entry;
            String plain = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
            // RFC 1123 2.1 host names (letters, digits, inner hyphens): what mail domains and HELO names are
            if (!DomainNames.isValidDomain(name) || !HeaderRenderer.isDomainName(plain)) {
                throw new ConfigurationException(where + ": '" + entry + "' is not a domain name (use .example.com for subdomains)");
            }
            result.add(entry.endsWith(".") ? entry.substring(0, entry.length() - 1) : entry);
        }
        return result;
    }

    /** Whether {@code domain} is listed: an exact entry, or a ".example.com" entry for a subdomain. */
    static boolean listed(List<String> entries, String domain) {
        String d = normalised(domain);
        for (String entry : entries) {
            if (matchLength(entry, d) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Lower case, no trailing dot: the form entries are kept in. */
    private static String normalised(String domain) {
        return Ascii.toLowerCase(domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain);
    }

    /** How closely {@code entry} covers the normalised {@code domain}: exact beats any suffix, a longer suffix a shorter; 0 not at all. */
    private static int matchLength(String entry, String domain) {
        if (entry.startsWith(".")) {
            return domain.endsWith(entry) ? entry.length() : 0;
        }
        return domain.equals(entry) ? Integer.MAX_VALUE : 0;
    }

    // ---- accessors ----

    public boolean checkHelo() {
        return checkHelo;
    }

    public boolean checkMailFrom() {
        return checkMailFrom;
    }

    public EnforceAt enforceAt() {
        return enforceAt;
    }

    public List<String> exemptRecipients() {
        return exemptRecipients;
    }

    public boolean skipAuthenticated() {
        return skipAuthenticated;
    }

    public boolean skipRelayingAllowed() {
        return skipRelayingAllowed;
    }

    public NetworkList trustedNetworks() {
        return trustedNetworks;
    }

    /** {@code <skip><unverifiedSenderDomains>}: MAIL FROM domains not checked, on the client's word (spoofable). */
    public boolean unverifiedSenderDomain(String domain) {
        return listed(unverifiedSenderDomains, domain);
    }

    /** {@code <skip><heloNames>}: HELO names exempt once verified for the client. */
    public boolean heloNameListed(String helo) {
        return listed(heloNames, helo);
    }

    /** {@code <skip><forwarders>}: domains whose verified hosts (SPF pass, or a forward-confirmed name under them) are exempt. */
    public List<String> forwarders() {
        return forwarders;
    }

    /** {@code <gateways><networks>}: filtering gateways and backup MXs in front of James. */
    public NetworkList gateways() {
        return gateways;
    }

    /** {@code <gateways><onUnreadable>}: what a gateway's message whose original client cannot be read gets. */
    public GatewayUnreadable gatewayUnreadable() {
        return gatewayUnreadable;
    }

    public ActionPolicy actions() {
        return actions;
    }

    public boolean receivedSpfHeader() {
        return receivedSpfHeader;
    }

    public boolean authenticationResultsHeader() {
        return authenticationResultsHeader;
    }

    /** The configured authserv-id; empty means James's hello name. */
    public Optional<String> authservId() {
        return authservId;
    }

    public Resolver resolver() {
        return resolver;
    }

    public List<String> dnsServers() {
        return dnsServers;
    }

    public Duration queryTimeout() {
        return queryTimeout;
    }

    /** UDP sockets the dnsjava transport shares among its queries in flight. */
    public int udpSockets() {
        return udpSockets;
    }

    public Limits limits() {
        return limits;
    }

    public String defaultExplanation() {
        return defaultExplanation;
    }

    public CheckLimits checks() {
        return checks;
    }

    /** Roll-out mode: checks, headers and attributes as configured, but no refusal; what would have been refused is logged. */
    public boolean dryRun() {
        return dryRun;
    }

    /** The handler-wide policy: recipients of no configured domain, and MAIL FROM enforcement. */
    public RecipientPolicy defaultPolicy() {
        return defaultPolicy;
    }

    /** The {@code <domains>} policies, in configuration order. */
    public List<RecipientPolicy> domainPolicies() {
        return domainPolicies;
    }

    /**
     * The policy of a recipient domain: the {@code <domain>} naming it exactly, else the one with
     * the longest ".suffix" entry covering it, else the default.
     */
    public RecipientPolicy policyFor(String recipientDomain) {
        if (domainPolicies.isEmpty()) {
            return defaultPolicy;
        }
        String d = normalised(recipientDomain);
        RecipientPolicy best = defaultPolicy;
        int bestScore = 0;
        for (RecipientPolicy p : domainPolicies) {
            for (String entry : p.domains()) {
                int score = matchLength(entry, d);
                if (score > bestScore) {
                    best = p;
                    bestScore = score;
                }
            }
        }
        return best;
    }

    /** In dry-run, whether Authentication-Results carries a comment with the reply that would have been sent. */
    public boolean dryRunComment() {
        return dryRunComment;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SpfHookConfig)) {
            return false;
        }
        SpfHookConfig c = (SpfHookConfig) o;
        return checkHelo == c.checkHelo && checkMailFrom == c.checkMailFrom && enforceAt == c.enforceAt
            && exemptRecipients.equals(c.exemptRecipients) && skipAuthenticated == c.skipAuthenticated
            && skipRelayingAllowed == c.skipRelayingAllowed && trustedNetworks.equals(c.trustedNetworks)
            && unverifiedSenderDomains.equals(c.unverifiedSenderDomains) && heloNames.equals(c.heloNames)
            && forwarders.equals(c.forwarders) && gateways.equals(c.gateways) && gatewayUnreadable == c.gatewayUnreadable
            && actions.equals(c.actions) && receivedSpfHeader == c.receivedSpfHeader
            && authenticationResultsHeader == c.authenticationResultsHeader && authservId.equals(c.authservId)
            && resolver == c.resolver && dnsServers.equals(c.dnsServers) && queryTimeout.equals(c.queryTimeout) && udpSockets == c.udpSockets
            && limits.equals(c.limits) && defaultExplanation.equals(c.defaultExplanation) && checks.equals(c.checks)
            && dryRun == c.dryRun && dryRunComment == c.dryRunComment && domainPolicies.equals(c.domainPolicies);
    }

    @Override
    public int hashCode() {
        return Objects.hash(checkHelo, checkMailFrom, enforceAt, exemptRecipients, trustedNetworks, actions, resolver, limits);
    }

    @Override
    public String toString() {
        return "SpfHookConfig{helo=" + checkHelo + ", mailfrom=" + checkMailFrom + ", enforceAt=" + enforceAt
            + ", exempt=" + exemptRecipients + ", trusted=[" + trustedNetworks + "], actions=" + actions
            + ", resolver=" + resolver + ", servers=" + dnsServers + ", limits=" + limits + ", checks=" + checks
            + (dryRun ? ", DRY RUN" : "") + (domainPolicies.isEmpty() ? "" : ", domains=" + domainPolicies) + "}";
    }

    private static final class Builder {
        boolean checkHelo = true;
        boolean checkMailFrom = true;
        EnforceAt enforceAt = EnforceAt.RCPT;
        List<String> exemptRecipients = DEFAULT_EXEMPT_RECIPIENTS;
        boolean skipAuthenticated = true;
        boolean skipRelayingAllowed = true;
        NetworkList trustedNetworks = NetworkList.empty();
        List<String> unverifiedSenderDomains = List.of();
        List<String> heloNames = List.of();
        List<String> forwarders = List.of();
        NetworkList gateways = NetworkList.empty();
        GatewayUnreadable gatewayUnreadable = GatewayUnreadable.TEMPERROR;
        ActionPolicy actions = ActionPolicy.defaults();
        boolean receivedSpfHeader = true;
        boolean authenticationResultsHeader = true;
        boolean dryRun = false;
        boolean dryRunComment = true;
        Optional<String> authservId = Optional.empty();
        Resolver resolver = Resolver.AUTO;
        List<String> dnsServers = List.of();
        Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
        int udpSockets = DEFAULT_UDP_SOCKETS;
        Limits limits = Limits.defaults();
        String defaultExplanation = SpfChecker.DEFAULT_EXPLANATION;
        CheckLimits checks = CheckLimits.defaults(DEFAULT_QUERY_TIMEOUT);
        List<RecipientPolicy> domainPolicies = List.of();
    }
}
