package org.jamesspf.james;

import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.dns.TestRecords;
import org.xbill.DNS.Type;

/** The DNS data of the integration tests: one domain per SPF result. */
final class SpfZone {
    private SpfZone() {
    }

    static TestDnsServer.Zone zone() {
        return new TestDnsServer.Zone()
            .add(TestRecords.txt("pass.test", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"))
            .add(TestRecords.txt("fail.test", "v=spf1 ip4:198.51.100.0/24 -all exp=why.fail.test"))
            .add(TestRecords.txt("why.fail.test", "%{i} is not one of %{d}'s designated mail servers"))
            .add(TestRecords.txt("softfail.test", "v=spf1 ~all"))
            .add(TestRecords.txt("neutral.test", "v=spf1 ?all"))
            .add(TestRecords.a("none.test", "192.0.2.1"))
            .serverFailure("temperror.test", Type.TXT)
            .add(TestRecords.txt("permerror.test", "v=spf1 ip4:192.0.2.0/24 foo:bar -all"))
            .add(TestRecords.txt("helo.pass.test", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"))
            .add(TestRecords.txt("helo.fail.test", "v=spf1 -all"))
            .add(TestRecords.txt("inject.test", "v=spf1 -all exp=why.inject.test"))
            .add(TestRecords.txt("why.inject.test", "%{l} says: " + "x".repeat(600)))
            .add(TestRecords.txt("allowed.test", "v=spf1 -all"))
            .add(TestRecords.txt("sub.allowed.test", "v=spf1 -all"))
            // examples/forwarders.xml: a HELO name verified by its address, a forwarder by SPF, one by forward-confirmed names
            .add(TestRecords.a("relay.partner.example", "203.0.113.30"))
            .add(TestRecords.txt("lists.example.org", "v=spf1 ip4:203.0.113.40 -all"))
            .add(TestRecords.txt("alumni.example.edu", "v=spf1 -all"))
            .add(TestRecords.ptr("50.113.0.203.in-addr.arpa", "mx1.alumni.example.edu"))
            .add(TestRecords.a("mx1.alumni.example.edu", "203.0.113.50"))
            .add(TestRecords.ptr("51.113.0.203.in-addr.arpa", "mx2.alumni.example.edu"))
            .add(TestRecords.a("mx2.alumni.example.edu", "192.0.2.1"));
    }
}
