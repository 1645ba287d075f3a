package org.jamesspf.spf;

import org.jamesspf.spf.dns.InMemoryZone;

/** Helpers for table tests: one check against a zone. */
final class Zones {
    private Zones() {
    }

    static CheckOutcome check(InMemoryZone zone, String ip, String sender) {
        return SpfChecker.builder(zone).build().checkHost(CheckRequest.mailFrom(IpAddress.parse(ip), sender, "helo.example.org"));
    }

    /** A zone where example.com publishes {@code record}, plus common supporting data. */
    static InMemoryZone.Builder withRecord(String record) {
        return InMemoryZone.builder().txt("example.com", record);
    }
}
