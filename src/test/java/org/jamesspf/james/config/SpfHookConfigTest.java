package org.jamesspf.james.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.time.Duration;
import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.jamesspf.james.policy.Action;
import org.jamesspf.james.policy.EnforceAt;
import org.jamesspf.james.policy.RecipientPolicy;
import org.jamesspf.spf.Identity;
import org.jamesspf.spf.SpfResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link SpfHookConfig#from} on XML strings: every option, every check both ways. */
public class SpfHookConfigTest {
    public static SpfHookConfig parse(String body) throws ConfigurationException {
        XMLConfiguration xml = new XMLConfiguration();
        new FileHandler(xml).load(new StringReader("<handler class=\"org.jamesspf.james.SpfHook\">" + body + "</handler>"));
        return SpfHookConfig.from(xml);
    }

    @Test
    @DisplayName("an empty handler gives the documented defaults")
    void defaults() throws Exception {
        SpfHookConfig config = parse("");
        assertThat(config).isEqualTo(SpfHookConfig.defaults());
        assertThat(config.enforceAt()).isEqualTo(EnforceAt.RCPT);
        assertThat(config.exemptRecipients()).containsExactly("postmaster", "abuse");
        assertThat(config.checkHelo()).isTrue();
        assertThat(config.checkMailFrom()).isTrue();
        assertThat(config.limits().timeBudget()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.limits().voidLookups()).isEqualTo(2);
        Action fail = config.actions().actionFor(Identity.MAILFROM, SpfResult.FAIL);
        assertThat(fail.kind()).isEqualTo(Action.Kind.REJECT);
        assertThat(fail.code()).isEqualTo("550");
        assertThat(fail.status()).isEqualTo("5.7.23");
        Action temperror = config.actions().actionFor(Identity.MAILFROM, SpfResult.TEMPERROR);
        assertThat(temperror.kind()).isEqualTo(Action.Kind.DEFER);
        assertThat(temperror.code()).isEqualTo("451");
        assertThat(temperror.status()).isEqualTo("4.7.24");
        assertThat(config.actions().actionFor(Identity.HELO, SpfResult.FAIL).kind()).isEqualTo(Action.Kind.REJECT);
        for (SpfResult r : new SpfResult[] {SpfResult.PASS, SpfResult.NONE, SpfResult.NEUTRAL, SpfResult.SOFTFAIL, SpfResult.PERMERROR}) {
            assertThat(config.actions().actionFor(Identity.MAILFROM, r).refuses()).as(r.token()).isFalse();
        }
    }

    @Test
    @DisplayName("every option is read")
    void everyOption() throws Exception {
        SpfHookConfig config = parse("<checkHelo>false</checkHelo><checkMailFrom>true</checkMailFrom><enforceAt>DATA</enforceAt>"
            + "<exemptRecipients>Postmaster, abuse, hostmaster</exemptRecipients>"
            + "<skip><authenticated>false</authenticated><relayingAllowed>no</relayingAllowed>"
            + "<trustedNetworks>192.0.2.0/24, 2001:db8::/32</trustedNetworks><unverifiedSenderDomains>example.org, .example.net</unverifiedSenderDomains>"
            + "<heloNames>relay.example.org</heloNames><forwarders>lists.example.com, Alumni.Example.edu.</forwarders></skip>"
            + "<gateways><networks>198.51.100.0/28, 2001:db8:ff::/48</networks><onUnreadable>accept</onUnreadable></gateways>"
            + "<actions><mailfrom><softfail action=\"defer\"/><permerror action=\"reject\" code=\"554\" status=\"5.7.24\" text=\"{problem}\"/>"
            + "</mailfrom><helo><fail action=\"accept\"/></helo></actions>"
            + "<headers><receivedSpf>false</receivedSpf><authenticationResults>true</authenticationResults>"
            + "<authservId>mx.example.org</authservId></headers>"
            + "<dns><resolver>dnsjava</resolver><servers><server>192.0.2.53</server><server>[2001:db8::53]:5353</server></servers>"
            + "<queryTimeoutMs>1500</queryTimeoutMs><timeBudgetMs>30000</timeBudgetMs><maxVoidLookups>5</maxVoidLookups></dns>"
            + "<defaultExplanation>See https://example.org/spf?s=%{S}</defaultExplanation>");
        assertThat(config.checkHelo()).isFalse();
        assertThat(config.enforceAt()).isEqualTo(EnforceAt.DATA);
        assertThat(config.exemptRecipients()).containsExactly("postmaster", "abuse", "hostmaster");
        assertThat(config.exemptions().skipAuthenticated()).isFalse();
        assertThat(config.exemptions().skipRelayingAllowed()).isFalse();
        assertThat(config.exemptions().trustedNetworks().contains(org.jamesspf.spf.IpAddress.parse("192.0.2.77"))).isTrue();
        assertThat(config.exemptions().trustedNetworks().contains(org.jamesspf.spf.IpAddress.parse("::ffff:192.0.2.77"))).isTrue();
        assertThat(config.exemptions().trustedNetworks().contains(org.jamesspf.spf.IpAddress.parse("198.51.100.1"))).isFalse();
        assertThat(config.exemptions().unverifiedSenderDomain("EXAMPLE.org")).isTrue();
        assertThat(config.exemptions().unverifiedSenderDomain("mail.example.org")).isFalse();
        assertThat(config.exemptions().unverifiedSenderDomain("mail.example.net")).isTrue();
        assertThat(config.exemptions().unverifiedSenderDomain("example.net")).isFalse();
        assertThat(config.exemptions().heloNameListed("relay.example.org")).isTrue();
        assertThat(config.exemptions().heloNameListed("other.example.org")).isFalse();
        assertThat(config.exemptions().forwarders()).containsExactly("lists.example.com", "alumni.example.edu");
        assertThat(config.gateways().contains(org.jamesspf.spf.IpAddress.parse("198.51.100.15"))).isTrue();
        assertThat(config.gateways().contains(org.jamesspf.spf.IpAddress.parse("198.51.100.16"))).isFalse();
        assertThat(config.gateways().contains(org.jamesspf.spf.IpAddress.parse("2001:db8:ff::25"))).isTrue();
        assertThat(config.gatewayUnreadable()).isEqualTo(SpfHookConfig.GatewayUnreadable.ACCEPT);
        assertThat(config.actions().actionFor(Identity.MAILFROM, SpfResult.SOFTFAIL).code()).isEqualTo("451");
        assertThat(config.actions().actionFor(Identity.MAILFROM, SpfResult.SOFTFAIL).status()).isEqualTo("4.7.23");
        assertThat(config.actions().actionFor(Identity.MAILFROM, SpfResult.PERMERROR).code()).isEqualTo("554");
        assertThat(config.actions().actionFor(Identity.HELO, SpfResult.FAIL).refuses()).isFalse();
        assertThat(config.receivedSpfHeader()).isFalse();
        assertThat(config.authenticationResultsHeader()).isTrue();
        assertThat(config.authservId()).contains("mx.example.org");
        assertThat(config.resolver()).isEqualTo(SpfHookConfig.Resolver.DNSJAVA);
        assertThat(config.dnsServers()).containsExactly("192.0.2.53", "[2001:db8::53]:5353");
        assertThat(config.queryTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.limits().timeBudget()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.limits().voidLookups()).isEqualTo(5);
        assertThat(config.defaultExplanation()).isEqualTo("See https://example.org/spf?s=%{S}");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @DisplayName("configuration errors name the element at fault")
    @CsvSource(delimiter = '|', value = {
        "<actions><mailfrom><fail action=\"rejectt\"/></mailfrom></actions>|<actions><mailfrom><fail>: unknown action 'rejectt' (accept|reject|defer)",
        "<actions><mailfrom><fial action=\"reject\"/></mailfrom></actions>|<actions><mailfrom><fial>: unknown element",
        "<actions><mailfrom><fail code=\"550\"/></mailfrom></actions>|<actions><mailfrom><fail>: missing attribute 'action'",
        "<actions><mailfrom><fail action=\"reject\" code=\"450\"/></mailfrom></actions>|<actions><mailfrom><fail>: bad reply code '450' for reject",
        "<actions><mailfrom><fail action=\"defer\" code=\"550\"/></mailfrom></actions>|<actions><mailfrom><fail>: bad reply code '550' for defer",
        "<actions><mailfrom><fail action=\"reject\" code=\"5x0\"/></mailfrom></actions>|<actions><mailfrom><fail>: bad reply code '5x0'",
        "<actions><mailfrom><fail action=\"reject\" status=\"4.7.1\"/></mailfrom></actions>|<actions><mailfrom><fail>: bad enhanced status code '4.7.1'",
        "<actions><mailfrom><fail action=\"reject\" status=\"5.07.1\"/></mailfrom></actions>|<actions><mailfrom><fail>: bad enhanced status code '5.07.1'",
        "<actions><mailfrom><fail action=\"reject\" text=\"{nope}\"/></mailfrom></actions>|<actions><mailfrom><fail>: unknown placeholder '{nope}'",
        "<actions><mailfrom><fail action=\"accept\" code=\"550\"/></mailfrom></actions>|<actions><mailfrom><fail>: accept takes no code",
        "<actions><mailfrom><fail action=\"reject\" colour=\"red\"/></mailfrom></actions>|<actions><mailfrom><fail>: unknown attribute 'colour'",
        "<actions><ehlo><fail action=\"reject\"/></ehlo></actions>|<actions><ehlo>: unknown element",
        "<enforceAt>helo</enforceAt>|<enforceAt>: unknown value 'helo' (mail|rcpt|data)",
        "<checkHelo>maybe</checkHelo>|<checkHelo>: 'maybe' is not a boolean",
        "<skip><trustedNetworks>192.0.2.0/33</trustedNetworks></skip>|<skip><trustedNetworks>: prefix length over 32 in '192.0.2.0/33'",
        "<skip><trustedNetworks>10.0.0.0/8, banana</trustedNetworks></skip>|<skip><trustedNetworks>: not an IP network: 'banana'",
        "<skip><unverifiedSenderDomains>localhost</unverifiedSenderDomains></skip>|<skip><unverifiedSenderDomains>: 'localhost' is not a domain name",
        "<skip><senderDomains>example.org</senderDomains></skip>|<skip><senderDomains>: no longer read; a sender domain is a claim any client can make",
        "<skip><forwarders>.lists.example</forwarders></skip>|<skip><forwarders>: '.lists.example': a forwarder is one domain",
        "<skip><forwarders>lists..example</forwarders></skip>|<skip><forwarders>: 'lists..example' is not a domain name",
        "<skip><heloNames>-bad-.example</heloNames></skip>|<skip><heloNames>: '-bad-.example' is not a domain name",
        "<gateways><networks>gw.example</networks></gateways>|<gateways><networks>: not an IP network: 'gw.example'",
        "<gateways><onUnreadable>reject</onUnreadable></gateways>|<gateways><onUnreadable>: unknown value 'reject' (temperror|accept)",
        "<gateways><relays>192.0.2.1</relays></gateways>|<gateways><relays>: unknown element",
        "<skip><everyone>true</everyone></skip>|<skip><everyone>: unknown element",
        "<dns><servers><server>192.0.2.1:99999</server></servers></dns>|<dns><servers><server>: port out of range",
        "<dns><resolver>james</resolver><servers><server>192.0.2.1</server></servers></dns>|<dns><servers>: servers are used by the dnsjava resolver only",
        "<dns><queryTimeoutMs>0</queryTimeoutMs></dns>|<dns><queryTimeoutMs>: must be at least 1",
        "<dns><timeBudgetMs>soon</timeBudgetMs></dns>|<dns><timeBudgetMs>: 'soon' is not an integer",
        "<dns><maxVoidLookups>-1</maxVoidLookups></dns>|<dns><maxVoidLookups>: must not be negative",
        "<headers><authservId>mx example</authservId></headers>|<headers><authservId>: 'mx example' is not a valid authserv-id",
        "<defaultExplanation>%{x}</defaultExplanation>|<defaultExplanation>: '%{x}'",
        "<enforceat>rcpt</enforceat>|<enforceat>: unknown element",
        "<checks><maxWaitMs>-1</maxWaitMs></checks>|<checks><maxWaitMs>: must not be negative",
        "<checks><maxWaitMs>30000</maxWaitMs></checks>|<checks><maxWaitMs>: 30000 is longer than <dns><timeBudgetMs>",
        "<checks><threads>0</threads></checks>|<checks><threads>: must be at least 1",
        "<checks><threads>5000</threads></checks>|<checks><threads>: must be at most 256",
        "<checks><maxInFlight>0</maxInFlight></checks>|<checks><maxInFlight>: must be at least 1",
        "<checks><maxInFlight>10</maxInFlight><maxInFlightPerNetwork>20</maxInFlightPerNetwork></checks>|<checks><maxInFlightPerNetwork>: 20 is more than <maxInFlight> (10)",
        "<checks><maxInFlight>10</maxInFlight><maxInFlightPerNetwork>5</maxInFlightPerNetwork><maxInFlightPerDomain>20</maxInFlightPerDomain></checks>|<checks><maxInFlightPerDomain>: 20 is more than <maxInFlight> (10)",
        "<checks><networkPrefixV4>33</networkPrefixV4></checks>|<checks><networkPrefixV4>: must be at most 32",
        "<checks><networkPrefixV6>129</networkPrefixV6></checks>|<checks><networkPrefixV6>: must be at most 128",
        "<checks><maxPendingPerClient>8</maxPendingPerClient></checks>|<checks><maxPendingPerClient>: no longer read; use <maxInFlightPerNetwork>",
        "<checks><cacheSize>8</cacheSize></checks>|<checks><cacheSize>: no longer read; use <cacheKilobytes>",
        "<checks><maxChecksPerClientPerMinute>8</maxChecksPerClientPerMinute></checks>|<checks><maxChecksPerClientPerMinute>: no longer read; use <maxChecksPerNetworkPerMinute>",
        "<dns><udpSockets>0</udpSockets></dns>|<dns><udpSockets>: must be at least 1",
        "<dns><udpSockets>5000</udpSockets></dns>|<dns><udpSockets>: must be at most 1024",
        "<checks><maxInFlightPerNetwork>0</maxInFlightPerNetwork></checks>|<checks><maxInFlightPerNetwork>: must be at least 1",
        "<checks><cacheTtlSeconds>x</cacheTtlSeconds></checks>|<checks><cacheTtlSeconds>: 'x' is not an integer",
        "<checks><waitMs>1</waitMs></checks>|<checks><waitMs>: unknown element",
        "<checks><maxChecksPerSession>0</maxChecksPerSession></checks>|<checks><maxChecksPerSession>: must be at least 1",
        "<checks><maxChecksPerNetworkPerMinute>x</maxChecksPerNetworkPerMinute></checks>|<checks><maxChecksPerNetworkPerMinute>: 'x' is not an integer",
        "<actions><pending action=\"reject\"/></actions>|<actions><pending>: a check still in progress proves nothing",
        "<actions><pending code=\"451\"/></actions>|<actions><pending>: missing attribute 'action'",
        "<actions><pending action=\"defer\" code=\"550\"/></actions>|<actions><pending>: bad reply code '550'"})
    void errors(String body, String message) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(ConfigurationException.class).hasMessageStartingWith(message);
    }

    @Test
    @DisplayName("<domains>: a domain's policy inherits what it does not set; exact name over the longest .suffix over the default")
    void domainPolicies() throws Exception {
        SpfHookConfig config = parse("<dryRun>false</dryRun><actions><mailfrom><softfail action=\"defer\"/></mailfrom></actions>"
            + "<domains>"
            + "<domain name=\"strict.example, .strict.example\"><actions><mailfrom><softfail action=\"reject\"/>"
            + "<neutral action=\"reject\" code=\"554\"/></mailfrom><pending action=\"accept\"/></actions></domain>"
            + "<domain name=\"Tag.Example.\"><dryRun>true</dryRun><enforceAt>data</enforceAt></domain>"
            + "<domain name=\".sub.strict.example\"><actions><mailfrom><fail action=\"accept\"/></mailfrom></actions></domain>"
            + "</domains>");
        RecipientPolicy strict = config.policyFor("strict.example");
        assertThat(strict.name()).isEqualTo("strict.example, .strict.example");
        assertThat(strict.actions().actionFor(Identity.MAILFROM, SpfResult.SOFTFAIL).kind()).isEqualTo(Action.Kind.REJECT);
        assertThat(strict.actions().actionFor(Identity.MAILFROM, SpfResult.NEUTRAL).code()).isEqualTo("554");
        // inherited: the handler's fail rejection and temperror deferral
        assertThat(strict.actions().actionFor(Identity.MAILFROM, SpfResult.FAIL).kind()).isEqualTo(Action.Kind.REJECT);
        assertThat(strict.actions().actionFor(Identity.HELO, SpfResult.TEMPERROR).kind()).isEqualTo(Action.Kind.DEFER);
        assertThat(strict.actions().pending().refuses()).isFalse();
        assertThat(strict.dryRun()).isFalse();
        assertThat(strict.enforceAt()).isEqualTo(EnforceAt.RCPT);
        assertThat(config.policyFor("mx.strict.example")).isSameAs(strict);
        assertThat(config.policyFor("a.sub.strict.example").name()).isEqualTo(".sub.strict.example");
        assertThat(config.policyFor("a.sub.strict.example").actions().actionFor(Identity.MAILFROM, SpfResult.SOFTFAIL).kind())
            .as("inherits the handler's, not strict.example's").isEqualTo(Action.Kind.DEFER);
        RecipientPolicy tag = config.policyFor("TAG.example");
        assertThat(tag.dryRun()).isTrue();
        assertThat(tag.enforceAt()).isEqualTo(EnforceAt.DATA);
        assertThat(tag.actions()).isEqualTo(config.actions());
        assertThat(config.policyFor("other.example")).isSameAs(config.defaultPolicy());
        assertThat(config.policyFor("notstrict.example")).as("a suffix entry matches at a label boundary only")
            .isSameAs(config.defaultPolicy());
        assertThat(config.defaultPolicy().actions()).isEqualTo(config.actions());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @DisplayName("<domains> errors name the element at fault")
    @CsvSource(delimiter = '|', value = {
        "<domains><domain/></domains>|<domains><domain>: missing attribute 'name'",
        "<domains><domain name=\"a..b\"/></domains>|<domains><domain name=\"a..b\">: 'a..b' is not a domain name",
        "<domains><domain name=\"a.example\"/><domain name=\"b.example,A.example\"/></domains>"
            + "|<domains><domain name=\"b.example,A.example\">: 'a.example' is already covered by <domain name=\"a.example\">",
        "<domains><domain name=\"a.example\"><enforceAt>mail</enforceAt></domain></domains>"
            + "|<domains><domain name=\"a.example\"><enforceAt>: mail is not possible per recipient domain",
        "<enforceAt>mail</enforceAt><domains><domain name=\"a.example\"/></domains>|<enforceAt>: mail cannot be used with <domains>",
        "<domains><domain name=\"a.example\"><dryRun>maybe</dryRun></domain></domains>"
            + "|<domains><domain name=\"a.example\"><dryRun>: 'maybe' is not a boolean",
        "<domains><domain name=\"a.example\"><actions><mailfrom><fail action=\"bounce\"/></mailfrom></actions></domain></domains>"
            + "|<domains><domain name=\"a.example\"><actions><mailfrom><fail>: unknown action 'bounce'",
        "<domains><domain name=\"a.example\"><actions><pending action=\"reject\"/></actions></domain></domains>"
            + "|<domains><domain name=\"a.example\"><actions><pending>: a check still in progress proves nothing",
        "<domains><domain name=\"a.example\"><skip/></domain></domains>|<domains><domain><skip>: unknown element",
        "<domains><domain name=\"a.example\" colour=\"red\"/></domains>|<domains><domain>: unknown attribute 'colour'",
        "<domains><zone name=\"a.example\"/></domains>|<domains><zone>: unknown element"})
    void domainErrors(String body, String message) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(ConfigurationException.class).hasMessageStartingWith(message);
    }

    @Test
    @DisplayName("a bad attribute on the handler itself is refused")
    void unknownHandlerAttribute() {
        assertThatThrownBy(() -> {
            XMLConfiguration xml = new XMLConfiguration();
            new FileHandler(xml).load(new StringReader("<handler class=\"x\" mode=\"strict\"/>"));
            SpfHookConfig.from(xml);
        }).isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown attribute 'mode'");
    }

    @Test
    @DisplayName("<checks> and <actions><pending>: every option read; pending may accept")
    void checksAndPending() throws Exception {
        SpfHookConfig config = parse("<checks><maxWaitMs>0</maxWaitMs><threads>16</threads><maxInFlightPerNetwork>2</maxInFlightPerNetwork>"
            + "<maxInFlightPerDomain>3</maxInFlightPerDomain><networkPrefixV4>16</networkPrefixV4><networkPrefixV6>48</networkPrefixV6>"
            + "<cacheKilobytes>0</cacheKilobytes><cacheTtlSeconds>60</cacheTtlSeconds><dnsFailureTtlSeconds>0</dnsFailureTtlSeconds>"
            + "<maxInFlight>500</maxInFlight></checks><dns><udpSockets>8</udpSockets><queryTimeoutMs>700</queryTimeoutMs></dns>"
            + "<actions><pending action=\"accept\"/></actions>");
        assertThat(config.checks().maxWait()).isEqualTo(java.time.Duration.ZERO);
        assertThat(config.checks().threads()).isEqualTo(16);
        assertThat(config.checks().maxInFlight()).isEqualTo(500);
        assertThat(config.udpSockets()).isEqualTo(8);
        assertThat(SpfHookConfig.defaults().checks().threads()).isEqualTo(2 * Runtime.getRuntime().availableProcessors());
        assertThat(config.checks().maxInFlightPerNetwork()).isEqualTo(2);
        assertThat(config.checks().maxInFlightPerDomain()).isEqualTo(3);
        assertThat(config.checks().networkPrefixV4()).isEqualTo(16);
        assertThat(config.checks().networkPrefixV6()).isEqualTo(48);
        assertThat(config.checks().slowFailure()).as("the query timeout").isEqualTo(java.time.Duration.ofMillis(700));
        assertThat(config.checks().cacheKilobytes()).isZero();
        assertThat(config.checks().cacheTtl()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(config.checks().dnsFailureTtl()).isEqualTo(java.time.Duration.ZERO);
        assertThat(config.actions().pending().refuses()).isFalse();
        SpfHookConfig defer = parse("<actions><pending action=\"defer\" code=\"421\" status=\"4.4.3\" text=\"busy {domain}\"/></actions>");
        assertThat(defer.actions().pending().code()).isEqualTo("421");
        assertThat(defer.actions().pending().status()).isEqualTo("4.4.3");
        assertThat(SpfHookConfig.defaults().actions().pending().code()).isEqualTo("451");
        assertThat(SpfHookConfig.defaults().checks().maxWait()).isEqualTo(CheckLimits.DEFAULT_MAX_WAIT);
        SpfHookConfig budget = parse("<checks><maxChecksPerSession>7</maxChecksPerSession>"
            + "<maxChecksPerNetworkPerMinute>9</maxChecksPerNetworkPerMinute><maxChecksPerDomainPerMinute>11</maxChecksPerDomainPerMinute>"
            + "</checks>");
        assertThat(budget.checks().maxChecksPerSession()).isEqualTo(7);
        assertThat(budget.checks().maxChecksPerNetworkPerMinute()).isEqualTo(9);
        assertThat(budget.checks().maxChecksPerDomainPerMinute()).isEqualTo(11);
    }

    @Test
    @DisplayName("<dryRun> and <headers><dryRunComment>: read, off and on by default, bad values named")
    void dryRunOptions() throws Exception {
        assertThat(SpfHookConfig.defaults().dryRun()).isFalse();
        assertThat(SpfHookConfig.defaults().dryRunComment()).isTrue();
        SpfHookConfig config = parse("<dryRun>true</dryRun><headers><dryRunComment>false</dryRunComment></headers>");
        assertThat(config.dryRun()).isTrue();
        assertThat(config.dryRunComment()).isFalse();
        assertThatThrownBy(() -> parse("<dryRun>maybe</dryRun>")).isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("<dryRun>: ");
    }
}
