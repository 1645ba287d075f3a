package org.jamesspf.james.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.mail.MessagingException;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Our headers on top of what the client sent, in work linear in the number of fields, shown by counting removals. */
class HeaderPlacementTest {
    private static final List<String> OURS = List.of("Authentication-Results: mx.receiver.test;\r\n\tspf=pass smtp.mailfrom=a@b.test",
        "Received-SPF: pass (mx.receiver.test: ...) client-ip=192.0.2.1");

    /** A James message that counts javax.mail's header removals (each one a scan of the whole header block). */
    static final class CountingMessage extends MimeMessageWrapper {
        final AtomicInteger removals = new AtomicInteger();

        CountingMessage(String raw) throws MessagingException {
            super(MimeMessageInputStreamSource.create("m", new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1))));
        }

        @Override
        public void removeHeader(String name) throws MessagingException {
            removals.incrementAndGet();
            super.removeHeader(name);
        }
    }

    /** Messages made or handed out here, disposed after each test (James's leak detector runs strict in the build). */
    private final List<Mail> mails = new ArrayList<>();
    private final List<CountingMessage> messages = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void dispose() throws MessagingException {
        for (Mail mail : mails) {
            org.apache.james.lifecycle.api.LifecycleUtil.dispose(mail.getMessage());
        }
        messages.forEach(org.apache.james.lifecycle.api.LifecycleUtil::dispose);
    }

    private Mail mail(CountingMessage message) throws MessagingException {
        messages.add(message);
        Mail mail = FakeMail.builder().name("m").mimeMessage(message).build();
        mails.add(mail);
        return mail;
    }

    private static List<String> lines(Mail mail) throws MessagingException {
        return new ArrayList<>(Collections.list(mail.getMessage().getAllHeaderLines()));
    }

    private static String body(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().getRawInputStream().transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    @DisplayName("100,000 fields of distinct names, none of ours: ours inserted above them in one step, no removal, no copy")
    void manyDistinctNamesInserted() throws Exception {
        StringBuilder raw = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            raw.append("X-Field-").append(i).append(": value ").append(i).append("\r\n");
        }
        raw.append("Subject: big\r\n\r\nthe body\r\n");
        CountingMessage message = new CountingMessage(raw.toString());
        // what James does on DATA: its own Received, in javax.mail's slot for it
        message.addHeader("Received", "from 192.0.2.1 (EHLO h.example) by mx.receiver.test");
        Mail mail = mail(message);
        HeaderPlacement.prepend(mail, OURS, "mx.receiver.test");
        assertThat(message.removals.get()).isZero();
        assertThat(mail.getMessage()).as("the same message: no copy").isSameAs(message);
        List<String> lines = lines(mail);
        assertThat(lines).hasSize(1 + 2 + 100_000 + 1);
        assertThat(lines.get(0)).startsWith("Received: from 192.0.2.1");
        assertThat(lines.subList(1, 3)).isEqualTo(OURS);
        assertThat(lines.get(3)).isEqualTo("X-Field-0: value 0");
        assertThat(body(mail)).isEqualTo("the body\r\n");
    }

    @Test
    @DisplayName("100,000 fields of distinct names and a forged Authentication-Results: the header block written anew in one pass")
    void manyDistinctNames() throws Exception {
        StringBuilder raw = new StringBuilder();
        raw.append("Authentication-Results: mx.receiver.test; spf=pass (forged)\r\n");
        for (int i = 0; i < 100_000; i++) {
            raw.append("X-Field-").append(i).append(": value ").append(i).append("\r\n");
        }
        raw.append("Subject: big\r\n\r\nthe body\r\nline two\r\n");
        CountingMessage message = new CountingMessage(raw.toString());
        Mail mail = mail(message);
        HeaderPlacement.prepend(mail, OURS, "mx.receiver.test");
        assertThat(message.removals.get()).as("header removals (each a scan of 100,000 fields)").isZero();
        List<String> lines = lines(mail);
        assertThat(lines).hasSize(2 + 100_000 + 1);
        assertThat(lines.subList(0, 2)).isEqualTo(OURS);
        assertThat(lines.get(2)).isEqualTo("X-Field-0: value 0");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("Subject: big");
        assertThat(lines).noneMatch(l -> l.contains("(forged)"));
        assertThat(body(mail)).isEqualTo("the body\r\nline two\r\n");
    }

    @Test
    @DisplayName("many distinct names and an incoming Received-SPF (another receiver's): kept, ours still on top (written anew)")
    void manyDistinctNamesAndAFieldOfOurName() throws Exception {
        StringBuilder raw = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            raw.append("X-Field-").append(i).append(": value ").append(i).append("\r\n");
        }
        raw.append("Received-SPF: pass (relay.example: upstream) client-ip=198.51.100.1\r\n");
        raw.append("Subject: big\r\n\r\nthe body\r\n");
        CountingMessage message = new CountingMessage(raw.toString());
        Mail mail = mail(message);
        HeaderPlacement.prepend(mail, OURS, "mx.receiver.test");
        List<String> lines = lines(mail);
        assertThat(lines).hasSize(2 + 1_000 + 2);
        assertThat(lines.subList(0, 2)).as("javax.mail would have put ours next to the incoming one").isEqualTo(OURS);
        assertThat(lines.get(2)).isEqualTo("X-Field-0: value 0");
        assertThat(lines).contains("Received-SPF: pass (relay.example: upstream) client-ip=198.51.100.1");
        assertThat(body(mail)).isEqualTo("the body\r\n");
    }

    @Test
    @DisplayName("few distinct names, many fields: reordered in place, one removal per name (at most 64)")
    void fewDistinctNames() throws Exception {
        StringBuilder raw = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            raw.append("Received: from hop").append(i).append(".example\r\n\tby next.example\r\n");
        }
        raw.append("Authentication-Results: other.example; spf=pass\r\n");
        raw.append("Authentication-Results: (comment) mx.receiver.test; spf=pass (forged)\r\n");
        raw.append("Subject: small\r\n\r\nbody\r\n");
        CountingMessage message = new CountingMessage(raw.toString());
        Mail mail = mail(message);
        HeaderPlacement.prepend(mail, OURS, "mx.receiver.test");
        assertThat(message.removals.get()).isEqualTo(3);
        List<String> lines = lines(mail);
        assertThat(lines.subList(0, 2)).isEqualTo(OURS);
        assertThat(lines.get(2)).isEqualTo("Received: from hop0.example\r\n\tby next.example");
        assertThat(lines).hasSize(2 + 10_000 + 1 + 1);
        assertThat(lines).contains("Authentication-Results: other.example; spf=pass").noneMatch(l -> l.contains("(forged)"));
        assertThat(body(mail)).isEqualTo("body\r\n");
    }

    @Test
    @DisplayName("the bound between the two ways: 64 names in place, 65 written anew, the same headers either way")
    void boundary() throws Exception {
        for (int names : new int[] {HeaderPlacement.MAX_NAMES_IN_PLACE, HeaderPlacement.MAX_NAMES_IN_PLACE + 1}) {
            StringBuilder raw = new StringBuilder();
            for (int i = 0; i < names; i++) {
                raw.append("X-N").append(i).append(": v\r\n");
            }
            raw.append("\r\nb\r\n");
            CountingMessage message = new CountingMessage(raw.toString());
            Mail mail = mail(message);
            HeaderPlacement.prepend(mail, OURS, "mx.receiver.test");
            assertThat(message.removals.get()).as(names + " names").isEqualTo(names <= HeaderPlacement.MAX_NAMES_IN_PLACE ? names : 0);
            List<String> lines = lines(mail);
            assertThat(lines.subList(0, 2)).isEqualTo(OURS);
            assertThat(lines).hasSize(2 + names);
            assertThat(body(mail)).isEqualTo("b\r\n");
        }
    }
}
