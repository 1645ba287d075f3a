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

    /**
     * How long an SMTP I/O thread waits for a check at the enforcement point. James runs hooks on
     * its few Netty I/O threads: every millisecond waited there stalls all connections on that
     * thread. A check not done by then gets the pending action (default 451) and goes on; the
     * sender's retry is answered from its kept outcome.
     */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(200);
    /**
     * Evaluation threads: CPU work only, as a check waiting for DNS holds no thread. Twice the
     * cores, as James's own I/O threads.
     */
    public static final int DEFAULT_CHECK_THREADS = 2 * Runtime.getRuntime().availableProcessors();
    /**
     * Evaluations in flight at once (waiting for DNS, mostly): each costs a few KB of memory, not a
     * thread, so many can wait on slow DNS; past it no check starts and the pending action applies.
     */
    public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;
    /** Evaluations one client IP may have running; a normal sender has one or two. */
    public static final int DEFAULT_MAX_PENDING_PER_CLIENT = 8;
    /** Outcomes kept for retries and repeated senders. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    /** New evaluations one SMTP connection may cause (outcomes from the cache are free); a normal sender needs a few. */
    public static final int DEFAULT_MAX_CHECKS_PER_SESSION = 50;
    /** New evaluations one client IP may cause per minute, across its connections. */
    public static final int DEFAULT_MAX_CHECKS_PER_CLIENT_PER_MINUTE = 300;
    /** How long an outcome is reused: about a typical SPF record TTL. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
    /**
     * How long a timed-out DNS domain answers temperror at once instead of being waited for again:
     * each stalled registered domain then costs one wait per minute at most.
     */
    public static final Duration DEFAULT_DNS_FAILURE_TTL = Duration.ofSeconds(60);

    private static final String ROOT = "<handler>";
    private static final List<String> ACTIONS = List.of("accept", "reject", "defer");

    private final boolean checkHelo;
    private final boolean checkMailFrom;
    private final EnforceAt enforceAt;
    private final List<String> exemptRecipients;
    private final boolean skipAuthenticated;
    private final boolean skipRelayingAllowed;
    private final NetworkList trustedNetworks;
    private final List<String> senderDomainAllowlist;
    private final List<String> heloAllowlist;
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
    private final Checks checks;
    private final boolean dryRun;
    private final boolean dryRunComment;
    private final RecipientPolicy defaultPolicy;
    private final List<RecipientPolicy> domainPolicies;

    /** The {@code <checks>} settings: how evaluations run off the I/O threads. */
    public static final class Checks {
        private final Duration maxWait;
        private final int threads;
        private final int maxInFlight;
        private final int maxPendingPerClient;
        private final int cacheSize;
        private final Duration cacheTtl;
        private final Duration dnsFailureTtl;
        private final int maxChecksPerSession;
        private final int maxChecksPerClientPerMinute;

        Checks(Duration maxWait, int threads, int maxInFlight, int maxPendingPerClient, int cacheSize, Duration cacheTtl,
               Duration dnsFailureTtl, int maxChecksPerSession, int maxChecksPerClientPerMinute) {
            this.maxInFlight = maxInFlight;
            this.maxChecksPerSession = maxChecksPerSession;
            this.maxChecksPerClientPerMinute = maxChecksPerClientPerMinute;
            this.maxWait = maxWait;
            this.threads = threads;
            this.maxPendingPerClient = maxPendingPerClient;
            this.cacheSize = cacheSize;
            this.cacheTtl = cacheTtl;
            this.dnsFailureTtl = dnsFailureTtl;
        }

        static Checks defaults() {
            return new Checks(DEFAULT_MAX_WAIT, DEFAULT_CHECK_THREADS, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_PENDING_PER_CLIENT, DEFAULT_CACHE_SIZE,
                DEFAULT_CACHE_TTL, DEFAULT_DNS_FAILURE_TTL, DEFAULT_MAX_CHECKS_PER_SESSION, DEFAULT_MAX_CHECKS_PER_CLIENT_PER_MINUTE);
        }

        public Duration maxWait() {
            return maxWait;
        }

        /** Threads evaluations run on (CPU work only). */
        public int threads() {
            return threads;
        }

        /** Evaluations in flight at once; past it no check starts (the pending action). */
        public int maxInFlight() {
            return maxInFlight;
        }

        public int maxPendingPerClient() {
            return maxPendingPerClient;
        }

        public int cacheSize() {
            return cacheSize;
        }

        public Duration cacheTtl() {
            return cacheTtl;
        }

        public Duration dnsFailureTtl() {
            return dnsFailureTtl;
        }

        /** RFC 7208 11.1: new evaluations per SMTP connection, past which the temperror action applies unchecked. */
        public int maxChecksPerSession() {
            return maxChecksPerSession;
        }

        /** RFC 7208 11.1: new evaluations per client IP per minute, past which the temperror action applies unchecked. */
        public int maxChecksPerClientPerMinute() {
            return maxChecksPerClientPerMinute;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Checks)) {
                return false;
            }
            Checks c = (Checks) o;
            return maxWait.equals(c.maxWait) && threads == c.threads && maxInFlight == c.maxInFlight
                && maxPendingPerClient == c.maxPendingPerClient
                && cacheSize == c.cacheSize && cacheTtl.equals(c.cacheTtl) && dnsFailureTtl.equals(c.dnsFailureTtl)
                && maxChecksPerSession == c.maxChecksPerSession && maxChecksPerClientPerMinute == c.maxChecksPerClientPerMinute;
        }

        @Override
        public int hashCode() {
            return Objects.hash(maxWait, threads, maxPendingPerClient, cacheSize, cacheTtl, dnsFailureTtl);
        }

        @Override
        public String toString() {
            return "{maxWait=" + maxWait.toMillis() + "ms, threads=" + threads + ", inFlight=" + maxInFlight + ", perClient=" + maxPendingPerClient
                + ", cache=" + cacheSize + "/" + cacheTtl.getSeconds() + "s, dnsFailure=" + dnsFailureTtl.getSeconds() + "s}";
        }
    }

    private SpfHookConfig(Builder b) {
        this.checkHelo = b.checkHelo;
        this.checkMailFrom = b.checkMailFrom;
        this.enforceAt = b.enforceAt;
        this.exemptRecipients = List.copyOf(b.exemptRecipients);
        this.skipAuthenticated = b.skipAuthenticated;
        this.skipRelayingAllowed = b.skipRelayingAllowed;
        this.trustedNetworks = b.trustedNetworks;
        this.senderDomainAllowlist = List.copyOf(b.senderDomainAllowlist);
        this.heloAllowlist = List.copyOf(b.heloAllowlist);
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
        b.senderDomainAllowlist = domains(config, "skip.senderDomains");
        b.heloAllowlist = domains(config, "skip.heloNames");
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
        b.checks = new Checks(
            Duration.ofMillis(nonNegativeInt(config, "checks.maxWaitMs", (int) DEFAULT_MAX_WAIT.toMillis())),
            boundedInt(config, "checks.threads", DEFAULT_CHECK_THREADS, 256),
            boundedInt(config, "checks.maxInFlight", DEFAULT_MAX_IN_FLIGHT, 1_000_000),
            positiveInt(config, "checks.maxPendingPerClient", DEFAULT_MAX_PENDING_PER_CLIENT),
            nonNegativeInt(config, "checks.cacheSize", DEFAULT_CACHE_SIZE),
            Duration.ofSeconds(nonNegativeInt(config, "checks.cacheTtlSeconds", (int) DEFAULT_CACHE_TTL.getSeconds())),
            Duration.ofSeconds(nonNegativeInt(config, "checks.dnsFailureTtlSeconds", (int) DEFAULT_DNS_FAILURE_TTL.getSeconds())),
            positiveInt(config, "checks.maxChecksPerSession", DEFAULT_MAX_CHECKS_PER_SESSION),
            positiveInt(config, "checks.maxChecksPerClientPerMinute", DEFAULT_MAX_CHECKS_PER_CLIENT_PER_MINUTE));
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
            "defaultExplanation", "checks", "dryRun", "domains")),
        Map.entry("domains", Set.of("domain")),
        Map.entry("domains.domain", Set.of("dryRun", "enforceAt", "actions")),
        Map.entry("domains.domain.actions", Set.of("helo", "mailfrom", "pending")),
        Map.entry("domains.domain.actions.helo", RESULTS),
        Map.entry("domains.domain.actions.mailfrom", RESULTS),
        Map.entry("checks", Set.of("maxWaitMs", "threads", "maxInFlight", "maxPendingPerClient", "cacheSize", "cacheTtlSeconds", "dnsFailureTtlSeconds",
            "maxChecksPerSession", "maxChecksPerClientPerMinute")),
        Map.entry("skip", Set.of("authenticated", "relayingAllowed", "trustedNetworks", "senderDomains", "heloNames")),
        Map.entry("actions", Set.of("helo", "mailfrom", "pending")),
        Map.entry("actions.helo", RESULTS),
        Map.entry("actions.mailfrom", RESULTS),
        Map.entry("headers", Set.of("receivedSpf", "authenticationResults", "authservId", "dryRunComment")),
        Map.entry("dns", Set.of("resolver", "servers", "queryTimeoutMs", "timeBudgetMs", "maxVoidLookups", "udpSockets")),
        Map.entry("dns.servers", Set.of("server")));

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

    /** {@code actions.mailfrom.fail} as {@code <actions><mailfrom><fail>}. */
    static String describe(String path) {
        StringBuilder sb = new StringBuilder();
        for (String part : path.split("\\.")) {
            sb.append('<').append(part).append('>');
        }
        return sb.toString();
    }

    static ConfigurationException error(String path, String message) {
        return new ConfigurationException(describe(path) + ": " + message);
    }

    // ---- value readers ----

    private static String string(HierarchicalConfiguration<ImmutableNode> c, String key, String defaultValue) {
        String value = c.getString(key, null);
        return value == null ? defaultValue : value.trim();
    }

    private static boolean bool(HierarchicalConfiguration<ImmutableNode> c, String key, boolean defaultValue) throws ConfigurationException {
        String value = string(c, key, null);
        if (value == null) {
            return defaultValue;
        }
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
                return true;
            case "false":
            case "no":
                return false;
            default:
                throw error(key, "'" + value + "' is not a boolean (true|false)");
        }
    }

    private static <E extends Enum<E>> E enumValue(HierarchicalConfiguration<ImmutableNode> c, String key, Class<E> type, E defaultValue)
        throws ConfigurationException {
        String value = string(c, key, null);
        if (value == null) {
            return defaultValue;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw error(key, "unknown value '" + value + "' (" + String.join("|", names) + ")");
    }

    private static int positiveInt(HierarchicalConfiguration<ImmutableNode> c, String key, int defaultValue) throws ConfigurationException {
        int value = integer(c, key, defaultValue);
        if (value < 1) {
            throw error(key, "must be at least 1, got " + value);
        }
        return value;
    }

    private static int boundedInt(HierarchicalConfiguration<ImmutableNode> c, String key, int defaultValue, int max)
        throws ConfigurationException {
        int value = positiveInt(c, key, defaultValue);
        if (value > max) {
            throw error(key, "must be at most " + max + ", got " + value);
        }
        return value;
    }

    private static int nonNegativeInt(HierarchicalConfiguration<ImmutableNode> c, String key, int defaultValue) throws ConfigurationException {
        int value = integer(c, key, defaultValue);
        if (value < 0) {
            throw error(key, "must not be negative, got " + value);
        }
        return value;
    }

    private static int integer(HierarchicalConfiguration<ImmutableNode> c, String key, int defaultValue) throws ConfigurationException {
        String value = string(c, key, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw error(key, "'" + value + "' is not an integer");
        }
    }

    /** Comma-separated values, also accepted as repeated elements. */
    private static List<String> list(HierarchicalConfiguration<ImmutableNode> c, String key) {
        List<String> result = new ArrayList<>();
        for (Object item : c.getList(key, List.of())) {
            for (String part : String.valueOf(item).split(",")) {
                String trimmed = part.trim();
                if (!trimmed.isEmpty()) {
                    result.add(trimmed);
                }
            }
        }
        return result;
    }

    private static List<String> lowerCase(List<String> values) {
        List<String> result = new ArrayList<>(values.size());
        for (String v : values) {
            result.add(Ascii.toLowerCase(v));
        }
        return result;
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
            if (!DomainNames.isValidDomain(name)) {
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

    public boolean senderDomainAllowed(String domain) {
        return listed(senderDomainAllowlist, domain);
    }

    public boolean heloAllowed(String helo) {
        return listed(heloAllowlist, helo);
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

    public Checks checks() {
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
            && senderDomainAllowlist.equals(c.senderDomainAllowlist) && heloAllowlist.equals(c.heloAllowlist)
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
        List<String> senderDomainAllowlist = List.of();
        List<String> heloAllowlist = List.of();
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
        Checks checks = Checks.defaults();
        List<RecipientPolicy> domainPolicies = List.of();
    }
}
