package org.jamesspf.james;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.jamesspf.spf.CheckOutcome;
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
            prependHeaders(mail.getMessage(), lines, config.authenticationResultsHeader() ? receiver : null);
        } catch (MessagingException e) {
            // The message is still delivered; only our headers are missing. Attributes carry the result.
            LOGGER.warn("SPF: could not add headers to mail {}: {}", mail.getName(), e.getMessage());
        }
    }

    /** The header fields a verdict adds, in order, each one unfolded line (also what the explain route shows). */
    static List<String> headerLines(Verdict verdict, SpfHookConfig config, String receiver, java.util.Optional<String> wouldHave) {
        List<String> lines = new ArrayList<>();
        // No outcome (skipped, or a fault before any request could be read): nothing to report.
        if (config.authenticationResultsHeader() && !verdict.outcomes().isEmpty()) {
            String comment = config.dryRunComment() ? wouldHave.map(r -> "dry-run: would have refused: " + r).orElse("") : "";
            lines.add(HeaderRenderer.authenticationResults(receiver, verdict.outcomes(), comment));
        }
        if (config.receivedSpfHeader()) {
            List<CheckOutcome> outcomes = new ArrayList<>(verdict.outcomes());
            Collections.reverse(outcomes); // MAIL FROM's header on top
            for (CheckOutcome outcome : outcomes) {
                lines.add(HeaderRenderer.receivedSpf(outcome, receiver));
            }
        }
        return lines;
    }

    private static void setAttributes(Mail mail, Verdict verdict) {
        verdict.skipReason().ifPresent(reason ->
            mail.setAttribute(new Attribute(AttributeName.of(SpfAttachments.SKIPPED_ATTRIBUTE), AttributeValue.of(reason))));
        for (CheckOutcome o : verdict.outcomes()) {
            set(mail, SpfAttachments.attribute(o.request().identity(), "result"), o.result().token());
            set(mail, SpfAttachments.attribute(o.request().identity(), "domain"), o.domain());
            set(mail, SpfAttachments.attribute(o.request().identity(), "term"), o.term());
            set(mail, SpfAttachments.attribute(o.request().identity(), "explanation"), o.explanation());
        }
    }

    private static void set(Mail mail, String name, String value) {
        mail.setAttribute(new Attribute(AttributeName.of(name), AttributeValue.of(value)));
    }

    /**
     * Puts {@code lines} above all existing headers (RFC 7208 9.1: prepended, above our own
     * Received), dropping incoming Authentication-Results that claim {@code authservId}
     * (RFC 8601 5). The other header lines are kept as they were, folding included.
     */
    static void prependHeaders(MimeMessage message, List<String> lines, String authservId) throws MessagingException {
        List<String> existing = Collections.list(message.getAllHeaderLines());
        Set<String> names = new LinkedHashSet<>();
        for (Header header : Collections.list(message.getAllHeaders())) {
            names.add(header.getName());
        }
        for (String name : names) {
            message.removeHeader(name);
        }
        for (String line : lines) {
            message.addHeaderLine(line);
        }
        int removed = 0;
        for (String line : existing) {
            if (authservId != null && isAuthenticationResults(line)
                && AuthservIdMatcher.claims(line.substring(line.indexOf(':') + 1), authservId)) {
                removed++;
                continue;
            }
            message.addHeaderLine(line);
        }
        if (removed > 0) {
            LOGGER.info("SPF: removed {} incoming Authentication-Results header(s) claiming authserv-id {}", removed, authservId);
        }
    }

    private static boolean isAuthenticationResults(String line) {
        int colon = line.indexOf(':');
        return colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(HeaderRenderer.AUTHENTICATION_RESULTS);
    }
}
