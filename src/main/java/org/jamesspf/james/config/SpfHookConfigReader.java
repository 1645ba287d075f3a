package org.jamesspf.james.config;

import static org.jamesspf.james.config.ConfigValues.bool;
import static org.jamesspf.james.config.ConfigValues.boundedInt;
import static org.jamesspf.james.config.ConfigValues.describe;
import static org.jamesspf.james.config.ConfigValues.enumValue;
import static org.jamesspf.james.config.ConfigValues.error;
import static org.jamesspf.james.config.ConfigValues.list;
import static org.jamesspf.james.config.ConfigValues.lowerCase;
import static org.jamesspf.james.config.ConfigValues.nonNegativeInt;
import static org.jamesspf.james.config.ConfigValues.positiveInt;
import static org.jamesspf.james.config.ConfigValues.string;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.jamesspf.dns.dnsjava.DnsServers;
import org.jamesspf.james.policy.ActionPolicy;
import org.jamesspf.james.policy.DomainList;
import org.jamesspf.james.policy.EnforceAt;
import org.jamesspf.james.policy.ExemptionRules;
import org.jamesspf.james.policy.NetworkList;
import org.jamesspf.james.policy.RecipientPolicy;
import org.jamesspf.james.text.HeaderSyntax;
import org.jamesspf.spf.Limits;
import org.jamesspf.spf.macro.MacroString;

/**
 * Reads the {@code <handler>} element whole: its structure first ({@link HandlerSchema}), then every
 * value, each bad one a {@link ConfigurationException} naming its element, which stops James at
 * start-up.
 */
final class SpfHookConfigReader {
    private SpfHookConfigReader() {
    }

    static SpfHookConfig read(HierarchicalConfiguration<ImmutableNode> config) throws ConfigurationException {
        Objects.requireNonNull(config, "config");
        HandlerSchema.validate(config.getNodeModel().getNodeHandler().getRootNode());
        SpfHookConfig.Builder b = new SpfHookConfig.Builder();
        b.checkHelo = bool(config, "checkHelo", b.checkHelo);
        b.checkMailFrom = bool(config, "checkMailFrom", b.checkMailFrom);
        b.enforceAt = enumValue(config, "enforceAt", EnforceAt.class, b.enforceAt);
        if (config.containsKey("exemptRecipients")) {
            b.exemptRecipients = lowerCase(list(config, "exemptRecipients"));
        }
        b.exemptions = exemptions(config);
        b.gateways = networks(config, "gateways.networks");
        b.gatewayUnreadable = enumValue(config, "gateways.onUnreadable", SpfHookConfig.GatewayUnreadable.class, b.gatewayUnreadable);
        b.actions = ActionPolicyReader.read(config, "", ActionPolicy.defaults());
        b.receivedSpfHeader = bool(config, "headers.receivedSpf", b.receivedSpfHeader);
        b.authenticationResultsHeader = bool(config, "headers.authenticationResults", b.authenticationResultsHeader);
        b.dryRun = bool(config, "dryRun", b.dryRun);
        b.dryRunComment = bool(config, "headers.dryRunComment", b.dryRunComment);
        String authserv = string(config, "headers.authservId", "");
        if (!authserv.isEmpty()) {
            if (!HeaderSyntax.isToken(authserv)) {
                throw error("headers.authservId", "'" + authserv + "' is not a valid authserv-id (RFC 8601 2.2: a token or domain name)");
            }
            b.authservId = Optional.of(authserv);
        }
        dns(config, b);
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
        return b.build();
    }

    /** {@code <skip>}. */
    private static ExemptionRules exemptions(HierarchicalConfiguration<ImmutableNode> config) throws ConfigurationException {
        ExemptionRules defaults = ExemptionRules.defaults();
        DomainList forwarders = domains(config, "skip.forwarders");
        for (String forwarder : forwarders.entries()) {
            if (forwarder.startsWith(".")) {
                throw error("skip.forwarders", "'" + forwarder + "': a forwarder is one domain (its SPF is checked, and a verified"
                    + " reverse name anywhere under it counts); write it without the leading dot");
            }
        }
        return new ExemptionRules(bool(config, "skip.authenticated", defaults.skipAuthenticated()),
            bool(config, "skip.relayingAllowed", defaults.skipRelayingAllowed()), networks(config, "skip.trustedNetworks"),
            domains(config, "skip.unverifiedSenderDomains"), domains(config, "skip.heloNames"), forwarders.entries());
    }

    /** {@code <dns>}: the resolver, its servers and timeouts, and RFC 7208 4.6.4's limits. */
    private static void dns(HierarchicalConfiguration<ImmutableNode> config, SpfHookConfig.Builder b) throws ConfigurationException {
        b.resolver = enumValue(config, "dns.resolver", SpfHookConfig.Resolver.class, b.resolver);
        b.dnsServers = list(config, "dns.servers.server");
        for (String server : b.dnsServers) {
            try {
                DnsServers.parse(server);
            } catch (IllegalArgumentException e) {
                throw error("dns.servers.server", e.getMessage());
            }
        }
        if (b.resolver == SpfHookConfig.Resolver.JAMES && !b.dnsServers.isEmpty()) {
            throw error("dns.servers", "servers are used by the dnsjava resolver only; remove them or set <resolver> to auto or dnsjava");
        }
        b.queryTimeout = Duration.ofMillis(positiveInt(config, "dns.queryTimeoutMs", (int) b.queryTimeout.toMillis()));
        b.udpSockets = boundedInt(config, "dns.udpSockets", b.udpSockets, 1024);
        Duration budget = Duration.ofMillis(positiveInt(config, "dns.timeBudgetMs", (int) Limits.DEFAULT_TIME_BUDGET.toMillis()));
        int voids = nonNegativeInt(config, "dns.maxVoidLookups", Limits.DEFAULT_VOID_LOOKUPS);
        b.limits = Limits.of(Limits.DEFAULT_DNS_TERMS, voids, budget);
    }

    /**
     * {@code <domains><domain name="a.example, .b.example">}: per local recipient domain, the
     * action mapping, dry-run and enforcement point, each inherited from the handler's when absent.
     * A domain is named in one {@code <domain>} at most. MAIL FROM comes before any recipient, so
     * neither a domain nor the handler (when domains are configured) may enforce at mail.
     */
    private static List<RecipientPolicy> domainPolicies(HierarchicalConfiguration<ImmutableNode> config, SpfHookConfig.Builder b)
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
            DomainList entries = domainList(list(d, "[@name]"), where);
            for (String entry : entries.entries()) {
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
            ActionPolicy actions = ActionPolicyReader.read(d, where, b.actions);
            policies.add(new RecipientPolicy(name, entries, actions, dryRun, enforce));
        }
        return policies;
    }

    private static NetworkList networks(HierarchicalConfiguration<ImmutableNode> c, String key) throws ConfigurationException {
        try {
            return NetworkList.parse(list(c, key));
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    private static DomainList domains(HierarchicalConfiguration<ImmutableNode> c, String key) throws ConfigurationException {
        return domainList(list(c, key), describe(key));
    }

    /** {@code where} names the element in the error of a bad entry. */
    private static DomainList domainList(List<String> entries, String where) throws ConfigurationException {
        try {
            return DomainList.parse(entries);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(where + ": " + e.getMessage());
        }
    }
}
