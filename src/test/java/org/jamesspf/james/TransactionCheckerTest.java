package org.jamesspf.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.SpfResult;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.InMemoryZone;
import org.jamesspf.spf.dns.SpfDns;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The transaction's checks on a fake session: fault verdicts and the per-connection reuse of outcomes. */
class TransactionCheckerTest {
    /** A resolver that counts TXT queries and answers them from a zone, or throws when told to. */
    static final class CountingDns implements SpfDns {
        final InMemoryZone zone;
        final AtomicInteger txtQueries = new AtomicInteger();
        volatile boolean explode;

        CountingDns(InMemoryZone zone) {
            this.zone = zone;
        }

        @Override
        public CompletionStage<DnsAnswer<String>> txt(String name) {
            txtQueries.incrementAndGet();
            if (explode) {
                throw new IllegalStateException("resolver bug");
            }
            return zone.txt(name);
        }

        @Override
        public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
            return zone.a(name);
        }

        @Override
        public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
            return zone.aaaa(name);
        }

        @Override
        public CompletionStage<DnsAnswer<String>> mx(String name) {
            return zone.mx(name);
        }

        @Override
        public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
            return zone.ptr(address);
        }
    }

    private static final InMemoryZone ZONE = InMemoryZone.builder()
        .txt("pass.test", "v=spf1 ip4:192.0.2.0/24 -all")
        .serverFailure("temperror.test", InMemoryZone.Type.TXT)
        .build();

    private static TransactionChecker checker(CountingDns dns) {
        return new TransactionChecker(SpfHookConfig.defaults(), SpfChecker.builder(dns).build());
    }

    @Test
    @DisplayName("an internal fault's verdict names the real client, sender and HELO, never 0.0.0.0")
    void faultVerdictRecordsTheRealRequest() throws Exception {
        CountingDns dns = new CountingDns(ZONE);
        dns.explode = true;
        TransactionChecker transactions = checker(dns);
        SMTPSession session = FakeSessions.session("192.0.2.77", "helo.pass.test");
        MaybeSender sender = MaybeSender.getMailSender("alice@pass.test");
        assertThatThrownBy(() -> transactions.decide(session, sender)).isInstanceOf(IllegalStateException.class);
        Verdict fault = transactions.fault(session, sender);
        assertThat(fault.action().kind()).isEqualTo(Action.Kind.DEFER);
        CheckOutcome outcome = fault.outcomes().get(0);
        assertThat(outcome.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(outcome.reason()).isEqualTo(Reason.INTERNAL_ERROR);
        assertThat(outcome.request().ip()).isEqualTo(IpAddress.parse("192.0.2.77"));
        assertThat(outcome.request().sender()).isEqualTo("alice@pass.test");
        assertThat(outcome.request().helo()).isEqualTo("helo.pass.test");
        String header = HeaderRenderer.authenticationResults("mx.receiver.test", fault.outcomes());
        assertThat(header).contains("sender IP is 192.0.2.77").contains("smtp.mailfrom=alice@pass.test").doesNotContain("0.0.0.0");
        assertThat(SpfHook.refusal(fault).getSmtpRetCode()).isEqualTo("451");
    }

    @Test
    @DisplayName("a fault verdict without a readable transaction still defers, and writes no header")
    void faultWithoutRequest() {
        Verdict fault = Verdict.fault(SpfHookConfig.defaults().actions().actionFor(org.jamesspf.spf.Identity.MAILFROM, SpfResult.TEMPERROR));
        assertThat(fault.outcomes()).isEmpty();
        assertThat(SpfHook.refusal(fault).getSmtpRetCode()).isEqualTo("451");
        assertThat(SpfHook.refusal(fault).getSmtpDescription()).startsWith("4.7.24 ");
    }

    @Test
    @DisplayName("an outcome is reused after RSET on the same connection, but a temperror is looked up again")
    void temperrorIsNotReused() throws Exception {
        CountingDns dns = new CountingDns(ZONE);
        TransactionChecker transactions = checker(dns);
        SMTPSession session = FakeSessions.session("192.0.2.77", "h");
        transactions.decide(session, MaybeSender.getMailSender("alice@pass.test"));
        transactions.decide(session, MaybeSender.getMailSender("alice@pass.test"));
        assertThat(dns.txtQueries.get()).as("pass reused").isEqualTo(1);
        Verdict first = transactions.decide(session, MaybeSender.getMailSender("bob@temperror.test"));
        assertThat(first.outcomes()).extracting(CheckOutcome::result).isEqualTo(List.of(SpfResult.TEMPERROR));
        transactions.decide(session, MaybeSender.getMailSender("bob@temperror.test"));
        assertThat(dns.txtQueries.get()).as("temperror looked up again").isEqualTo(3);
    }
}
