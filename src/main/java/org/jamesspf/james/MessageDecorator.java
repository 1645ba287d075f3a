package org.jamesspf.james;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Enumeration;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageUtil;
import org.jamesspf.spf.Ascii;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a verdict onto an accepted mail: mail attributes for mailets and matchers, and the
 * Received-SPF and Authentication-Results headers, prepended above every existing header.
 */
final class MessageDecorator {
    private static final Logger LOGGER = LoggerFactory.getLogger(MessageDecorator.class);

    private MessageDecorator() {
    }

    static void decorate(Mail mail, Verdict verdict, SpfHookConfig config, String receiver, java.util.Optional<String> wouldHave) {
        setAttributes(mail, verdict);
        wouldHave.ifPresent(reply -> set(mail, SpfAttachments.WOULD_HAVE_ATTRIBUTE, reply));
        List<String> lines = headerLines(verdict, config, receiver, wouldHave);
        try {
            prependHeaders(mail, lines, config.authenticationResultsHeader() ? receiver : null);
        } catch (MessagingException e) {
            // The message is still delivered; only our headers are missing. Attributes carry the result.
            LOGGER.warn("SPF: could not add headers to mail {}: {}", mail.getName(), e.getMessage());
        }
    }

    /** The header fields a verdict adds, in order, each one unfolded line (also what the explain route shows). */
    static List<String> headerLines(Verdict verdict, SpfHookConfig config, String receiver, java.util.Optional<String> wouldHave) {
        List<String> lines = new ArrayList<>();
        String comment = config.dryRunComment() ? wouldHave.map(r -> "dry-run: would have refused: " + r).orElse("") : "";
        java.util.Optional<IpAddress> gateway = verdict.gateway().flatMap(g -> g.client().map(c -> c.gateway));
        if (verdict.exemption().isPresent()) {
            // RFC 8601 2.4: a local policy replaced the result; Received-SPF (RFC 7208 9.1) records SPF results only
            Exemptions.Exemption e = verdict.exemption().get();
            if (config.authenticationResultsHeader() && verdict.subject().isPresent()) {
                lines.add(HeaderRenderer.authenticationResultsExempt(receiver, e.kind.token(), e.detail, verdict.subject().get(), comment));
            }
            return lines;
        }
        // No outcome (a fault before any request could be read): nothing to report.
        if (config.authenticationResultsHeader() && !verdict.outcomes().isEmpty()) {
            lines.add(HeaderRenderer.authenticationResults(receiver, verdict.outcomes(), comment, gateway));
        }
        if (config.receivedSpfHeader()) {
            List<CheckOutcome> outcomes = new ArrayList<>(verdict.outcomes());
            Collections.reverse(outcomes); // MAIL FROM's header on top
            for (CheckOutcome outcome : outcomes) {
                lines.add(HeaderRenderer.receivedSpf(outcome, receiver, gateway));
            }
        }
        return lines;
    }

    /**
     * Attribute values come from DNS and the client: the same sanitiser and bound as header values
     * (no CR/LF, 256 characters). Per identity its result, domain, term and explanation; the exemption
     * and what showed it; for a trusted gateway's message the gateway, and the client read or why none.
     */
    private static void setAttributes(Mail mail, Verdict verdict) {
        verdict.exemption().ifPresent(e -> {
            set(mail, SpfAttachments.EXEMPTION_ATTRIBUTE, e.kind.token());
            set(mail, SpfAttachments.EXEMPTION_DETAIL_ATTRIBUTE, e.detail);
        });
        verdict.gateway().ifPresent(g -> {
            set(mail, SpfAttachments.GATEWAY_ATTRIBUTE, g.gateway().toString());
            g.client().ifPresent(c -> set(mail, SpfAttachments.GATEWAY_CLIENT_ATTRIBUTE, c.ip.toString()));
            if (g.client().isEmpty()) {
                set(mail, SpfAttachments.GATEWAY_UNREADABLE_ATTRIBUTE, g.why());
            }
        });
        for (CheckOutcome o : verdict.outcomes()) {
            set(mail, SpfAttachments.attribute(o.request().identity(), "result"), o.result().token());
            set(mail, SpfAttachments.attribute(o.request().identity(), "domain"), o.domain());
            set(mail, SpfAttachments.attribute(o.request().identity(), "term"), o.term());
            set(mail, SpfAttachments.attribute(o.request().identity(), "explanation"), o.explanation());
        }
    }

    private static void set(Mail mail, String name, String value) {
        mail.setAttribute(new Attribute(AttributeName.of(name), AttributeValue.of(Sanitizer.value(value))));
    }

    /** Distinct header names past which the header block is rebuilt rather than reordered in place. */
    static final int MAX_NAMES_IN_PLACE = 64;

    /**
     * Puts {@code lines} above all existing headers (RFC 7208 9.1: prepended, above our own
     * Received), dropping incoming Authentication-Results that claim {@code authservId}
     * (RFC 8601 5). The other header lines are kept as they were, folding included. Linear in the
     * number of fields: javax.mail removes headers by name, each removal a scan of the whole block,
     * so
     * <ul>
     *   <li>a message of few distinct names (nearly all mail) is reordered in place;</li>
     *   <li>one of many (a client sending 100,000 fields of distinct names) that has no field of our
     *       names gets ours inserted in one step where javax.mail puts new fields of a message James
     *       received: above every field the client sent, just below the fields James itself wrote
     *       (its Received). RFC 7208 9.1 asks for above James's Received too (a SHOULD); for such a
     *       message we keep the client's fields below ours and spare the copy;</li>
     *   <li>one of many names that also holds fields of our names (a forged Authentication-Results)
     *       gets its header block written anew in one pass, the body copied after it.</li>
     * </ul>
     */
    static void prependHeaders(Mail mail, List<String> lines, String authservId) throws MessagingException {
        MimeMessage message = mail.getMessage();
        List<String> existing = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        int removed = 0;
        for (Enumeration<String> all = message.getAllHeaderLines(); all.hasMoreElements(); ) {
            String line = all.nextElement();
            int colon = line.indexOf(':');
            String name = colon > 0 ? line.substring(0, colon).trim() : line;
            if (names.size() <= MAX_NAMES_IN_PLACE) {
                names.add(Ascii.toLowerCase(name));
            }
            if (authservId != null && name.equalsIgnoreCase(HeaderRenderer.AUTHENTICATION_RESULTS)
                && AuthservIdMatcher.claims(line.substring(colon + 1), authservId)) {
                removed++;
                continue;
            }
            existing.add(line);
        }
        if (names.size() <= MAX_NAMES_IN_PLACE) {
            for (String name : names) {
                message.removeHeader(name);
            }
            for (String line : lines) {
                message.addHeaderLine(line);
            }
            for (String line : existing) {
                message.addHeaderLine(line);
            }
        } else if (removed == 0 && !hasOurNames(message)) {
            for (String line : lines) {
                int colon = line.indexOf(':');
                message.addHeader(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        } else {
            rebuild(mail, message, lines, existing);
        }
        if (removed > 0) {
            LOGGER.info("SPF: removed {} incoming Authentication-Results header(s) claiming authserv-id {}", removed, authservId);
        }
    }

    /** Whether the message holds a field named as ours (javax.mail would insert ours next to it, not on top). */
    private static boolean hasOurNames(MimeMessage message) throws MessagingException {
        return message.getHeader(HeaderRenderer.AUTHENTICATION_RESULTS) != null || message.getHeader(HeaderRenderer.RECEIVED_SPF) != null;
    }

    /**
     * A new message of our lines, the kept lines and the same body, in one pass, its header fields
     * handed over already split (not parsed again); James disposes the old one.
     */
    private static void rebuild(Mail mail, MimeMessage message, List<String> lines, List<String> existing) throws MessagingException {
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create(mail.getName());
        List<String> all = new ArrayList<>(lines.size() + existing.size());
        all.addAll(lines);
        all.addAll(existing);
        try (OutputStream out = source.getWritableOutputStream()) {
            MimeMessageUtil.writeHeadersTo(Collections.enumeration(all), out);
            MimeMessageUtil.writeMessageBodyTo(message, out);
        } catch (IOException | MessagingException | RuntimeException e) {
            source.dispose();
            throw e instanceof MessagingException ? (MessagingException) e : new MessagingException("cannot write the message anew", e);
        }
        PrependedMessage rebuilt = new PrependedMessage(source, all);
        if (mail instanceof MailImpl) {
            ((MailImpl) mail).setMessageNoCopy(rebuilt);
        } else {
            mail.setMessage(rebuilt);
        }
    }

}
