package org.jamesspf.spf;

import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.record.ParseResult;
import org.jamesspf.spf.record.SpfRecord;
import org.jamesspf.spf.record.SpfRecordParser;

/**
 * RFC 7208 4.4, 4.5: of a domain's TXT answer, its one SPF record, parsed (records are parsed once
 * and cached by the checker); or the step that ends that domain's check (temperror, none, permerror).
 */
final class RecordSelection {
    /** The record to evaluate, when there is one. */
    final SpfRecord record;
    /** The domain's result when there is no record to evaluate. */
    final Step end;

    private RecordSelection(SpfRecord record, Step end) {
        this.record = record;
        this.end = end;
    }

    private static RecordSelection end(Step step) {
        return new RecordSelection(null, step);
    }

    /** Traces what it found into {@code e}. */
    static RecordSelection of(String domain, DnsAnswer<String> answer, Evaluation e) {
        switch (answer.kind()) {
            case TEMPFAIL:
                // RFC 7208 4.4: a DNS error other than "no such name" gives temperror.
                if (e.tracing()) {
                    e.trace(TraceEvent.Type.RECORD, domain, "temperror: " + answer.detail());
                }
                return end(Step.of(SpfResult.TEMPERROR, Reason.DNS_TEMPFAIL, "", "DNS failure looking up the TXT records of " + domain));
            case NXDOMAIN:
            case NODATA:
                // RFC 7208 4.3, 4.4: no such name or no TXT records: none.
                if (e.tracing()) {
                    e.trace(TraceEvent.Type.RECORD, domain, "none: " + answer.kind());
                }
                return end(Step.of(SpfResult.NONE, Reason.NO_RECORD, "", domain + " has no SPF record"));
            case RECORDS:
                break;
            default:
                throw new AssertionError(answer.kind());
        }
        String recordText = null;
        // RFC 7208 4.5: keep only records that begin with "v=spf1"; more than one is permerror.
        for (String txt : answer.records()) {
            if (SpfRecordParser.isSpfRecord(txt)) {
                if (recordText != null) {
                    e.trace(TraceEvent.Type.RECORD, domain, "permerror: more than one SPF record");
                    return end(Step.of(SpfResult.PERMERROR, Reason.MULTIPLE_RECORDS, "", domain + " has more than one SPF record"));
                }
                recordText = txt;
            }
        }
        if (recordText == null) {
            e.trace(TraceEvent.Type.RECORD, domain, "none: no v=spf1 record");
            return end(Step.of(SpfResult.NONE, Reason.NO_RECORD, "", domain + " has no SPF record"));
        }
        e.trace(TraceEvent.Type.RECORD, domain, recordText);
        ParseResult parse = e.checker().parse(recordText);
        if (!parse.isValid()) {
            // RFC 7208 4.6: a syntax error anywhere in the record is permerror.
            if (e.tracing()) {
                e.trace(TraceEvent.Type.RESULT, domain, "permerror: " + parse.message());
            }
            return end(Step.of(SpfResult.PERMERROR, Reason.SYNTAX, parse.term(),
                "syntax error in the record of " + domain + " at '" + Text.capped(parse.term(), 64) + "': " + parse.message()));
        }
        return new RecordSelection(parse.record(), null);
    }
}
