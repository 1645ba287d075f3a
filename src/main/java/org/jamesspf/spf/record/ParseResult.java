package org.jamesspf.spf.record;

import java.util.Objects;

/** The outcome of {@link SpfRecordParser#parse}: a record, or the first syntax error. */
public final class ParseResult {
    private final SpfRecord record;
    private final int position;
    private final String term;
    private final String message;

    private ParseResult(SpfRecord record, int position, String term, String message) {
        this.record = record;
        this.position = position;
        this.term = term;
        this.message = message;
    }

    static ParseResult ok(SpfRecord record) {
        return new ParseResult(Objects.requireNonNull(record, "record"), -1, null, null);
    }

    static ParseResult error(int position, String term, String message) {
        return new ParseResult(null, position, Objects.requireNonNull(term, "term"), Objects.requireNonNull(message, "message"));
    }

    public boolean isValid() {
        return record != null;
    }

    /** The record; throws {@link IllegalStateException} on a syntax error. */
    public SpfRecord record() {
        if (record == null) {
            throw new IllegalStateException("record has a syntax error: " + this);
        }
        return record;
    }

    /** Character offset of the faulty term in the record text, or -1 when valid. */
    public int position() {
        return position;
    }

    /** The faulty term, or {@code null} when valid. */
    public String term() {
        return term;
    }

    /** What is wrong, or {@code null} when valid. */
    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return record != null ? "ParseResult{" + record + "}" : "SyntaxError{at " + position + " '" + term + "': " + message + "}";
    }
}
