package org.jamesspf.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.jamesspf.spf.record.Mechanism;
import org.jamesspf.spf.record.ParseResult;
import org.jamesspf.spf.record.SpfRecord;
import org.jamesspf.spf.record.SpfRecordParser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7208 4.5, 4.6 and 12: record selection and the ABNF. */
class RecordSyntaxTest {
    @ParameterizedTest
    @DisplayName("12: valid records")
    @ValueSource(strings = {
        "v=spf1", "v=spf1 ", "V=SPF1 -ALL", "v=spf1 +all", "v=spf1 ~all ?all -all",
        "v=spf1 a a:example.com a/24 a//64 a/24//64 a:example.com/24//64 a:%{d}",
        "v=spf1 mx mx:example.com/30 mx//0", "v=spf1 ptr ptr:example.com",
        "v=spf1 ip4:192.0.2.0/24 ip4:192.0.2.1 ip6:2001:db8::/32 ip6:::1",
        "v=spf1 include:_spf.example.com exists:%{ir}.%{l1r+-}._spf.%{d}",
        "v=spf1 redirect=_spf.example.com", "v=spf1 exp=explain.%{d} -all",
        "v=spf1 foo=bar moo.cow-2_x=%{l}%%%_%- -all", "v=spf1 a:example.com. -all",
        "v=spf1 a:foo-bar.123-4 -all", "v=spf1 exists:%{i}.%{v}.%{h}.%{p}.%{s}.%{o}.%{l}.%{d}"})
    void parses(String record) {
        ParseResult result = SpfRecordParser.parse(record);
        assertThat(result.isValid()).as("record '%s': %s", record, result).isTrue();
    }

    @ParameterizedTest
    @DisplayName("4.6, 12: syntax errors are permerror")
    @ValueSource(strings = {
        "v=spf1 al", "v=spf1 all:x", "v=spf1 -", "v=spf1 !all", "v=spf1 a:", "v=spf1 a:com", "v=spf1 a:example.123",
        "v=spf1 a/33", "v=spf1 a//129", "v=spf1 a/024", "v=spf1 a:example.com/", "v=spf1 ip4:192.0.2.0/33",
        "v=spf1 ip4:192.0.2", "v=spf1 ip4", "v=spf1 ip6:2001:db8::/129", "v=spf1 ip6:192.0.2.1", "v=spf1 ip4:::1",
        "v=spf1 include", "v=spf1 exists", "v=spf1 ptr/24", "v=spf1 redirect=a redirect=b", "v=spf1 exp=a.com exp=b.com",
        "v=spf1 1foo=bar", "v=spf1 foo=%", "v=spf1 foo=%x", "v=spf1 a:%{x}.com", "v=spf1 a:%{c}.com",
        "v=spf1 a:%{d0}.com", "v=spf1 a:%{d}a", "v=spf1 a:exa\tmple.com", "v=spf1 a:ex\u00e4mple.com",
        "v=spf1 \u0131nclude:example.com", "v=spf1 a:%{d", "v=spf1 -all\r\n"})
    void rejects(String record) {
        ParseResult result = SpfRecordParser.parse(record);
        assertThat(result.isValid()).as("record '%s' should not parse", record).isFalse();
        assertThat(result.message()).isNotEmpty();
        assertThat(result.position()).isGreaterThanOrEqualTo(0);
    }

    @ParameterizedTest
    @DisplayName("4.5: only v=spf1 followed by space or end selects a record")
    @ValueSource(strings = {"v=spf10", "v=spf1a", "spf1", "v=spf2.0/pra", " v=spf1", "v=\u017fpf1"})
    void notSpfRecords(String txt) {
        assertThat(SpfRecordParser.isSpfRecord(txt)).as(txt).isFalse();
    }

    @Test
    @DisplayName("5.3: dual CIDR lengths are split from the domain-spec")
    void dualCidr() {
        SpfRecord record = SpfRecordParser.parse("v=spf1 a:example.com/24//64 mx/16 -a//48").record();
        Mechanism a = record.mechanisms().get(0);
        assertThat(a.domainSpec().text()).isEqualTo("example.com");
        assertThat(a.cidr4()).isEqualTo(24);
        assertThat(a.cidr6()).isEqualTo(64);
        assertThat(record.mechanisms().get(1).cidr4()).isEqualTo(16);
        assertThat(record.mechanisms().get(1).cidr6()).isEqualTo(128);
        assertThat(record.mechanisms().get(2).cidr4()).isEqualTo(32);
        assertThat(record.mechanisms().get(2).cidr6()).isEqualTo(48);
        assertThat(record.mechanisms().get(2).domainSpec()).isNull();
    }

    @Test
    @DisplayName("6: unknown modifiers are kept and ignored; redirect and exp are recognised in any case")
    void modifiers() {
        SpfRecord record = SpfRecordParser.parse("v=spf1 Redirect=a.example.com EXP=b.example.com x-foo=bar").record();
        assertThat(record.redirect().text()).isEqualTo("a.example.com");
        assertThat(record.exp().text()).isEqualTo("b.example.com");
        assertThat(record.unknownModifiers()).hasSize(1);
        assertThat(record.mechanisms()).isEmpty();
    }

    @Test
    @DisplayName("4.6: the error names the faulty term and its position")
    void errorPosition() {
        ParseResult result = SpfRecordParser.parse("v=spf1 ip4:192.0.2.1 a:bad_");
        assertThat(result.term()).isEqualTo("a:bad_");
        assertThat(result.position()).isEqualTo(21);
        assertThat(Stream.of(result.toString())).allMatch(s -> s.contains("a:bad_"));
    }
}
