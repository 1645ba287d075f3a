package org.jamesspf.james;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Singleton;

/**
 * The SPF hooks running in this James, in start order: how the explain route reaches the live
 * configuration and resolver. One per Guice injector (a singleton: James creates the hook and the
 * WebAdmin route in child injectors of the same one).
 */
@Singleton
public final class LiveHooks {
    private final List<Explainer> explainers = new CopyOnWriteArrayList<>();

    public LiveHooks() {
    }

    void register(Explainer explainer) {
        explainers.add(explainer);
    }

    void unregister(Explainer explainer) {
        explainers.remove(explainer);
    }

    /** How many hooks run (one per SMTP server whose handler chain has it). */
    public int count() {
        return explainers.size();
    }

    /**
     * What hook {@code index} would do with the transaction (see the README's "Explain").
     *
     * @throws IllegalArgumentException naming the parameter at fault
     */
    public Map<String, Object> explain(int index, String ip, String sender, String helo, Optional<String> rcpt) {
        Explainer explainer;
        try {
            explainer = explainers.get(index);
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("handler: " + index + " is not one of the " + explainers.size() + " running SPF hooks");
        }
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("handler", index);
        json.put("handlers", explainers.size());
        json.putAll(explainer.explain(ip, sender, helo, rcpt));
        return json;
    }
}
