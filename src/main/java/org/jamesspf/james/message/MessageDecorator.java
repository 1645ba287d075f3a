package org.jamesspf.james.message;

import java.util.Optional;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.jamesspf.james.config.SpfHookConfig;
import org.jamesspf.james.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a verdict onto an accepted mail: the mail attributes ({@link MailAttributes}) and the
 * header fields ({@link VerdictHeaders}), placed above every existing field ({@link HeaderPlacement}).
 */
public final class MessageDecorator {
    private static final Logger LOGGER = LoggerFactory.getLogger(MessageDecorator.class);

    private MessageDecorator() {
    }

    /**
     * @param receiver  the authserv-id and Received-SPF receiver
     * @param wouldHave in dry-run, the reply the transaction would have been refused with
     */
    public static void decorate(Mail mail, Verdict verdict, SpfHookConfig config, String receiver, Optional<String> wouldHave) {
        MailAttributes.set(mail, verdict);
        wouldHave.ifPresent(reply -> MailAttributes.set(mail, MailAttributes.WOULD_HAVE_REFUSED, reply));
        try {
            HeaderPlacement.prepend(mail, VerdictHeaders.lines(verdict, config, receiver, wouldHave),
                config.authenticationResultsHeader() ? receiver : null);
        } catch (MessagingException e) {
            // The message is still delivered; only our headers are missing. Attributes carry the result.
            LOGGER.warn("SPF: could not add headers to mail {}: {}", mail.getName(), e.getMessage());
        }
    }
}
