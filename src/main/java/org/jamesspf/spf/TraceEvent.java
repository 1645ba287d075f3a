package org.jamesspf.spf;

import java.util.Objects;

/**
 * One step of an evaluation: unstable, possibly sensitive (it quotes DNS data), never
 * meant for SMTP replies. {@code depth} is the include/redirect nesting level.
 */
public final class TraceEvent {
    /** What happened. */
    public enum Type {
        /** The SPF record of a domain was looked up. */
        RECORD,
        /** A term is being evaluated. */
        TERM,
        /** A DNS query a term made, with its answer. */
        LOOKUP,
        /** A term matched. */
        MATCH,
        /** A term did not match. */
        NO_MATCH,
        /** The result of one domain's evaluation. */
        RESULT,
        /** The explanation was looked up. */
        EXPLANATION,
        /** The trace reached its size limit; later events were dropped. */
        TRUNCATED
    }

    private final int depth;
    private final Type type;
    private final String subject;
    private final String detail;

    /** The subject and the detail's text are cut to {@link SpfChecker#MAX_TRACE_TEXT} characters each. */
    TraceEvent(int depth, Type type, String subject, Object detail) {
        this.depth = depth;
        this.type = Objects.requireNonNull(type, "type");
        this.subject = Text.capped(Objects.requireNonNull(subject, "subject"), SpfChecker.MAX_TRACE_TEXT);
        this.detail = detail == null ? "" : Text.capped(detail.toString(), SpfChecker.MAX_TRACE_TEXT);
    }

    public int depth() {
        return depth;
    }

    public Type type() {
        return type;
    }

    /** The domain or term the event is about. */
    public String subject() {
        return subject;
    }

    /** Free text about the event (an answer, a reason); empty when none. */
    public String detail() {
        return detail;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TraceEvent)) {
            return false;
        }
        TraceEvent e = (TraceEvent) o;
        return depth == e.depth && type == e.type && subject.equals(e.subject) && detail().equals(e.detail());
    }

    @Override
    public int hashCode() {
        return Objects.hash(depth, type, subject, detail());
    }

    @Override
    public String toString() {
        String d = detail();
        return type.name().toLowerCase(java.util.Locale.ROOT) + " " + subject + (d.isEmpty() ? "" : ": " + d);
    }
}
