package org.jamesspf.james.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jamesspf.james.config.SpfHookConfigTest;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.SpfResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One verdict, several policies: each decides on the same outcomes by its own mapping. */
class VerdictTest {
    private static final IpAddress IP = IpAddress.parse("192.0.2.1");
    private static final CheckOutcome HELO_PASS = CheckOutcome.of(CheckRequest.helo(IP, "mx.a.test"), SpfResult.PASS, Reason.MATCHED, "");
    private static final CheckOutcome MAIL_SOFTFAIL =
        CheckOutcome.of(CheckRequest.mailFrom(IP, "x@a.test", "mx.a.test"), SpfResult.SOFTFAIL, Reason.MATCHED, "");

    private static ActionPolicy policy(String actions) throws Exception {
        return SpfHookConfigTest.parse("<actions>" + actions + "</actions>").actions();
    }

    @Test
    @DisplayName("the same outcomes: accepted by the default mapping, refused by a stricter one; the deciding outcome is the refusing one")
    void eachPolicyDecides() throws Exception {
        Verdict verdict = Verdict.of(List.of(HELO_PASS, MAIL_SOFTFAIL));
        assertThat(verdict.under(ActionPolicy.defaults()).action().refuses()).isFalse();
        assertThat(verdict.under(ActionPolicy.defaults()).deciding()).isEmpty();
        Verdict.Decision strict = verdict.under(policy("<mailfrom><softfail action=\"reject\"/></mailfrom>"));
        assertThat(strict.action().kind()).isEqualTo(Action.Kind.REJECT);
        assertThat(strict.deciding()).contains(MAIL_SOFTFAIL);
        Verdict.Decision helo = verdict.under(policy("<mailfrom><softfail action=\"defer\"/></mailfrom><helo><pass action=\"reject\"/></helo>"));
        assertThat(helo.action().kind()).as("reject outranks defer").isEqualTo(Action.Kind.REJECT);
        assertThat(helo.deciding()).contains(HELO_PASS);
    }

    @Test
    @DisplayName("a pending identity, and one not run, take each policy's pending action: never a refusal for a check not made")
    void pendingAndNotRun() throws Exception {
        CheckOutcome placeholder = CheckOutcome.of(MAIL_SOFTFAIL.request(), SpfResult.TEMPERROR, Reason.NOT_DONE_IN_TIME, "pending");
        Verdict pending = Verdict.of(List.of(HELO_PASS, placeholder), List.of(Verdict.State.DONE, Verdict.State.PENDING));
        assertThat(pending.isPending()).isTrue();
        assertThat(pending.under(ActionPolicy.defaults()).action()).isEqualTo(ActionPolicy.defaults().pending());
        assertThat(pending.under(policy("<pending action=\"accept\"/>")).action().refuses()).isFalse();
        Verdict notRun = Verdict.of(List.of(placeholder), List.of(Verdict.State.NOT_RUN));
        assertThat(notRun.isPending()).isFalse();
        assertThat(notRun.under(ActionPolicy.defaults()).action()).isEqualTo(ActionPolicy.defaults().pending());
        assertThat(notRun.under(policy("<pending action=\"accept\"/>")).action().refuses()).isFalse();
        // a temperror mapped to reject never refuses a check that did not run
        Verdict.Decision strict = notRun.under(policy("<mailfrom><temperror action=\"reject\"/></mailfrom>"));
        assertThat(strict.action().kind()).isEqualTo(Action.Kind.DEFER);
    }

    @Test
    @DisplayName("a fault with no readable transaction: each policy's temperror action, no deciding outcome")
    void unreadableFault() throws Exception {
        Verdict fault = Verdict.unreadableFault();
        assertThat(fault.under(ActionPolicy.defaults()).action().code()).isEqualTo("451");
        assertThat(fault.under(ActionPolicy.defaults()).deciding()).isEmpty();
        assertThat(fault.under(policy("<mailfrom><temperror action=\"accept\"/></mailfrom>")).action().refuses()).isFalse();
    }
}
