package org.jamesspf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lint on crafted zones, one problem each, end to end through the CLI. */
class LintTest {
    private static CliTest.Run lint(Path dir, String domain, String... zoneLines) throws Exception {
        return CliTest.run("", "lint", "--zone", CliTest.zone(dir, zoneLines).toString(), domain);
    }

    @Test
    @DisplayName("a sound policy: records printed by depth, no errors, exit 0")
    void clean(@TempDir Path dir) throws Exception {
        CliTest.Run run = lint(dir, "ok.example",
            "ok IN TXT \"v=spf1 mx include:_spf.ok.example. -all\"",
            "ok IN MX 10 mail.ok",
            "mail.ok IN A 192.0.2.1",
            "_spf.ok IN TXT \"v=spf1 ip4:192.0.2.0/24 ~all\"");
        assertThat(run.code).isZero();
        assertThat(run.out).contains("ok.example: v=spf1 mx include:_spf.ok.example. -all")
            .contains("  include:_spf.ok.example. -> _spf.ok.example: v=spf1 ip4:192.0.2.0/24 ~all")
            .contains("DNS-querying terms: 2 of 10; void lookups: 0 (IPv4 client), 1 (IPv6 client) of 2; no errors");
    }

    @Test
    @DisplayName("4.6: syntax error with its position")
    void syntaxError(@TempDir Path dir) throws Exception {
        CliTest.Run run = lint(dir, "bad.example", "bad IN TXT \"v=spf1 ip4:192.0.2.1 a:bad_ -all\"");
        assertThat(run.code).isEqualTo(1);
        assertThat(run.out).contains("ERROR bad.example: syntax error at offset 21 ('a:bad_')");
    }

    @Test
    @DisplayName("4.6.4: 11 DNS-querying terms across includes is an error; 10 is not")
    void lookupLimit(@TempDir Path dir) throws Exception {
        String five = "\"v=spf1 a:h.x.example. a:h.x.example. a:h.x.example. a:h.x.example. a:h.x.example. -all\"";
        CliTest.Run eleven = lint(dir, "big.example",
            "big IN TXT \"v=spf1 include:i1.example. include:i2.example. -all\"",
            "i1 IN TXT " + five, "i2 IN TXT \"v=spf1 a:h.x.example. a:h.x.example. a:h.x.example. a:h.x.example. -all\"",
            "h.x IN A 192.0.2.1", "h.x IN AAAA 2001:db8::1");
        assertThat(eleven.code).isEqualTo(1);
        assertThat(eleven.out).contains("ERROR big.example: 11 DNS-querying terms in all");
        CliTest.Run ten = lint(dir, "big.example",
            "big IN TXT \"v=spf1 include:i1.example. include:i2.example. -all\"",
            "i1 IN TXT " + five, "i2 IN TXT \"v=spf1 a:h.x.example. a:h.x.example. a:h.x.example. -all\"",
            "h.x IN A 192.0.2.1", "h.x IN AAAA 2001:db8::1");
        assertThat(ten.code).isZero();
        assertThat(ten.out).contains("DNS-querying terms: 10 of 10");
    }

    @Test
    @DisplayName("4.6.4: void lookups are warned, over the limit an error")
    void voidLookups(@TempDir Path dir) throws Exception {
        CliTest.Run run = lint(dir, "v.example",
            "v IN TXT \"v=spf1 a:gone1.example. a:gone2.example. mx:gone3.example. -all\"");
        assertThat(run.code).isEqualTo(1);
        assertThat(run.out).contains("WARNING v.example: 'a:gone1.example.': gone1.example has no address (void lookup)")
            .contains("WARNING v.example: 'mx:gone3.example.': gone3.example has no MX (void lookup)")
            .contains("ERROR v.example: 3 void lookups (3 for an IPv4 client, 3 for an IPv6 client); the limit is 2");
    }

    @Test
    @DisplayName("5.5: ptr is warned; +all is an error, ?all a warning")
    void ptrAndAll(@TempDir Path dir) throws Exception {
        CliTest.Run plus = lint(dir, "p.example", "p IN TXT \"v=spf1 ptr +all\"");
        assertThat(plus.code).isEqualTo(1);
        assertThat(plus.out).contains("WARNING p.example: 'ptr': ptr is slow and unreliable")
            .contains("ERROR p.example: '+all' lets every host on the Internet pass");
        CliTest.Run neutral = lint(dir, "q.example", "q IN TXT \"v=spf1 ?all\"");
        assertThat(neutral.code).isZero();
        assertThat(neutral.out).contains("WARNING q.example: '?all' asserts nothing about other hosts");
    }

    @Test
    @DisplayName("6.1: redirect loops and includes without a record are errors")
    void loopsAndMissingTargets(@TempDir Path dir) throws Exception {
        CliTest.Run loop = lint(dir, "a.example",
            "a IN TXT \"v=spf1 redirect=b.example.\"", "b IN TXT \"v=spf1 redirect=a.example.\"");
        assertThat(loop.code).isEqualTo(1);
        assertThat(loop.out).contains("ERROR a.example: redirect=a.example. loops back to a.example");
        CliTest.Run missing = lint(dir, "m.example", "m IN TXT \"v=spf1 include:nothing.example. -all\"");
        assertThat(missing.code).isEqualTo(1);
        assertThat(missing.out).contains("ERROR nothing.example: include:nothing.example. -> nothing.example: the target has no SPF record");
    }

    @Test
    @DisplayName("6.1: a redirect next to 'all' is ignored and not counted")
    void redirectWithAll(@TempDir Path dir) throws Exception {
        CliTest.Run run = lint(dir, "r.example", "r IN TXT \"v=spf1 -all redirect=other.example.\"");
        assertThat(run.code).isZero();
        assertThat(run.out).contains("WARNING r.example: redirect is ignored: the record has an 'all' (RFC 7208 6.1)")
            .contains("DNS-querying terms: 0 of 10");
    }

    @Test
    @DisplayName("3.4, 4.5: long records, answers over 512 octets and duplicate records")
    void sizeAndDuplicates(@TempDir Path dir) throws Exception {
        StringBuilder ips = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            ips.append(" ip4:198.51.100.").append(i);
        }
        String record = "v=spf1" + ips + " -all";
        CliTest.Run big = lint(dir, "big.example", "big IN TXT \"" + record.substring(0, 200) + "\" \"" + record.substring(200, 400)
            + "\" \"" + record.substring(400) + "\"");
        assertThat(big.out).contains("WARNING big.example: record is " + record.length() + " octets")
            .contains("over 512: it needs EDNS0 or TCP");
        CliTest.Run two = lint(dir, "two.example", "two IN TXT \"v=spf1 -all\"", "two IN TXT \"v=spf1 +all\"");
        assertThat(two.code).isEqualTo(1);
        assertThat(two.out).contains("ERROR two.example: 2 SPF records (RFC 7208 4.5: permerror)");
        CliTest.Run json = CliTest.run("", "lint", "--json", "--zone", CliTest.zone(dir, "two IN TXT \"v=spf1 -all\"",
            "two IN TXT \"v=spf1 +all\"").toString(), "two.example");
        assertThat(json.out.trim()).startsWith("{\"domain\":\"two.example\"").contains("\"severity\":\"error\"").endsWith("\"errors\":true}");
    }

    @Test
    @DisplayName("4.6.4: lint and the engine count the same void lookups, per client family, on crafted zones")
    void lintAndEngineAgree(@TempDir Path dir) throws Exception {
        String[][] zones = {
            // a host with A only, a host with AAAA only, a missing host
            {"z IN TXT \"v=spf1 a:v4only.example. a:v6only.example. a:gone.example. -all\"",
                "v4only IN A 192.0.2.1", "v6only IN AAAA 2001:db8::1"},
            // MX hosts with one family each, one without any address, and a missing MX
            {"z IN TXT \"v=spf1 mx:m.example. mx:nomx.example. -all\"", "m IN MX 10 h4.example.", "m IN MX 20 h6.example.",
                "m IN MX 30 h0.example.", "h4 IN A 192.0.2.2", "h6 IN AAAA 2001:db8::2", "h0 IN TXT \"x\""},
            // exists asks A for every client; the default a is the domain itself
            {"z IN TXT \"v=spf1 exists:e6.example. a include:i.example. -all\"", "e6 IN AAAA 2001:db8::3", "z IN A 192.0.2.3",
                "i IN TXT \"v=spf1 a:v6only.example. ~all\"", "v6only IN AAAA 2001:db8::1"}};
        for (String[] lines : zones) {
            Path zone = CliTest.zone(dir, lines);
            org.jamesspf.spf.dns.SpfDns dns = org.jamesspf.dns.dnsjava.ZoneFiles.load(zone);
            Linter.Report report = new Linter(dns, java.time.Duration.ofSeconds(5), 2).lint("z.example");
            // a client that matches nothing meets every term; a high void limit lets it meet them all
            org.jamesspf.spf.SpfChecker engine = org.jamesspf.spf.SpfChecker.builder(dns)
                .limits(org.jamesspf.spf.Limits.defaults().withVoidLookups(100)).build();
            org.jamesspf.spf.CheckOutcome v4 = engine.checkHost(org.jamesspf.spf.CheckRequest.mailFrom(
                org.jamesspf.spf.IpAddress.parse("203.0.113.99"), "a@z.example", "h.example"));
            org.jamesspf.spf.CheckOutcome v6 = engine.checkHost(org.jamesspf.spf.CheckRequest.mailFrom(
                org.jamesspf.spf.IpAddress.parse("2001:db8:ffff::99"), "a@z.example", "h.example"));
            assertThat(report.voidLookupsV4).as("IPv4, zone %s", String.join(" / ", lines)).isEqualTo(v4.voidLookups());
            assertThat(report.voidLookupsV6).as("IPv6, zone %s", String.join(" / ", lines)).isEqualTo(v6.voidLookups());
            assertThat(report.dnsTerms).isEqualTo(v4.dnsLookups()).isEqualTo(v6.dnsLookups());
        }
    }
}
