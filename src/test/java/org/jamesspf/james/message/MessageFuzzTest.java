package org.jamesspf.james.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jamesspf.james.policy.Action;
import org.jamesspf.james.policy.Enforcement;
import org.jamesspf.james.policy.ReplyTemplate;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.james.text.HeaderSyntax;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.FuzzDuration;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.SpfResult;

/**
 * Coverage-guided fuzz tests (Jazzer) of what the hook writes: header and reply rendering, and the
 * incoming authserv-id matcher. Replayed over the committed inputs in every build;
 * {@code JAZZER_FUZZ=1} fuzzes one (README, "Fuzzing").
 */
class MessageFuzzTest {
    /**
     * Headers and replies from fuzzed HELO, sender, IP, problem and explanation: the headers parse
     * back (strict RFC 8601 / RFC 7208 9.1 readers) to exactly the intended resinfos and keys; a
     * reply is one line of printable ASCII, at most 400 characters.
     */
    @FuzzTest(maxDuration = FuzzDuration.MAX)
    void rendering(FuzzedDataProvider data) {
        byte[] v6 = data.consumeBoolean() ? data.consumeBytes(16) : new byte[0];
        IpAddress ip = v6.length == 16 ? IpAddress.fromBytes(v6) : IpAddress.ofV4(data.consumeInt());
        String helo = data.consumeString(300);
        String sender = data.consumeString(300);
        String problem = data.consumeString(300);
        SpfResult result = data.pickValue(SpfResult.values());
        CheckOutcome helOutcome = CheckOutcome.of(CheckRequest.helo(ip, helo), result, Reason.MATCHED, problem);
        CheckOutcome mailOutcome = CheckOutcome.of(CheckRequest.mailFrom(ip, sender, helo), result, Reason.MATCHED, problem);
        HeaderRoundTripTest.roundTrip(List.of(helOutcome, mailOutcome));

        String explanation = data.consumeRemainingAsString();
        Action action = Action.refuse(Action.Kind.REJECT, "550", "5.7.23",
            ReplyTemplate.parse("{result} {identity} {domain} {ip} {sender} {helo} {explanation} {problem}"));
        Enforcement.Reply refusal = Enforcement.reply(new Verdict.Decision(action, Optional.of(mailOutcome))).orElseThrow();
        assertPrintableLine(refusal.text(), ReplyTemplate.MAX_TEXT_LENGTH + 16);
        String text = action.text().render(Map.of("explanation", explanation, "helo", helo, "sender", sender));
        assertPrintableLine(text, ReplyTemplate.MAX_TEXT_LENGTH);
    }

    private static void assertPrintableLine(String text, int max) {
        assertThat(text.length()).isLessThanOrEqualTo(max);
        for (int i = 0; i < text.length(); i++) {
            assertThat(text.charAt(i)).as("character %d of %s", i, text).isBetween(' ', '~');
        }
    }

    /**
     * RFC 8601 5: a header claims our id only if it names it; any comment the tokenizer can read,
     * written before the id, never hides it.
     */
    @FuzzTest(maxDuration = FuzzDuration.MAX)
    void authservIdMatcher(FuzzedDataProvider data) {
        String id = data.pickValue(new String[] {"mx.receiver.test", "MX.Receiver.Test", "a"});
        String comment = data.consumeString(100);
        String rest = data.consumeRemainingAsString();
        if (AuthservIdMatcher.claims(rest, id)) {
            assertThat(Ascii.toLowerCase(rest)).contains(Ascii.toLowerCase(id));
        }
        // a well-formed comment (as we would write one) before the id
        String prefixed = " (" + HeaderSyntax.commentText(comment) + ")\r\n\t" + id + "; " + rest;
        assertThat(AuthservIdMatcher.claims(prefixed, "mx.receiver.test"))
            .as(prefixed).isEqualTo(Ascii.toLowerCase(id).equals("mx.receiver.test"));
    }
}
