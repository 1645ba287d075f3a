package org.jamesspf.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.jamesspf.james.checks.Transaction;
import org.jamesspf.james.config.SpfHookConfig;
import org.jamesspf.james.message.HeaderRenderer;
import org.jamesspf.james.policy.Action;
import org.jamesspf.james.policy.ActionPolicy;
import org.jamesspf.james.policy.Enforcement;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.SpfResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A transaction read off James's session, and the verdicts of the hook's one catch. */
class SessionsTest {
    private static final ActionPolicy DEFAULT_ACTIONS = ActionPolicy.defaults();

    @Test
    @DisplayName("an internal fault's verdict names the real client, sender and HELO, never 0.0.0.0, and defers with 451")
    void faultVerdictRecordsTheRealRequest() throws Exception {
        SMTPSession session = FakeSessions.session("192.0.2.77", "helo.pass.test");
        Verdict fault = Verdict.fault(Sessions.faultRequest(session, MaybeSender.getMailSender("alice@pass.test"),
            SpfHookConfig.defaults()));
        assertThat(fault.under(DEFAULT_ACTIONS).action().kind()).isEqualTo(Action.Kind.DEFER);
        CheckOutcome outcome = fault.outcomes().get(0);
        assertThat(outcome.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(outcome.reason()).isEqualTo(Reason.INTERNAL_ERROR);
        assertThat(outcome.request().ip()).isEqualTo(IpAddress.parse("192.0.2.77"));
        assertThat(outcome.request().sender()).isEqualTo("alice@pass.test");
        assertThat(outcome.request().helo()).isEqualTo("helo.pass.test");
        String header = HeaderRenderer.authenticationResults("mx.receiver.test", fault.outcomes(), "", Optional.empty());
        assertThat(header).contains("sender IP is 192.0.2.77").contains("smtp.mailfrom=alice@pass.test").doesNotContain("0.0.0.0");
        assertThat(Replies.hookResult(Enforcement.reply(fault.under(DEFAULT_ACTIONS))).getSmtpRetCode()).isEqualTo("451");
    }

    @Test
    @DisplayName("a fault verdict without a readable transaction still defers, and writes no header")
    void faultWithoutRequest() {
        Verdict fault = Verdict.unreadableFault();
        assertThat(fault.outcomes()).isEmpty();
        HookResult reply = Replies.hookResult(Enforcement.reply(fault.under(DEFAULT_ACTIONS)));
        assertThat(reply.getSmtpRetCode()).isEqualTo("451");
        assertThat(reply.getSmtpDescription()).startsWith("4.7.24 ");
    }

    @Test
    @DisplayName("RFC 7208 11.1: one check budget per connection, shared by its transactions; the client as IPv4 when mapped")
    void transactionOfASession() {
        SMTPSession session = FakeSessions.session("::ffff:192.0.2.77", "helo.pass.test");
        SpfHookConfig config = SpfHookConfig.defaults();
        Transaction first = Sessions.transaction(session, MaybeSender.getMailSender("alice@pass.test"), config);
        Transaction second = Sessions.transaction(session, MaybeSender.nullSender(), config);
        assertThat(first.ip()).isEqualTo(IpAddress.parse("192.0.2.77"));
        assertThat(first.senderDomain()).isEqualTo("pass.test");
        assertThat(second.sender()).isEmpty();
        assertThat(second.senderDomain()).isEmpty();
        assertThat(session.getAttachment(Sessions.BUDGET, State.Connection)).isPresent();
        assertThat(List.of(first.receiver(), second.receiver())).containsOnly("mx.receiver.test");
    }
}
