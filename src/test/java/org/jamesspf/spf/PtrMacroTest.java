package org.jamesspf.spf;

import static org.assertj.core.api.Assertions.assertThat;

import org.jamesspf.spf.dns.InMemoryZone;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 7208 7.3: the p macro, as pyspf and Mail::SPF evaluate it (found by differential fuzzing over real DNS). */
class PtrMacroTest {
    private static final IpAddress CLIENT = IpAddress.parse("192.0.2.1");

    private static CheckOutcome check(InMemoryZone zone) {
        return SpfChecker.builder(zone).build().checkHost(CheckRequest.mailFrom(CLIENT, "a@example.com", "h.example.org"));
    }

    @Test
    @DisplayName("4.6.4: in %{p}, each PTR name whose address lookup is empty is a void lookup; three are a permerror")
    void ptrNamesAddressLookupsAreVoid() {
        InMemoryZone zone = InMemoryZone.builder()
            .txt("example.com", "v=spf1 exists:%{p}.x.example -all")
            .ptr(CLIENT, "n1.example").ptr(CLIENT, "n2.example").ptr(CLIENT, "n3.example")
            .build();
        CheckOutcome outcome = check(zone);
        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.reason()).isEqualTo(Reason.VOID_LIMIT);
        assertThat(outcome.term()).isEqualTo("exists:%{p}.x.example");
        // two empty ones, and the exists lookup of unknown.x.example: the third void
        InMemoryZone two = InMemoryZone.builder()
            .txt("example.com", "v=spf1 exists:%{p}.x.example -all")
            .ptr(CLIENT, "n1.example").ptr(CLIENT, "n2.example")
            .build();
        CheckOutcome third = check(two);
        assertThat(third.reason()).isEqualTo(Reason.VOID_LIMIT);
        assertThat(third.voidLookups()).isEqualTo(3);
    }

    @Test
    @DisplayName("4.6.4: an empty PTR answer in %{p} is a void lookup too")
    void emptyPtrIsVoid() {
        InMemoryZone zone = InMemoryZone.builder()
            .txt("example.com", "v=spf1 a:nx1.example a:nx2.example exists:%{p}.x.example -all")
            .a("unknown.x.example", "127.0.0.2")
            .build();
        CheckOutcome outcome = check(zone);
        assertThat(outcome.reason()).isEqualTo(Reason.VOID_LIMIT);
        assertThat(outcome.term()).isEqualTo("exists:%{p}.x.example");
    }

    @Test
    @DisplayName("7.3: p is chosen for the current domain: an include's target gets its own validated name")
    void chosenPerCurrentDomain() {
        InMemoryZone zone = InMemoryZone.builder()
            .txt("example.com", "v=spf1 exists:%{p}.seen.example include:b.example -all")
            .txt("b.example", "v=spf1 exists:%{p}.check.example -all")
            .ptr(CLIENT, "mail.example.com").ptr(CLIENT, "mail.b.example")
            .a("mail.example.com", "192.0.2.1").a("mail.b.example", "192.0.2.1")
            .a("mail.b.example.check.example", "127.0.0.2")
            .build();
        CheckOutcome outcome = check(zone);
        // in example.com p is mail.example.com (its subdomain, not seen); in b.example it is mail.b.example
        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(outcome.term()).isEqualTo("include:b.example");
        // the PTR and address lookups are made once for both expansions
        assertThat(outcome.dnsQueries()).isEqualTo(1 + 1 + 2 + 1 + 1 + 1);
    }
}
