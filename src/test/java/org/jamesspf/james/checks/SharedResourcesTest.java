package org.jamesspf.james.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jamesspf.james.config.SpfHookConfigTest;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.dns.InMemoryZone;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What all senders share: kept outcomes (by bytes, per domain), budgets and log lines per network, on a clock the test moves. */
class SharedResourcesTest {
    private static final InMemoryZone ZONE = InMemoryZone.builder()
        .txt("lists.example", "v=spf1 ip4:192.0.2.0/24 -all")
        .txt("local.example", "v=spf1 exists:%{l}.users.local.example -all")
        .a("alice.users.local.example", "127.0.0.2")
        .txt("big.example", "v=spf1 -all exp=why.big.example")
        .txt("why.big.example", "%{d} ".repeat(300))
        .build();
    private static final SpfChecker CHECKER = SpfChecker.builder(ZONE).build();

    private static CheckOutcome check(String ip, String sender) {
        return CHECKER.checkHost(request(ip, sender));
    }

    private static CheckRequest request(String ip, String sender) {
        return CheckRequest.mailFrom(IpAddress.parse(ip), sender, "mail.lists.example").withReceiver("mx.receiver.example");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @DisplayName("client networks: IPv4 /24 and IPv6 /64 by default, mapped IPv4 as IPv4")
    @CsvSource({
        "192.0.2.77, 192.0.2.0/24",
        "192.0.2.255, 192.0.2.0/24",
        "2001:db8:1:2:aaaa::1, 2001:db8:1:2::/64",
        "2001:db8:1:2:ffff:ffff:ffff:ffff, 2001:db8:1:2::/64",
        "::ffff:198.51.100.9, 198.51.100.0/24"})
    void networks(String ip, String network) {
        assertThat(new ClientNetworks(24, 64).of(IpAddress.parse(ip).unmapped())).hasToString(network);
        assertThat(new ClientNetworks(24, 64).of(IpAddress.parse(ip).unmapped()))
            .isEqualTo(new ClientNetworks(24, 64).of(IpAddress.parse(network.substring(0, network.indexOf('/'))).unmapped()));
    }

    @Test
    @DisplayName("an outcome that used no local part serves every local part of the domain (VERP): one evaluation, retargeted")
    void sharedAcrossLocalParts() throws Exception {
        AtomicLong clock = new AtomicLong();
        OutcomeCache cache = new OutcomeCache(SpfHookConfigTest.parse("<checks><cacheKilobytes>1024</cacheKilobytes></checks>").checks(),
            clock::get);
        CheckOutcome first = check("192.0.2.1", "bounce-1@lists.example");
        assertThat(first.usesLocalPart()).isFalse();
        cache.put(first.request(), first, 0);
        CheckRequest second = request("192.0.2.1", "bounce-2@lists.example");
        CheckOutcome kept = cache.get(second);
        assertThat(kept).isNotNull();
        assertThat(kept.request()).isEqualTo(second);
        assertThat(kept.result()).isEqualTo(first.result());
        assertThat(cache.size()).isEqualTo(1);
        // another client, another HELO: not the same check
        assertThat(cache.get(request("192.0.2.2", "bounce-3@lists.example"))).isNull();
        // an outcome that used %{l} answers its own sender only
        CheckOutcome alice = check("192.0.2.1", "alice@local.example");
        assertThat(alice.usesLocalPart()).isTrue();
        cache.put(alice.request(), alice, 0);
        assertThat(cache.get(alice.request())).isEqualTo(alice.withoutTrace());
        assertThat(cache.get(request("192.0.2.1", "bob@local.example"))).isNull();
        assertThatThrownBy(() -> alice.forRequest(request("192.0.2.1", "bob@local.example"))).isInstanceOf(IllegalArgumentException.class);
        // each entry expires on its own
        clock.addAndGet(TimeUnit.MINUTES.toNanos(6));
        assertThat(cache.get(second)).isNull();
    }

    @Test
    @DisplayName("kept outcomes are bounded by their bytes: big explanations fill it sooner, and the oldest go first")
    void weighedInBytes() throws Exception {
        AtomicLong clock = new AtomicLong();
        long bound = 64 * 1024;
        OutcomeCache cache = new OutcomeCache(SpfHookConfigTest.parse("<checks><cacheKilobytes>64</cacheKilobytes></checks>").checks(),
            clock::get);
        CheckOutcome big = check("192.0.2.1", "a@big.example");
        assertThat(OutcomeCache.weight(big)).isGreaterThan(2 * 1000);
        for (int i = 0; i < 1000; i++) {
            // each from its own client: 1,000 distinct entries offered
            CheckOutcome o = check("10.0." + (i / 250) + "." + (i % 250), "a@big.example");
            cache.put(o.request(), o, 0);
        }
        assertThat(cache.weight()).isLessThanOrEqualTo(bound);
        assertThat(cache.size()).isLessThan(1000).isGreaterThan(0);
    }

    @Test
    @DisplayName("11.1: new checks per network per minute; per domain those that depended on the local part; next minute afresh")
    void budgets() {
        AtomicLong clock = new AtomicLong();
        CheckBudget budget = new CheckBudget(3, 5, clock::get);
        ClientNetworks networks = new ClientNetworks(24, 64);
        java.util.function.Function<String, ClientNetworks.Network> net = text -> networks.of(IpAddress.parse(text.substring(0, text.indexOf('/'))));
        assertThat(budget.spend(net.apply("192.0.2.0/24"), "a.example")).isNull();
        assertThat(budget.spend(net.apply("192.0.2.0/24"), "b.example")).isNull();
        assertThat(budget.spend(net.apply("192.0.2.0/24"), "c.example")).isNull();
        assertThat(budget.spend(net.apply("192.0.2.0/24"), "d.example")).contains("more than 3 checks from 192.0.2.0/24");
        assertThat(budget.spend(net.apply("198.51.100.0/24"), "a.example")).as("another network").isNull();
        // a popular domain from many networks: its checks shared by local parts never count against it
        for (int i = 0; i < 100; i++) {
            assertThat(budget.spend(net.apply("10.0." + i + ".0/24"), "popular.example")).isNull();
        }
        // a domain whose record made each local part a new check (exists:%{l}.victim): five, then no more
        for (int i = 0; i < 5; i++) {
            assertThat(budget.spend(net.apply("10.1." + i + ".0/24"), "amplifier.example")).isNull();
            budget.spentOnLocalPart("amplifier.example");
        }
        assertThat(budget.spend(net.apply("10.9.7.0/24"), "amplifier.example")).contains("more than 5 checks of local parts under amplifier.example");
        clock.addAndGet(TimeUnit.MINUTES.toNanos(1));
        assertThat(budget.spend(net.apply("192.0.2.0/24"), "d.example")).isNull();
        assertThat(budget.spend(net.apply("10.9.7.0/24"), "amplifier.example")).isNull();
    }

    @Test
    @DisplayName("log lines: one per network per minute; the next one says how many were held back")
    void logLimit() {
        AtomicLong clock = new AtomicLong();
        LogLimiter limiter = new LogLimiter(clock::get);
        assertThat(limiter.permit("192.0.2.0/24")).isZero();
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.permit("192.0.2.0/24")).isNegative();
        }
        assertThat(limiter.permit("198.51.100.0/24")).as("another network").isZero();
        clock.addAndGet(TimeUnit.MINUTES.toNanos(1));
        assertThat(limiter.permit("192.0.2.0/24")).isEqualTo(1000);
        assertThat(limiter.permit("192.0.2.0/24")).isNegative();
    }
}
