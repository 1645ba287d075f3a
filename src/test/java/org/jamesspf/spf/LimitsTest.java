package org.jamesspf.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.jamesspf.spf.dns.InMemoryZone;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 7208 4.6.4: lookup, void, MX and PTR limits and the time budget, each as a boundary pair. */
class LimitsTest {
    private static String terms(String term, int count) {
        StringBuilder sb = new StringBuilder("v=spf1");
        for (int i = 0; i < count; i++) {
            sb.append(' ').append(term);
        }
        return sb.toString();
    }

    private static CheckOutcome check(InMemoryZone zone, String ip) {
        return SpfChecker.builder(zone).build().checkHost(CheckRequest.mailFrom(IpAddress.parse(ip), "x@example.com", "h.example.org"));
    }

    @Test
    @DisplayName("4.6.4: 10 DNS terms -> evaluated; 11th -> permerror")
    void lookupLimit() {
        InMemoryZone.Builder zone = InMemoryZone.builder().a("h.example.net", "203.0.113.1");
        assertThat(check(zone.txt("example.com", terms("a:h.example.net", 10) + " -all").build(), "192.0.2.1").result())
            .isEqualTo(SpfResult.FAIL);
        CheckOutcome over = check(InMemoryZone.builder().a("h.example.net", "203.0.113.1")
            .txt("example.com", terms("a:h.example.net", 11) + " -all").build(), "192.0.2.1");
        assertThat(over.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(over.reason()).isEqualTo(Reason.LOOKUP_LIMIT);
        assertThat(over.dnsLookups()).isEqualTo(11);
    }

    @Test
    @DisplayName("4.6.4: include and redirect recursion counts toward the same 10")
    void recursionCounts() {
        InMemoryZone zone = InMemoryZone.builder()
            .txt("example.com", "v=spf1 include:i1.example.com include:i1.example.com redirect=r.example.com")
            .txt("i1.example.com", terms("exists:e.example.com", 2))
            .a("e.example.com", "127.0.0.1")
            .build();
        // include (1) + its first exists (1), which matches
        CheckOutcome outcome = check(zone, "192.0.2.1");
        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(outcome.dnsLookups()).isEqualTo(2);

        InMemoryZone deep = InMemoryZone.builder()
            .txt("example.com", "v=spf1 include:i.example.com include:i.example.com include:i.example.com redirect=r.example.com")
            .txt("i.example.com", "v=spf1 a:h.example.com a:h.example.com -all")
            .a("h.example.com", "203.0.113.1")
            .txt("r.example.com", "v=spf1 a:h.example.com -all")
            .build();
        // 3 includes x (1 + 2 a) = 9, then redirect = 10, then a = 11 -> permerror
        CheckOutcome limited = check(deep, "192.0.2.1");
        assertThat(limited.result()).as(limited.toString()).isEqualTo(SpfResult.PERMERROR);
        assertThat(limited.reason()).isEqualTo(Reason.LOOKUP_LIMIT);
    }

    @Test
    @DisplayName("4.6.4: 2 void lookups allowed, the 3rd -> permerror; the limit is configurable")
    void voidLimit() {
        InMemoryZone two = InMemoryZone.builder().txt("example.com", "v=spf1 a:n1.example.com mx:n2.example.com -all").build();
        assertThat(check(two, "192.0.2.1").result()).isEqualTo(SpfResult.FAIL);
        InMemoryZone three = InMemoryZone.builder()
            .txt("example.com", "v=spf1 a:n1.example.com mx:n2.example.com exists:n3.example.com -all").build();
        CheckOutcome outcome = check(three, "192.0.2.1");
        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.reason()).isEqualTo(Reason.VOID_LIMIT);
        SpfChecker lenient = SpfChecker.builder(three).limits(Limits.defaults().withVoidLookups(3)).build();
        assertThat(lenient.checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "x@example.com", "h")).result())
            .isEqualTo(SpfResult.FAIL);
    }

    @Test
    @DisplayName("4.6.4: an MX host's empty address lookup is void: 2 allowed, the 3rd -> permerror")
    void mxHostAddressLookupsAreVoid() {
        InMemoryZone.Builder two = InMemoryZone.builder().txt("example.com", "v=spf1 mx:m.example.com -all")
            .mx("m.example.com", 10, "h1.example.com").mx("m.example.com", 20, "h2.example.com");
        CheckOutcome allowed = check(two.build(), "192.0.2.1");
        assertThat(allowed.result()).isEqualTo(SpfResult.FAIL);
        assertThat(allowed.voidLookups()).isEqualTo(2);
        CheckOutcome over = check(two.mx("m.example.com", 30, "h3.example.com").build(), "192.0.2.1");
        assertThat(over.result()).as(over.toString()).isEqualTo(SpfResult.PERMERROR);
        assertThat(over.reason()).isEqualTo(Reason.VOID_LIMIT);
    }

    @Test
    @DisplayName("4.6.4: ptr's empty PTR answer is void; so is a PTR name's empty address lookup")
    void ptrLookupsAreVoid() {
        // two void a terms, then ptr with no PTR records: the third void
        InMemoryZone noPtr = InMemoryZone.builder()
            .txt("example.com", "v=spf1 a:n1.example.com a:n2.example.com ptr -all").build();
        CheckOutcome outcome = check(noPtr, "192.0.2.1");
        assertThat(outcome.result()).as(outcome.toString()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.reason()).isEqualTo(Reason.VOID_LIMIT);
        assertThat(check(InMemoryZone.builder().txt("example.com", "v=spf1 a:n1.example.com ptr -all").build(), "192.0.2.1")
            .result()).isEqualTo(SpfResult.FAIL);
        // one void a term; the PTR names have no A records: two more voids
        InMemoryZone names = InMemoryZone.builder()
            .txt("example.com", "v=spf1 a:n1.example.com ptr -all")
            .ptr(IpAddress.parse("192.0.2.1"), "p1.example.com").ptr(IpAddress.parse("192.0.2.1"), "p2.example.com").build();
        CheckOutcome nameVoids = check(names, "192.0.2.1");
        assertThat(nameVoids.result()).as(nameVoids.toString()).isEqualTo(SpfResult.PERMERROR);
        assertThat(nameVoids.reason()).isEqualTo(Reason.VOID_LIMIT);
        assertThat(check(InMemoryZone.builder().txt("example.com", "v=spf1 ptr -all")
            .ptr(IpAddress.parse("192.0.2.1"), "p1.example.com").ptr(IpAddress.parse("192.0.2.1"), "p2.example.com").build(),
            "192.0.2.1").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    @DisplayName("4.6.4: 10 MX names evaluated; 11 -> permerror")
    void mxLimit() {
        InMemoryZone.Builder ten = InMemoryZone.builder().txt("example.com", "v=spf1 mx -all");
        InMemoryZone.Builder eleven = InMemoryZone.builder().txt("example.com", "v=spf1 mx -all");
        for (int i = 0; i < 11; i++) {
            if (i < 10) {
                ten.mx("example.com", i, "mx" + i + ".example.com").a("mx" + i + ".example.com", "192.0.2." + (i + 1));
            }
            eleven.mx("example.com", i, "mx" + i + ".example.com").a("mx" + i + ".example.com", "192.0.2." + (i + 1));
        }
        assertThat(check(ten.build(), "192.0.2.10").result()).isEqualTo(SpfResult.PASS);
        CheckOutcome over = check(eleven.build(), "192.0.2.10");
        assertThat(over.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(over.reason()).isEqualTo(Reason.MX_LIMIT);
    }

    @Test
    @DisplayName("4.6.4: only the first 10 PTR names are considered")
    void ptrLimit() {
        IpAddress ip = IpAddress.parse("192.0.2.1");
        InMemoryZone.Builder zone = InMemoryZone.builder().txt("example.com", "v=spf1 ptr:target.example.com -all");
        for (int i = 0; i < 10; i++) {
            zone.ptr(ip, "n" + i + ".other.example.net");
        }
        InMemoryZone tenth = zone.build();
        zone.ptr(ip, "target.example.com").a("target.example.com", "192.0.2.1");
        assertThat(check(zone.build(), "192.0.2.1").result()).as("11th name ignored").isEqualTo(SpfResult.FAIL);
        InMemoryZone.Builder nine = InMemoryZone.builder().txt("example.com", "v=spf1 ptr:target.example.com -all");
        for (int i = 0; i < 9; i++) {
            nine.ptr(ip, "n" + i + ".other.example.net");
        }
        nine.ptr(ip, "target.example.com").a("target.example.com", "192.0.2.1");
        assertThat(check(nine.build(), "192.0.2.1").result()).as("10th name used").isEqualTo(SpfResult.PASS);
        assertThat(check(tenth, "192.0.2.1").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    @DisplayName("4.6.4: a lookup that never answers ends the check with temperror at the budget")
    void timeBudget() {
        InMemoryZone zone = InMemoryZone.builder()
            .txt("example.com", "v=spf1 a:hang.example.com -all")
            .hang("hang.example.com", InMemoryZone.Type.A)
            .build();
        SpfChecker checker = SpfChecker.builder(zone).limits(Limits.defaults().withTimeBudget(Duration.ofMillis(200))).build();
        long start = System.nanoTime();
        CheckOutcome outcome = checker.checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "x@example.com", "h"));
        assertThat(outcome.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(outcome.reason()).isEqualTo(Reason.TIME_BUDGET);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    @DisplayName("4.6.4: an include loop ends at the lookup limit, never recursing forever")
    void includeLoop() {
        InMemoryZone zone = InMemoryZone.builder()
            .txt("example.com", "v=spf1 include:loop.example.com -all")
            .txt("loop.example.com", "v=spf1 include:example.com -all")
            .build();
        CheckOutcome outcome = check(zone, "192.0.2.1");
        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.reason()).isEqualTo(Reason.LOOKUP_LIMIT);
    }
}
