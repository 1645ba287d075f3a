package org.jamesspf.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jamesspf.spf.Limits;
import org.jamesspf.spf.DomainNames;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.SpfDns;
import org.jamesspf.spf.record.Mechanism;
import org.jamesspf.spf.record.ParseResult;
import org.jamesspf.spf.record.Qualifier;
import org.jamesspf.spf.record.SpfRecord;
import org.jamesspf.spf.record.SpfRecordParser;

/**
 * Lints a domain's SPF policy: its record and every record it includes or redirects to,
 * without a client IP. Finds what makes check_host() give permerror for everyone or what RFC
 * 7208 discourages.
 */
final class Linter {
    /** How bad a finding is; any ERROR makes the lint exit with 1. */
    enum Severity { ERROR, WARNING, INFO }

    /** RFC 7208 3.4: keep records small enough for one 512-octet UDP answer; 450 is its advice. */
    static final int RECOMMENDED_RECORD_OCTETS = 450;
    static final int UDP_PAYLOAD = 512;

    static final class Finding {
        final Severity severity;
        final String domain;
        final String message;

        Finding(Severity severity, String domain, String message) {
            this.severity = severity;
            this.domain = domain;
            this.message = message;
        }

        @Override
        public String toString() {
            return severity + " " + domain + ": " + message;
        }
    }

    static final class RecordLine {
        final int depth;
        final String via;
        final String domain;
        final String record;

        RecordLine(int depth, String via, String domain, String record) {
            this.depth = depth;
            this.via = via;
            this.domain = domain;
            this.record = record;
        }
    }

    static final class Report {
        final String domain;
        final List<Finding> findings = new ArrayList<>();
        final List<RecordLine> records = new ArrayList<>();
        int dnsTerms;
        /**
         * RFC 7208 4.6.4 void lookups a client meets when no term matches, per address family: the
         * engine asks A for an IPv4 client and AAAA for an IPv6 one (a, mx hosts), A for exists.
         */
        int voidLookupsV4;
        int voidLookupsV6;

        Report(String domain) {
            this.domain = domain;
        }

        boolean hasErrors() {
            return findings.stream().anyMatch(f -> f.severity == Severity.ERROR);
        }
    }

    private final SpfDns dns;
    private final Duration timeout;
    private final int maxVoidLookups;

    Linter(SpfDns dns, Duration timeout, int maxVoidLookups) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.timeout = timeout;
        this.maxVoidLookups = maxVoidLookups;
    }

    Report lint(String domain) {
        String d = DomainNames.stripDot(domain);
        Report report = new Report(d);
        if (!DomainNames.isValidDomain(d)) {
            report.findings.add(new Finding(Severity.ERROR, d, "not a valid domain name (RFC 7208 4.3)"));
            return report;
        }
        walk(report, d, 0, "", new HashSet<>());
        // RFC 7208 4.6.4: more than 10 DNS-querying terms in all is permerror.
        if (report.dnsTerms > Limits.DEFAULT_DNS_TERMS) {
            report.findings.add(new Finding(Severity.ERROR, d, report.dnsTerms + " DNS-querying terms in all (include, a, mx, ptr,"
                + " exists, redirect); the limit is " + Limits.DEFAULT_DNS_TERMS + " (RFC 7208 4.6.4): permerror for every sender"));
        }
        int worst = Math.max(report.voidLookupsV4, report.voidLookupsV6);
        if (worst > maxVoidLookups) {
            report.findings.add(new Finding(Severity.ERROR, d, worst + " void lookups (" + report.voidLookupsV4 + " for an IPv4 client, "
                + report.voidLookupsV6 + " for an IPv6 client); the limit is " + maxVoidLookups
                + " (RFC 7208 4.6.4): permerror when they are all reached"));
        }
        return report;
    }

    private void walk(Report report, String domain, int depth, String via, Set<String> stack) {
        String key = domain.toLowerCase(Locale.ROOT);
        if (!stack.add(key)) {
            report.findings.add(new Finding(Severity.ERROR, domain, via + " loops back to " + domain + ": permerror at the lookup limit"));
            return;
        }
        try {
            String recordText = fetchRecord(report, domain, depth, via);
            if (recordText == null) {
                return;
            }
            ParseResult parsed = SpfRecordParser.parse(recordText);
            report.records.add(new RecordLine(depth, via, domain, recordText));
            if (!parsed.isValid()) {
                report.findings.add(new Finding(Severity.ERROR, domain, "syntax error at offset " + parsed.position() + " ('"
                    + parsed.term() + "'): " + parsed.message() + " (RFC 7208 4.6: permerror)"));
                return;
            }
            SpfRecord record = parsed.record();
            boolean hasAll = false;
            for (Mechanism m : record.mechanisms()) {
                if (m.kind().queriesDns()) {
                    report.dnsTerms++;
                }
                switch (m.kind()) {
                    case ALL:
                        hasAll = true;
                        if (m.qualifier() == Qualifier.PASS) {
                            report.findings.add(new Finding(Severity.ERROR, domain, "'" + m.text() + "' lets every host on the Internet pass"));
                        } else if (m.qualifier() == Qualifier.NEUTRAL) {
                            report.findings.add(new Finding(Severity.WARNING, domain, "'" + m.text() + "' asserts nothing about other hosts"));
                        }
                        break;
                    case PTR:
                        report.findings.add(new Finding(Severity.WARNING, domain, "'" + m.text()
                            + "': ptr is slow and unreliable; RFC 7208 5.5 says it SHOULD NOT be used"));
                        break;
                    case A:
                    case MX:
                    case EXISTS:
                        checkTarget(report, domain, m);
                        break;
                    case INCLUDE:
                        if (m.domainSpec().isLiteral()) {
                            String target = DomainNames.stripDot(m.domainSpec().expandDomain(letter -> ""));
                            walk(report, target, depth + 1, m.text(), stack);
                        } else {
                            report.findings.add(new Finding(Severity.INFO, domain, "'" + m.text() + "' depends on macros; not followed"));
                        }
                        break;
                    default:
                        break;
                }
            }
            if (record.redirect() != null) {
                if (hasAll) {
                    report.findings.add(new Finding(Severity.WARNING, domain, "redirect is ignored: the record has an 'all' (RFC 7208 6.1)"));
                } else if (record.redirect().isLiteral()) {
                    // RFC 7208 4.6.4: redirect counts as a DNS-querying term (when it applies at all)
                    report.dnsTerms++;
                    walk(report, DomainNames.stripDot(record.redirect().expandDomain(letter -> "")), depth + 1, "redirect=" + record.redirect(), stack);
                } else {
                    report.dnsTerms++;
                    report.findings.add(new Finding(Severity.INFO, domain, "redirect=" + record.redirect() + " depends on macros; not followed"));
                }
            }
        } finally {
            stack.remove(key);
        }
    }

    /** The domain's SPF record, with the lookup and selection findings; null when there is none to walk. */
    private String fetchRecord(Report report, String domain, int depth, String via) {
        DnsAnswer<String> answer = await(dns.txt(domain));
        String where = depth == 0 ? domain : via + " -> " + domain;
        switch (answer.kind()) {
            case TEMPFAIL:
                report.findings.add(new Finding(Severity.ERROR, domain, "DNS failure looking up TXT (" + answer.detail() + "): temperror"));
                return null;
            case NXDOMAIN:
            case NODATA:
                report.findings.add(new Finding(Severity.ERROR, domain, (depth == 0 ? "no SPF record" : where
                    + ": the target has no SPF record (RFC 7208 5.2/6.1: permerror)")));
                return null;
            case RECORDS:
                break;
            default:
                throw new AssertionError(answer.kind());
        }
        List<String> spf = new ArrayList<>();
        int responseOctets = 12 + wireLength(domain) + 4;
        for (String txt : answer.records()) {
            responseOctets += 2 + 10 + txtRdataLength(txt);
            if (SpfRecordParser.isSpfRecord(txt)) {
                spf.add(txt);
            }
        }
        if (spf.isEmpty()) {
            report.findings.add(new Finding(Severity.ERROR, domain, depth == 0 ? "no SPF record (no TXT record starts with v=spf1)"
                : where + ": the target has no SPF record (RFC 7208 5.2/6.1: permerror)"));
            return null;
        }
        if (spf.size() > 1) {
            report.findings.add(new Finding(Severity.ERROR, domain, spf.size() + " SPF records (RFC 7208 4.5: permerror)"));
            return null;
        }
        String record = spf.get(0);
        int octets = record.getBytes(StandardCharsets.ISO_8859_1).length;
        if (octets > RECOMMENDED_RECORD_OCTETS) {
            report.findings.add(new Finding(Severity.WARNING, domain, "record is " + octets + " octets; RFC 7208 3.4 advises at most "
                + RECOMMENDED_RECORD_OCTETS));
        }
        if (responseOctets > UDP_PAYLOAD) {
            report.findings.add(new Finding(Severity.WARNING, domain, "the TXT answer is about " + responseOctets
                + " octets, over " + UDP_PAYLOAD + ": it needs EDNS0 or TCP (RFC 7208 3.4)"));
        }
        return record;
    }

    /** The lookups of a, mx and exists terms with literal targets, counting void answers per client family. */
    private void checkTarget(Report report, String domain, Mechanism m) {
        if (m.domainSpec() != null && !m.domainSpec().isLiteral()) {
            return;
        }
        String target = m.domainSpec() == null ? domain : DomainNames.stripDot(m.domainSpec().expandDomain(letter -> ""));
        switch (m.kind()) {
            case MX: {
                DnsAnswer<String> mx = await(dns.mx(target));
                if (mx.isVoid()) {
                    report.voidLookupsV4++;
                    report.voidLookupsV6++;
                    report.findings.add(new Finding(Severity.WARNING, domain, "'" + m.text() + "': " + target + " has no MX (void lookup)"));
                } else if (mx.records().size() > Limits.MAX_NAMES_PER_TERM) {
                    report.findings.add(new Finding(Severity.ERROR, domain, "'" + m.text() + "': " + target + " has " + mx.records().size()
                        + " MX names, over " + Limits.MAX_NAMES_PER_TERM + " (RFC 7208 4.6.4: permerror)"));
                } else {
                    // RFC 7208 4.6.4: each MX host's empty address lookup is void too (as the engine counts it)
                    for (String host : mx.records()) {
                        addresses(report, domain, m, DomainNames.stripDot(host));
                    }
                }
                return;
            }
            case EXISTS: {
                // RFC 7208 5.7: an A query whatever the client's family
                if (await(dns.a(target)).isVoid()) {
                    report.voidLookupsV4++;
                    report.voidLookupsV6++;
                    report.findings.add(new Finding(Severity.WARNING, domain, "'" + m.text() + "': " + target + " has no A record (void lookup)"));
                }
                return;
            }
            default:
                addresses(report, domain, m, target);
        }
    }

    /** A and AAAA of {@code host}: an empty answer is a void lookup for clients of that family. */
    private void addresses(Report report, String domain, Mechanism m, String host) {
        boolean noA = await(dns.a(host)).isVoid();
        boolean noAaaa = await(dns.aaaa(host)).isVoid();
        if (noA) {
            report.voidLookupsV4++;
        }
        if (noAaaa) {
            report.voidLookupsV6++;
        }
        if (noA || noAaaa) {
            String families = noA && noAaaa ? "no address" : noA ? "no A record (void for IPv4 clients)" : "no AAAA record (void for IPv6 clients)";
            report.findings.add(new Finding(noA && noAaaa ? Severity.WARNING : Severity.INFO, domain,
                "'" + m.text() + "': " + host + " has " + families + (noA && noAaaa ? " (void lookup)" : "")));
        }
    }

    private <T> DnsAnswer<T> await(CompletionStage<DnsAnswer<T>> stage) {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return DnsAnswer.tempFail("timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DnsAnswer.tempFail("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            // an adapter that failed its stage: the same as a temporary failure
            return DnsAnswer.tempFail(String.valueOf(e.getCause()));
        }
    }

    private static int wireLength(String name) {
        return DomainNames.stripDot(name).length() + 2;
    }

    /** TXT RDATA: one length octet per character-string of up to 255 octets. */
    private static int txtRdataLength(String txt) {
        int octets = txt.getBytes(StandardCharsets.ISO_8859_1).length;
        return octets + Math.max(1, (octets + 254) / 255);
    }
}
