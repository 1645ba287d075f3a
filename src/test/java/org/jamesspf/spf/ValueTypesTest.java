package org.jamesspf.spf;

import com.google.common.testing.EqualsTester;
import com.google.common.testing.NullPointerTester;
import java.time.Duration;
import java.util.List;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.macro.MacroString;
import org.jamesspf.spf.record.SpfRecordParser;
import org.junit.jupiter.api.Test;

/** equals/hashCode of the engine's value types, and null checks of their factories. */
class ValueTypesTest {
    @Test
    void equality() throws Exception {
        new EqualsTester()
            .addEqualityGroup(IpAddress.parse("192.0.2.1"), IpAddress.parse("192.0.2.1"), IpAddress.parse("::ffff:192.0.2.1").unmapped())
            .addEqualityGroup(IpAddress.parse("::ffff:192.0.2.1"))
            .addEqualityGroup(IpAddress.parse("2001:db8::1"), IpAddress.parse("2001:DB8:0::1"))
            .testEquals();
        new EqualsTester()
            .addEqualityGroup(Limits.defaults(), Limits.of(10, 2, Duration.ofSeconds(20)))
            .addEqualityGroup(Limits.defaults().withVoidLookups(3))
            .addEqualityGroup(Limits.defaults().withTimeBudget(Duration.ofSeconds(5)))
            .testEquals();
        new EqualsTester()
            .addEqualityGroup(DnsAnswer.of(List.of("a")), DnsAnswer.of(List.of("a")))
            .addEqualityGroup(DnsAnswer.nxDomain())
            .addEqualityGroup(DnsAnswer.noData(), DnsAnswer.of(List.of()))
            .addEqualityGroup(DnsAnswer.tempFail("timeout"), DnsAnswer.tempFail("timeout"))
            .testEquals();
        new EqualsTester()
            .addEqualityGroup(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "a@example.com", "h"),
                CheckRequest.mailFrom(IpAddress.parse("::ffff:192.0.2.1"), "a@example.com", "h"))
            .addEqualityGroup(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "", "h"),
                CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "postmaster@h", "h"))
            .addEqualityGroup(CheckRequest.helo(IpAddress.parse("192.0.2.1"), "h"))
            .addEqualityGroup(CheckRequest.helo(IpAddress.parse("192.0.2.1"), "h").withReceiver("mx"))
            .testEquals();
        new EqualsTester()
            .addEqualityGroup(MacroString.parse("%{d}.x.example", MacroString.Context.DOMAIN_SPEC).value(),
                MacroString.parse("%{d}.x.example", MacroString.Context.MODIFIER_VALUE).value())
            .addEqualityGroup(MacroString.parse("%{D}.x.example", MacroString.Context.DOMAIN_SPEC).value())
            .testEquals();
        new EqualsTester()
            .addEqualityGroup(SpfRecordParser.parse("v=spf1 a -all").record(), SpfRecordParser.parse("v=spf1 a -all").record())
            .addEqualityGroup(SpfRecordParser.parse("v=spf1 a  -all").record())
            .addEqualityGroup(SpfRecordParser.parse("v=spf1 a -all").record().mechanisms().get(1))
            .testEquals();
    }

    @Test
    void nullsAreRefused() throws Exception {
        NullPointerTester tester = new NullPointerTester()
            .setDefault(IpAddress.class, IpAddress.parse("192.0.2.1"))
            .setDefault(Duration.class, Duration.ofSeconds(1))
            .ignore(IpAddress.class.getMethod("parseOrNull", CharSequence.class));
        tester.testAllPublicStaticMethods(CheckRequest.class);
        tester.testAllPublicStaticMethods(Limits.class);
        tester.testAllPublicStaticMethods(DnsAnswer.class);
        tester.testAllPublicStaticMethods(MacroString.class);
        tester.testAllPublicInstanceMethods(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "a@example.com", "h"));
        tester.testAllPublicInstanceMethods(Limits.defaults());
        tester.testAllPublicConstructors(SpfChecker.Builder.class);
    }
}
