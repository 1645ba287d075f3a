package org.jamesspf.james.message;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageUtil;
import org.apache.mailet.Mail;
import org.jamesspf.spf.Ascii;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts our header fields on a message above every field it has (RFC 7208 9.1: prepended, above our
 * own Received), dropping incoming Authentication-Results that claim our authserv-id (RFC 8601 5),
 * in work linear in the number of fields whatever the client sent.
 */
final class HeaderPlacement {
    private static final Logger LOGGER = LoggerFactory.getLogger(HeaderPlacement.class);

    private HeaderPlacement() {
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
    static void prepend(Mail mail, List<String> lines, String authservId) throws MessagingException {
        MimeMessage message = mail.getMessage();
        List<String> existing = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        int removed = 0;
        // a field named as ours: javax.mail would insert ours next to it, not on top
        boolean ourNames = false;
        for (Enumeration<String> all = message.getAllHeaderLines(); all.hasMoreElements(); ) {
            String line = all.nextElement();
            int colon = line.indexOf(':');
            String name = colon > 0 ? line.substring(0, colon).trim() : line;
            if (names.size() <= MAX_NAMES_IN_PLACE) {
                names.add(Ascii.toLowerCase(name));
            }
            boolean authenticationResults = name.equalsIgnoreCase(HeaderRenderer.AUTHENTICATION_RESULTS);
            ourNames |= authenticationResults || name.equalsIgnoreCase(HeaderRenderer.RECEIVED_SPF);
            if (authservId != null && authenticationResults && AuthservIdMatcher.claims(line.substring(colon + 1), authservId)) {
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
        } else if (!ourNames) {
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
