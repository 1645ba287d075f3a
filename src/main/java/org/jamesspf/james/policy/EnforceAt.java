package org.jamesspf.james.policy;

/** Where a refusal is given. */
public enum EnforceAt {
    /** Reply to MAIL FROM. */
    MAIL,
    /** Reply to each RCPT TO, except the exempt recipients (default). */
    RCPT,
    /** Reply at the end of DATA, after the message has been received. */
    DATA
}
