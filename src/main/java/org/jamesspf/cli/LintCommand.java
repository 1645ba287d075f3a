package org.jamesspf.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lint DOMAIN}: the domain's record and everything it includes, checked for what breaks or weakens SPF. */
@Command(name = "lint", mixinStandardHelpOptions = true,
    description = {"Fetches and parses DOMAIN's SPF record and the records it includes or redirects to, and reports:",
        "syntax errors, DNS-querying terms over 10, void lookups, ptr, +all/?all, loops, includes without a record,",
        "records over 450 octets or answers over 512, duplicate records. Exit code 1 when there is an error."})
final class LintCommand extends DnsCommand {
    @Parameters(paramLabel = "DOMAIN", description = "The domain whose SPF policy to lint.")
    String domain;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    Integer execute() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Linter linter = new Linter(dnsOptions.dns(), Duration.ofMillis(Math.max(1, dnsOptions.budgetMs)), dnsOptions.maxVoidLookups);
        Linter.Report report = linter.lint(domain);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("domain", report.domain);
            m.put("dnsTerms", report.dnsTerms);
            m.put("voidLookupsIpv4", report.voidLookupsV4);
            m.put("voidLookupsIpv6", report.voidLookupsV6);
            List<Object> records = new ArrayList<>();
            for (Linter.RecordLine r : report.records) {
                Map<String, Object> rm = new LinkedHashMap<>();
                rm.put("depth", r.depth);
                rm.put("via", r.via.isEmpty() ? null : r.via);
                rm.put("domain", r.domain);
                rm.put("record", r.record);
                records.add(rm);
            }
            m.put("records", records);
            List<Object> findings = new ArrayList<>();
            for (Linter.Finding f : report.findings) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("severity", f.severity.name().toLowerCase(java.util.Locale.ROOT));
                fm.put("domain", f.domain);
                fm.put("message", f.message);
                findings.add(fm);
            }
            m.put("findings", findings);
            m.put("errors", report.hasErrors());
            out.println(Json.write(m));
        } else {
            for (Linter.RecordLine r : report.records) {
                out.println("  ".repeat(r.depth) + (r.via.isEmpty() ? "" : r.via + " -> ") + r.domain + ": " + r.record);
            }
            for (Linter.Finding f : report.findings) {
                out.println(f);
            }
            out.println("DNS-querying terms: " + report.dnsTerms + " of 10; void lookups: " + report.voidLookupsV4 + " (IPv4 client), "
                + report.voidLookupsV6 + " (IPv6 client) of " + dnsOptions.maxVoidLookups + "; "
                + (report.hasErrors() ? "errors found" : "no errors"));
        }
        out.flush();
        return report.hasErrors() ? 1 : 0;
    }
}
