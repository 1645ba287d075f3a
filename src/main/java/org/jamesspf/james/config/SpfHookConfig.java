package org.jamesspf.james.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.jamesspf.james.policy.ActionPolicy;
import org.jamesspf.james.policy.DomainList;
import org.jamesspf.james.policy.EnforceAt;
import org.jamesspf.james.policy.ExemptionRules;
import org.jamesspf.james.policy.NetworkList;
import org.jamesspf.james.policy.RecipientPolicy;
import org.jamesspf.spf.Limits;
import org.jamesspf.spf.SpfChecker;

/**
 * The hook's configuration: the {@code <handler>} element of smtpserver.xml, validated whole by
 * {@link SpfHookConfigReader}. A value: what the hook, its checks and the explain route read.
 */
public final class SpfHookConfig {
    /** What a message from a gateway gets when the client the gateway recorded cannot be read. */
    public enum GatewayUnreadable {
        /** The temperror action (by default 451: the gateway retries, an admin looks). */
        TEMPERROR,
        /** Accepted unchecked, recorded as such (a gateway trusted whatever it wrote). */
        ACCEPT;

        /** As configured and logged: {@code temperror}, {@code accept}. */
        public String token() {
            return name().toLowerCase(Locale.ROOT);
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

    /** Per DNS query: long enough for a slow server, short enough to retry another in the budget. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);
    /** RFC 5321 4.5.1: postmaster must always be reachable; abuse by RFC 2142 convention. */
    public static final List<String> DEFAULT_EXEMPT_RECIPIENTS = List.of("postmaster", "abuse");

    private final boolean checkHelo;
    private final boolean checkMailFrom;
    private final List<String> exemptRecipients;
    private final ExemptionRules exemptions;
    private final NetworkList gateways;
    private final GatewayUnreadable gatewayUnreadable;
    private final boolean receivedSpfHeader;
    private final boolean authenticationResultsHeader;
    private final Optional<String> authservId;
    private final boolean dryRunComment;
    private final Resolver resolver;
    private final List<String> dnsServers;
    private final Duration queryTimeout;
    private final int udpSockets;
    private final Limits limits;
    private final String defaultExplanation;
    private final CheckLimits checks;
    private final RecipientPolicy defaultPolicy;
    private final List<RecipientPolicy> domainPolicies;

    private SpfHookConfig(Builder b) {
        this.checkHelo = b.checkHelo;
        this.checkMailFrom = b.checkMailFrom;
        this.exemptRecipients = List.copyOf(b.exemptRecipients);
        this.exemptions = b.exemptions;
        this.gateways = b.gateways;
        this.gatewayUnreadable = b.gatewayUnreadable;
        this.receivedSpfHeader = b.receivedSpfHeader;
        this.authenticationResultsHeader = b.authenticationResultsHeader;
        this.authservId = b.authservId;
        this.dryRunComment = b.dryRunComment;
        this.resolver = b.resolver;
        this.dnsServers = List.copyOf(b.dnsServers);
        this.queryTimeout = b.queryTimeout;
        this.udpSockets = b.udpSockets;
        this.limits = b.limits;
        this.defaultExplanation = b.defaultExplanation;
        this.checks = b.checks;
        this.defaultPolicy = new RecipientPolicy(RecipientPolicy.DEFAULT_NAME, DomainList.empty(), b.actions, b.dryRun, b.enforceAt);
        this.domainPolicies = List.copyOf(b.domainPolicies);
    }

    /** The defaults, as documented in README and james-conf/smtpserver.xml. */
    public static SpfHookConfig defaults() {
        return new SpfHookConfig(new Builder());
    }

    /** Reads and validates the handler's configuration ({@link SpfHookConfigReader}). */
    public static SpfHookConfig from(HierarchicalConfiguration<ImmutableNode> config) throws ConfigurationException {
        return SpfHookConfigReader.read(config);
    }

    /** RFC 7208 2.3: whether the HELO identity is checked (when it is a fully qualified domain name). */
    public boolean checkHelo() {
        return checkHelo;
    }

    /** RFC 7208 2.4: whether the MAIL FROM identity is checked. */
    public boolean checkMailFrom() {
        return checkMailFrom;
    }

    /** The handler's enforcement point (the default policy's). */
    public EnforceAt enforceAt() {
        return defaultPolicy.enforceAt();
    }

    /** Recipient local parts never refused where refusals are per recipient (RFC 5321 4.5.1). */
    public List<String> exemptRecipients() {
        return exemptRecipients;
    }

    /** {@code <skip>}: which transactions are not held to their result. */
    public ExemptionRules exemptions() {
        return exemptions;
    }

    /** {@code <gateways><networks>}: filtering gateways and backup MXs in front of James. */
    public NetworkList gateways() {
        return gateways;
    }

    /** {@code <gateways><onUnreadable>}: what a gateway's message whose original client cannot be read gets. */
    public GatewayUnreadable gatewayUnreadable() {
        return gatewayUnreadable;
    }

    /** The handler's action mapping (the default policy's). */
    public ActionPolicy actions() {
        return defaultPolicy.actions();
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

    /** In dry-run, whether Authentication-Results carries a comment with the reply that would have been sent. */
    public boolean dryRunComment() {
        return dryRunComment;
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

    /** Roll-out mode of the handler: checks, headers and attributes as configured, but no refusal. */
    public boolean dryRun() {
        return defaultPolicy.dryRun();
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
        RecipientPolicy best = defaultPolicy;
        int bestScore = 0;
        for (RecipientPolicy p : domainPolicies) {
            int score = p.domains().matchLength(recipientDomain);
            if (score > bestScore) {
                best = p;
                bestScore = score;
            }
        }
        return best;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SpfHookConfig)) {
            return false;
        }
        SpfHookConfig c = (SpfHookConfig) o;
        return checkHelo == c.checkHelo && checkMailFrom == c.checkMailFrom && exemptRecipients.equals(c.exemptRecipients)
            && exemptions.equals(c.exemptions) && gateways.equals(c.gateways) && gatewayUnreadable == c.gatewayUnreadable
            && receivedSpfHeader == c.receivedSpfHeader && authenticationResultsHeader == c.authenticationResultsHeader
            && authservId.equals(c.authservId) && dryRunComment == c.dryRunComment && resolver == c.resolver
            && dnsServers.equals(c.dnsServers) && queryTimeout.equals(c.queryTimeout) && udpSockets == c.udpSockets
            && limits.equals(c.limits) && defaultExplanation.equals(c.defaultExplanation) && checks.equals(c.checks)
            && defaultPolicy.equals(c.defaultPolicy) && domainPolicies.equals(c.domainPolicies);
    }

    @Override
    public int hashCode() {
        return Objects.hash(checkHelo, checkMailFrom, exemptRecipients, exemptions, resolver, limits, defaultPolicy);
    }

    @Override
    public String toString() {
        return "SpfHookConfig{helo=" + checkHelo + ", mailfrom=" + checkMailFrom + ", exempt=" + exemptRecipients
            + ", skip=" + exemptions + ", gateways=[" + gateways + "], policy=" + defaultPolicy + ", resolver=" + resolver
            + ", servers=" + dnsServers + ", limits=" + limits + ", checks=" + checks
            + (domainPolicies.isEmpty() ? "" : ", domains=" + domainPolicies) + "}";
    }

    /** The values as read, each starting at its default. */
    static final class Builder {
        boolean checkHelo = true;
        boolean checkMailFrom = true;
        EnforceAt enforceAt = EnforceAt.RCPT;
        List<String> exemptRecipients = DEFAULT_EXEMPT_RECIPIENTS;
        ExemptionRules exemptions = ExemptionRules.defaults();
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
        int udpSockets = org.jamesspf.dns.dnsjava.NioTransport.DEFAULT_UDP_SOCKETS;
        Limits limits = Limits.defaults();
        String defaultExplanation = SpfChecker.DEFAULT_EXPLANATION;
        CheckLimits checks = CheckLimits.defaults(DEFAULT_QUERY_TIMEOUT);
        List<RecipientPolicy> domainPolicies = List.of();

        SpfHookConfig build() {
            return new SpfHookConfig(this);
        }
    }
}
