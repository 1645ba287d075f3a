package org.jamesspf.james.policy;

import java.util.HashMap;
import java.util.Map;
import org.jamesspf.spf.CheckOutcome;

/** Fills an action's reply template from an outcome; values are made safe by {@link ReplyTemplate#render}. */
final class ReplyRenderer {
    private ReplyRenderer() {
    }

    static String render(Action action, CheckOutcome outcome) {
        Map<String, String> values = new HashMap<>();
        values.put("result", outcome.result().token());
        values.put("identity", outcome.request().identity() == org.jamesspf.spf.Identity.HELO ? "HELO" : "MAIL FROM");
        values.put("domain", outcome.domain());
        values.put("ip", outcome.request().ip().toString());
        values.put("sender", outcome.request().sender());
        values.put("helo", outcome.request().helo());
        values.put("explanation", outcome.explanation().isEmpty() ? outcome.result().token() : outcome.explanation());
        values.put("problem", outcome.problem().isEmpty() ? outcome.reason().name().toLowerCase(java.util.Locale.ROOT) : outcome.problem());
        return action.text().render(values);
    }
}
