package org.jamesspf.james.explain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import javax.inject.Singleton;

/**
 * The explainers of the SPF hooks running in this James, in start order: how the explain route
 * reaches the live configuration and resolver. One per Guice injector (a singleton: James creates the hook and the
 * WebAdmin route in child injectors of the same one).
 */
@Singleton
public final class ExplainerRegistry {
    /** Explain requests answered at once at most: each runs two checks; more wait for nobody, they get a 503. */
    static final int MAX_CONCURRENT_EXPLAINS = 4;

    private final List<Explainer> explainers = new CopyOnWriteArrayList<>();
    private final Semaphore explaining = new Semaphore(MAX_CONCURRENT_EXPLAINS);

    public ExplainerRegistry() {
    }

    public void register(Explainer explainer) {
        explainers.add(explainer);
    }

    public void unregister(Explainer explainer) {
        explainers.remove(explainer);
    }

    /** How many hooks run (one per SMTP server whose handler chain has it). */
    public int count() {
        return explainers.size();
    }

    /** Why an explain request was not answered: too many at once, or its checks did not end in time. */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        Unavailable(int status, String message) {
            super(message);
            this.status = status;
        }

        /** 503 (too many at once) or 504 (timed out). */
        public int status() {
            return status;
        }
    }

    /**
     * What hook {@code index} would do with the transaction (see the README's "Explain"). At most
     * {@value #MAX_CONCURRENT_EXPLAINS} are answered at once, each within its checks' time budget
     * and a second.
     *
     * @throws IllegalArgumentException naming the parameter at fault
     * @throws Unavailable              when too many run already (503) or the checks did not end in time (504)
     */
    public Map<String, Object> explain(int index, String ip, String sender, String helo, Optional<String> rcpt) {
        Explainer explainer;
        try {
            explainer = explainers.get(index);
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("handler: " + index + " is not one of the " + explainers.size() + " running SPF hooks");
        }
        if (!explaining.tryAcquire()) {
            throw new Unavailable(503, MAX_CONCURRENT_EXPLAINS + " explain requests are running already; try again");
        }
        try {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("handler", index);
            json.put("handlers", explainers.size());
            json.putAll(explainer.explain(ip, sender, helo, rcpt));
            return json;
        } catch (Explainer.TimedOut e) {
            throw new Unavailable(504, e.getMessage());
        } finally {
            explaining.release();
        }
    }
}
