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
            .contains("DNS-querying terms: 2 of 10; void lookups: 0 of 2; no errors");
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
            "h.x IN A 192.0.2.1");
        assertThat(eleven.code).isEqualTo(1);
        assertThat(eleven.out).contains("ERROR big.example: 11 DNS-querying terms in all");
        CliTest.Run ten = lint(dir, "big.example",
            "big IN TXT \"v=spf1 include:i1.example. include:i2.example. -all\"",
            "i1 IN TXT " + five, "i2 IN TXT \"v=spf1 a:h.x.example. a:h.x.example. a:h.x.example. -all\"",
            "h.x IN A 192.0.2.1");
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
            .contains("ERROR v.example: 3 void lookups; the limit is 2");
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
}
