package org.jamesspf.james.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.jamesspf.james.config.SpfHookConfigTest;
import org.jamesspf.james.policy.Action;
import org.jamesspf.james.policy.ActionPolicy;
import org.jamesspf.james.policy.Exemption;
import org.jamesspf.james.policy.GatewayOrigin;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.SpfResult;
import org.jamesspf.spf.dns.InMemoryZone;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exemptions a client cannot claim: a listed HELO name counts once its A records hold the client
 * or its SPF passes; a forwarder once the client passes its SPF or has a forward-confirmed name
 * under it. The verifications are checks of the engine, in the budget; one not done in time
 * exempts nothing and refuses nothing yet. And behind a trusted gateway, the client its Received
 * field names is checked.
 */
class ExemptionsTest {
    private static final InMemoryZone ZONE = InMemoryZone.builder()
        .txt("fail.test", "v=spf1 -all")
        .txt("pass.test", "v=spf1 ip4:203.0.113.0/24 -all")
        // a HELO name verified by its address, another by its own SPF record
        .a("relay.partner.test", "192.0.2.10")
        .txt("spf-helo.partner.test", "v=spf1 ip4:192.0.2.11 -all")
        // a forwarder verified by SPF
        .txt("lists.fwd.test", "v=spf1 ip4:198.51.100.0/28 -all")
        // a forwarder whose hosts are named under it: one confirmed forward, one whose name points elsewhere
        .txt("alumni.test", "v=spf1 ip4:192.0.2.250 -all")
        .ptr(IpAddress.parse("203.0.113.7"), "mx1.alumni.test")
        .a("mx1.alumni.test", "203.0.113.7")
        .ptr(IpAddress.parse("203.0.113.8"), "mx2.alumni.test")
        .a("mx2.alumni.test", "203.0.113.99")
        // a forwarder whose DNS never answers
        .timeout("dead.fwd.test")
        .build();
    private static final long WAIT = Duration.ofSeconds(5).toNanos();

    private final RecordingMetricFactory metricFactory = new RecordingMetricFactory();

    private CheckHarness checks(TransactionChecksTest.ScriptedDns dns, String handlerBody) throws Exception {
        return new CheckHarness(SpfHookConfigTest.parse(handlerBody), dns, metricFactory);
    }

    private static final String LISTS = "<skip><heloNames>relay.partner.test, spf-helo.partner.test</heloNames>"
        + "<forwarders>lists.fwd.test, alumni.test</forwarders></skip>";

    private Verdict decide(String handlerBody, String ip, String helo, String sender) throws Exception {
        return checks(new TransactionChecksTest.ScriptedDns(ZONE), handlerBody).decide(ip, helo, sender, WAIT);
    }

    @ParameterizedTest(name = "{0} HELO {1} -> {2}")
    @DisplayName("a listed HELO name or forwarder exempts only a client that verifies it; the same claim from elsewhere is refused")
    @CsvSource(delimiter = '|', value = {
        "192.0.2.10|relay.partner.test|verified-helo|HELO relay.partner.test resolves to 192.0.2.10",
        "192.0.2.11|spf-helo.partner.test|verified-helo|HELO spf-helo.partner.test passes SPF for 192.0.2.11",
        "198.51.100.5|anything.example|forwarder|198.51.100.5 passes the SPF of forwarder lists.fwd.test",
        "203.0.113.7|mx1.alumni.test|forwarder|203.0.113.7 has a forward-confirmed name under forwarder alumni.test",
        // the claims, spoofed: a listed HELO from an address it does not resolve to, a PTR name that does not resolve back
        "192.0.2.99|relay.partner.test||",
        "192.0.2.99|spf-helo.partner.test||",
        "203.0.113.8|mx2.alumni.test||",
        "192.0.2.99|lists.fwd.test||",
    })
    void verifiedOnly(String ip, String helo, String kind, String detail) throws Exception {
        Verdict verdict = decide(LISTS, ip, helo, "ceo@fail.test");
        if (kind == null) {
            assertThat(verdict.exemption()).isEmpty();
            assertThat(verdict.under(ActionPolicy.defaults()).action().kind()).isEqualTo(Action.Kind.REJECT);
            assertThat(verdict.outcomes()).extracting(CheckOutcome::result).contains(SpfResult.FAIL);
        } else {
            assertThat(verdict.exemption().map(e -> e.kind().token())).contains(kind);
            assertThat(verdict.exemption().get().detail()).isEqualTo(detail);
            assertThat(verdict.under(ActionPolicy.defaults()).action().kind()).isEqualTo(Action.Kind.ACCEPT);
            assertThat(metricFactory.countFor("spf.exempt." + kind)).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("MAIL FROM in a forwarder's domain is no claim to its exemption: the client still has to pass")
    void senderDomainIsNoClaim() throws Exception {
        Verdict verdict = decide(LISTS, "192.0.2.99", "x.example", "ceo@lists.fwd.test");
        assertThat(verdict.exemption()).isEmpty();
        assertThat(verdict.under(ActionPolicy.defaults()).action().kind()).isEqualTo(Action.Kind.REJECT);
    }

    @Test
    @DisplayName("<unverifiedSenderDomains> exempts on the client's word, and says so")
    void unverifiedSenderDomain() throws Exception {
        Verdict verdict = decide("<skip><unverifiedSenderDomains>fail.test</unverifiedSenderDomains></skip>", "192.0.2.99",
            "x.example", "ceo@fail.test");
        assertThat(verdict.exemption().map(Exemption::kind)).contains(Exemption.Kind.UNVERIFIED_SENDER_DOMAIN);
        assertThat(verdict.exemption().get().detail()).endsWith("(not verified)");
        assertThat(metricFactory.countFor("spf.exempt.unverified-sender-domain")).isEqualTo(1);
    }

    @Test
    @DisplayName("a verification not done in time refuses nothing yet (the pending action), and exempts once it passes")
    void pendingVerification() throws Exception {
        TransactionChecksTest.ScriptedDns dns = new TransactionChecksTest.ScriptedDns(ZONE);
        // names under held.test answer only when released, then with pass.test's record (203.0.113.0/24)
        CheckHarness checks = checks(dns, "<skip><forwarders>fwd.held.test</forwarders></skip>");
        PendingChecks pending = checks.begin("203.0.113.20", "x.example", "ceo@fail.test");
        Verdict early = checks.resolve(pending, Duration.ofMillis(50).toNanos());
        assertThat(early.exemption()).isEmpty();
        assertThat(early.isPending()).isTrue();
        assertThat(early.under(ActionPolicy.defaults()).action()).isEqualTo(ActionPolicy.defaults().pending());
        assertThat(early.isFinal(early.under(ActionPolicy.defaults()))).as("the refusal waits for the verification").isFalse();
        // a transaction accepted anyway is decided while its exemption is still being verified (counted once)
        Verdict accepted = checks.decide("203.0.113.20", "x.example", "alice@pass.test", Duration.ofMillis(50).toNanos());
        assertThat(accepted.isPending()).isTrue();
        assertThat(accepted.isFinal(accepted.under(ActionPolicy.defaults()))).isTrue();
        dns.release.complete(null);
        CheckHarness.awaitDone(pending);
        Verdict done = checks.resolve(pending, WAIT);
        assertThat(done.exemption().map(Exemption::kind)).contains(Exemption.Kind.FORWARDER);
        assertThat(done.isPending()).isFalse();
        // logged and counted once per transaction, however often it is resolved
        checks.resolve(pending, WAIT);
        assertThat(metricFactory.countFor("spf.exempt.forwarder")).isEqualTo(1);
    }

    @Test
    @DisplayName("a forwarder whose DNS times out exempts nothing: the sender's fail is refused")
    void timeoutIsNotExempt() throws Exception {
        Verdict verdict = decide("<skip><forwarders>dead.fwd.test</forwarders></skip>", "192.0.2.99", "x.example", "ceo@fail.test");
        assertThat(verdict.exemption()).isEmpty();
        assertThat(verdict.isPending()).isFalse();
        assertThat(verdict.under(ActionPolicy.defaults()).action().kind()).isEqualTo(Action.Kind.REJECT);
    }

    @Test
    @DisplayName("verifications count in the check budget: past it they are not run, and exempt nothing")
    void verificationsInBudget() throws Exception {
        TransactionChecksTest.ScriptedDns dns = new TransactionChecksTest.ScriptedDns(ZONE);
        CheckHarness checks = checks(dns, "<checkHelo>false</checkHelo><checks><maxChecksPerSession>1</maxChecksPerSession>"
            + "</checks><skip><forwarders>lists.fwd.test</forwarders></skip>");
        Verdict verdict = checks.decide("198.51.100.5", "x.example", "ceo@fail.test", WAIT);
        assertThat(verdict.exemption()).as("the forwarder's checks were past the budget").isEmpty();
        assertThat(dns.txtQueries.get()).as("only the MAIL FROM check ran").isEqualTo(1);
        assertThat(verdict.outcomes().get(0).result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    @DisplayName("behind a trusted gateway: the client its Received field names is checked, with the HELO it gave")
    void gatewayClient() throws Exception {
        CheckHarness checks = checks(new TransactionChecksTest.ScriptedDns(ZONE), "<gateways><networks>198.51.100.2</networks></gateways>");
        PendingChecks atMail = checks.begin("198.51.100.2", "gw.example.net", "alice@pass.test");
        assertThat(atMail.awaitsMessage()).isTrue();
        PendingChecks atData = checks.atMessage(atMail, List.of(
            ReceivedHopsTest.james("198.51.100.2", "gw.example.net"), ReceivedHopsTest.postfix("203.0.113.5", "smtp.pass.test")));
        Verdict verdict = checks.resolve(atData, WAIT);
        assertThat(verdict.outcomes()).extracting(o -> o.request().ip()).containsOnly(IpAddress.parse("203.0.113.5"));
        assertThat(verdict.outcomes()).extracting(o -> o.request().helo()).containsOnly("smtp.pass.test");
        assertThat(verdict.outcomes().get(verdict.outcomes().size() - 1).result()).isEqualTo(SpfResult.PASS);
        assertThat(verdict.gateway().filter(g -> g.client().isPresent()).map(GatewayOrigin::gateway)).contains(IpAddress.parse("198.51.100.2"));
        assertThat(metricFactory.countFor("spf.gateway.read")).isEqualTo(1);
        // the same message from a client the sender does not designate is refused
        PendingChecks forged = checks.atMessage(checks.begin("198.51.100.2", "gw.example.net", "alice@pass.test"), List.of(
            ReceivedHopsTest.james("198.51.100.2", "gw.example.net"), ReceivedHopsTest.postfix("192.0.2.66", "smtp.pass.test")));
        assertThat(checks.resolve(forged, WAIT).under(ActionPolicy.defaults()).action().kind()).isEqualTo(Action.Kind.REJECT);
    }

    @ParameterizedTest(name = "onUnreadable={0}")
    @DisplayName("a gateway's message whose client cannot be read: the configured action, and why")
    @CsvSource({"temperror,DEFER", "accept,ACCEPT"})
    void gatewayUnreadable(String onUnreadable, Action.Kind expected) throws Exception {
        CheckHarness checks = checks(new TransactionChecksTest.ScriptedDns(ZONE),
            "<gateways><networks>198.51.100.2</networks><onUnreadable>" + onUnreadable + "</onUnreadable></gateways>");
        PendingChecks atData = checks.atMessage(checks.begin("198.51.100.2", "gw.example.net", "alice@pass.test"), List.of(
            ReceivedHopsTest.james("198.51.100.2", "gw.example.net"), ReceivedHopsTest.postfix("10.0.0.5", "internal.example")));
        Verdict verdict = checks.resolve(atData, WAIT);
        assertThat(verdict.under(ActionPolicy.defaults()).action().kind()).isEqualTo(expected);
        assertThat(verdict.gateway().map(GatewayOrigin::why)).contains("gateway 198.51.100.2 recorded a private address, 10.0.0.5");
        if (expected == Action.Kind.DEFER) {
            assertThat(verdict.outcomes().get(0).reason()).isEqualTo(Reason.GATEWAY_UNREADABLE);
            assertThat(verdict.outcomes().get(0).problem()).endsWith("recorded a private address, 10.0.0.5");
        } else {
            assertThat(verdict.exemption().map(Exemption::kind)).contains(Exemption.Kind.GATEWAY_UNREADABLE);
            assertThat(metricFactory.countFor("spf.exempt.gateway-unreadable")).isEqualTo(1);
        }
        assertThat(metricFactory.countFor("spf.gateway.unreadable")).isEqualTo(1);
    }
}
