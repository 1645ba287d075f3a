package org.jamesspf.james.message;

import java.util.List;
import javax.mail.MessagingException;
import org.apache.james.server.core.MailHeaders;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;

/**
 * A message written anew with our header fields on top (see {@link MessageDecorator}), whose header
 * block is handed over already split into its fields: the new source holds exactly these lines and
 * the old body, so James need not parse 100,000 fields a second time to know them.
 */
final class PrependedMessage extends MimeMessageWrapper {
    PrependedMessage(MimeMessageSource source, List<String> headerLines) throws MessagingException {
        super(source);
        MailHeaders parsed = new MailHeaders();
        for (String line : headerLines) {
            parsed.addHeaderLine(line);
        }
        this.headers = parsed;
    }
}
