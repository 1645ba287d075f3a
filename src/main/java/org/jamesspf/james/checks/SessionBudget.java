package org.jamesspf.james.checks;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * RFC 7208 11.1: a client must not turn us into a DNS amplifier by RSET and MAIL FROM in a loop: the
 * new evaluations one SMTP connection may cause ({@code <checks><maxChecksPerSession>}; kept and
 * running ones are free). One per connection, kept with it.
 */
public final class SessionBudget {
    private final int max;
    private final AtomicInteger spent = new AtomicInteger();

    public SessionBudget(int max) {
        this.max = max;
    }

    /** Spends one evaluation: null when allowed, else why not. */
    String spend() {
        while (true) {
            int now = spent.get();
            if (now >= max) {
                return "more than " + max + " checks on this connection";
            }
            if (spent.compareAndSet(now, now + 1)) {
                return null;
            }
        }
    }
}
