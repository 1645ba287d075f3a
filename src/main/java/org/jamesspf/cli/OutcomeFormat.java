package org.jamesspf.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.TraceEvent;

/** Prints outcomes as text or JSON. */
final class OutcomeFormat {
    private OutcomeFormat() {
    }

    static Map<String, Object> toMap(CheckOutcome o, boolean withTrace) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ip", o.request().ip().toString());
        m.put("identity", o.request().identity().token());
        m.put("sender", o.request().sender());
        m.put("helo", o.request().helo());
        m.put("domain", o.domain());
        m.put("result", o.result().token());
        m.put("reason", o.reason().name().toLowerCase(java.util.Locale.ROOT));
        m.put("term", o.term().isEmpty() ? null : o.term());
        m.put("explanation", o.explanation().isEmpty() ? null : o.explanation());
        m.put("problem", o.problem().isEmpty() ? null : o.problem());
        m.put("dnsLookups", o.dnsLookups());
        m.put("voidLookups", o.voidLookups());
        m.put("ms", o.elapsedNanos() / 1_000_000);
        if (withTrace) {
            List<Object> trace = new ArrayList<>();
            for (TraceEvent e : o.trace()) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("depth", e.depth());
                t.put("type", e.type().name().toLowerCase(java.util.Locale.ROOT));
                t.put("subject", e.subject());
                t.put("detail", e.detail());
                trace.add(t);
            }
            m.put("trace", trace);
        }
        return m;
    }

    static void printText(PrintWriter out, CheckOutcome o, boolean withTrace) {
        out.println("result:       " + o.result().token() + " (" + o.reason().name().toLowerCase(java.util.Locale.ROOT) + ")");
        out.println("identity:     " + o.request().identity().token() + " " + o.domain() + " (sender " + o.request().sender()
            + ", helo " + o.request().helo() + ", ip " + o.request().ip() + ")");
        if (!o.term().isEmpty()) {
            out.println("term:         " + o.term());
        }
        if (!o.explanation().isEmpty()) {
            out.println("explanation:  " + o.explanation());
        }
        if (!o.problem().isEmpty()) {
            out.println("problem:      " + o.problem());
        }
        out.println("lookups:      " + o.dnsLookups() + " DNS-querying terms, " + o.voidLookups() + " void");
        if (withTrace) {
            out.println("trace:");
            for (TraceEvent e : o.trace()) {
                out.println("  " + "  ".repeat(e.depth()) + e);
            }
        }
    }
}
