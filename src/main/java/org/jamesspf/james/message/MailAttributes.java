package org.jamesspf.james.message;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.james.text.Sanitizer;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.Identity;

/**
 * The mail attributes a verdict sets, for mailets and matchers (README "Headers and attributes"):
 * their names are the plugin's public contract. Values come from DNS and the client: the same
 * sanitiser and bound as header values (no CR/LF, 256 characters).
 */
public final class MailAttributes {
    /** Attribute prefix; per identity: {@code org.jamesspf.spf.mailfrom.result} etc. */
    public static final String PREFIX = "org.jamesspf.spf.";
    /** Set when the transaction was not held to its SPF result: the exemption ({@code forwarder}, {@code verified-helo}, ...). */
    public static final String EXEMPTION = PREFIX + "exemption";
    /** With {@link #EXEMPTION}: what showed it ("203.0.113.5 passes the SPF of forwarder lists.example.org"). */
    public static final String EXEMPTION_DETAIL = PREFIX + "exemption.detail";
    /** For a trusted gateway's message: the gateway that recorded the client (the last listed hop). */
    public static final String GATEWAY = PREFIX + "gateway";
    /** For a trusted gateway's message: the original client read from its Received field, whose checks these are. */
    public static final String GATEWAY_CLIENT = PREFIX + "gateway.client";
    /** For a trusted gateway's message whose client could not be read: why. */
    public static final String GATEWAY_UNREADABLE = PREFIX + "gateway.unreadable";
    /** In dry-run, set (to the reply, e.g. "550 5.7.23 SPF fail: ...") when the mail would have been refused. */
    public static final String WOULD_HAVE_REFUSED = PREFIX + "dryrun.wouldHaveRefused";

    private MailAttributes() {
    }

    /** {@code org.jamesspf.spf.<identity>.<field>}, field one of result, domain, term, explanation. */
    public static String of(Identity identity, String field) {
        return PREFIX + identity.token() + "." + field;
    }

    /** Per identity its result, domain, term and explanation; the exemption; for a gateway's message its gateway and client. */
    static void set(Mail mail, Verdict verdict) {
        verdict.exemption().ifPresent(e -> {
            set(mail, EXEMPTION, e.kind().token());
            set(mail, EXEMPTION_DETAIL, e.detail());
        });
        verdict.gateway().ifPresent(g -> {
            set(mail, GATEWAY, g.gateway().toString());
            g.client().ifPresent(c -> set(mail, GATEWAY_CLIENT, c.toString()));
            if (g.client().isEmpty()) {
                set(mail, GATEWAY_UNREADABLE, g.why());
            }
        });
        for (CheckOutcome o : verdict.outcomes()) {
            set(mail, of(o.request().identity(), "result"), o.result().token());
            set(mail, of(o.request().identity(), "domain"), o.domain());
            set(mail, of(o.request().identity(), "term"), o.term());
            set(mail, of(o.request().identity(), "explanation"), o.explanation());
        }
    }

    static void set(Mail mail, String name, String value) {
        mail.setAttribute(new Attribute(AttributeName.of(name), AttributeValue.of(Sanitizer.value(value))));
    }
}
