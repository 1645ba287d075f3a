package org.jamesspf.james.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jamesspf.james.config.SpfHookConfigTest;
import org.jamesspf.james.message.HeaderGrammar;
import org.jamesspf.spf.dns.InMemoryZone;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The explain route's answers for odd and hostile inputs: a clear answer or a named bad parameter, never a crash. */
class ExplainerTest {
    private static final InMemoryZone ZONE = InMemoryZone.builder()
        .txt("pass.test", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all")
        .txt("loop.test", "v=spf1 include:loop.test -all")
        .timeout("slow.test")
        .txt("fwd.test", "v=spf1 ip4:203.0.113.0/28 -all")
        .txt("fail.test", "v=spf1 -all")
        .build();

    private static Explainer explainer(String handlerBody) throws Exception {
        return new Explainer(SpfHookConfigTest.parse(handlerBody), ZONE, org.jamesspf.spf.EngineThreads.common(), () -> "mx.receiver.test");
    }

    @Test
    @DisplayName("hostile HELO and sender text is only data: JSON escapes it, headers are written by their grammar")
    void hostileInput() throws Exception {
        Map<String, Object> json = explainer("").explain("192.0.2.1", "", "a.test;dkim=pass(x)\"q\"", Optional.empty());
        String text = new ObjectMapper().writeValueAsString(json);
        assertThat(new ObjectMapper().readTree(text).get("input").get("helo").asText()).isEqualTo("a.test;dkim=pass(x)\"q\"");
        @SuppressWarnings("unchecked")
        List<String> headers = (List<String>) json.get("headers");
        assertThat(headers).isNotEmpty();
        HeaderGrammar.authenticationResults(headers.get(0));
        // a HELO no SMTP client can send (CR LF, spaces, control characters) is a bad parameter, not data
        assertThatThrownBy(() -> explainer("").explain("192.0.2.1", "", "a.test;\r\nX-Injected: 1", Optional.empty()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("helo: ");
    }

    @ParameterizedTest(name = "ip={0} sender={1} helo={2} -> {3}")
    @DisplayName("every odd input gets an answer")
    @CsvSource(delimiter = '|', value = {
        "192.0.2.1|alice@pass.test|pass.test|pass",
        "::ffff:192.0.2.1|alice@pass.test||pass",
        "2001:db8::1|alice@pass.test||pass",
        "198.51.100.1|alice@loop.test||permerror",
        "192.0.2.1|alice@slow.test||temperror",
        "192.0.2.1|||none",
        "192.0.2.1|alice@localhost||none"})
    void answers(String ip, String sender, String helo, String mailFromResult) throws Exception {
        Map<String, Object> json = explainer("").explain(ip, sender == null ? "" : sender, helo == null ? "" : helo, Optional.empty());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> checks = (List<Map<String, Object>>) json.get("checks");
        assertThat(checks.get(checks.size() - 1).get("result")).isEqualTo(mailFromResult);
    }

    @Test
    @DisplayName("bad parameters are named")
    void badParameters() throws Exception {
        Explainer explainer = explainer("");
        assertThatThrownBy(() -> explainer.explain("1.2.3", "a@b.test", "", Optional.empty()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ip: ");
        assertThatThrownBy(() -> explainer.explain("1.2.3.4", "a b@c", "", Optional.empty()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("sender: ");
        assertThatThrownBy(() -> explainer.explain("1.2.3.4", "a@b.test", "", Optional.of("nobody")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rcpt: ");
        assertThatThrownBy(() -> explainer.explain("1.2.3.4", "a@b.test", "x".repeat(256), Optional.empty()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("helo: ");
        assertThatThrownBy(() -> explainer.explain("1.2.3.4", "a@b.test", "two words", Optional.empty()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("helo: ");
    }

    @Test
    @DisplayName("the sender is checked as SMTP checks it: James's parsed address, not the text given")
    void normalisedSender() throws Exception {
        Map<String, Object> json = explainer("").explain("192.0.2.1", "\"alice\"@pass.test", "", Optional.empty());
        @SuppressWarnings("unchecked")
        Map<String, Object> input = (Map<String, Object>) json.get("input");
        assertThat(input.get("sender")).isEqualTo(org.apache.james.core.MaybeSender.getMailSender("\"alice\"@pass.test").asString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> checks = (List<Map<String, Object>>) json.get("checks");
        assertThat(checks.get(0).get("result")).isEqualTo("pass");
    }

    @Test
    @DisplayName("bounded: at most 4 explains at once (503 past it), and a hard time bound even when the engine cannot run (504)")
    void bounded() throws Exception {
        InMemoryZone zone = InMemoryZone.builder().txt("hang.test", "v=spf1 a:h.hang.test -all")
            .hang("h.hang.test", InMemoryZone.Type.A).build();
        java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
        org.jamesspf.spf.dns.SpfDns hanging = new org.jamesspf.spf.dns.ForwardingDns(zone) {
            @Override
            protected <T> java.util.concurrent.CompletionStage<org.jamesspf.spf.dns.DnsAnswer<T>> around(String name,
                java.util.function.Supplier<java.util.concurrent.CompletionStage<org.jamesspf.spf.dns.DnsAnswer<T>>> lookup) {
                if (name.equals("h.hang.test")) {
                    waiting.incrementAndGet();
                }
                return lookup.get();
            }
        };
        org.jamesspf.spf.EngineThreads one = org.jamesspf.spf.EngineThreads.start("explain-test", 1);
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        try {
            // the only engine thread is busy: a parked check's budget timer cannot run, only the route's own bound ends the wait
            one.executor().execute(() -> {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Explainer explainer = new Explainer(SpfHookConfigTest.parse("<dns><timeBudgetMs>200</timeBudgetMs></dns>"
                + "<checks><maxWaitMs>100</maxWaitMs></checks>"), hanging, one, () -> "mx.receiver.test");
            ExplainerRegistry hooks = new ExplainerRegistry();
            hooks.register(explainer);
            java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(ExplainerRegistry.MAX_CONCURRENT_EXPLAINS);
            List<java.util.concurrent.Future<Object>> running = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(ExplainerRegistry.MAX_CONCURRENT_EXPLAINS);
            assertThat(waiting.get()).isZero();
            for (int i = 0; i < ExplainerRegistry.MAX_CONCURRENT_EXPLAINS; i++) {
                running.add(callers.submit(() -> {
                    started.countDown();
                    try {
                        return hooks.explain(0, "192.0.2.1", "a@hang.test", "", Optional.empty());
                    } catch (ExplainerRegistry.Unavailable e) {
                        return e;
                    }
                }));
            }
            started.await();
            long guard = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (waiting.get() < ExplainerRegistry.MAX_CONCURRENT_EXPLAINS && System.nanoTime() < guard) {
                Thread.sleep(5); // a hang guard: each explain's check reaches the lookup that never answers
            }
            // the four are waiting (their checks cannot end): a fifth is turned away at once
            assertThatThrownBy(() -> hooks.explain(0, "192.0.2.1", "a@hang.test", "", Optional.empty()))
                .isInstanceOfSatisfying(ExplainerRegistry.Unavailable.class, e -> assertThat(e.status()).isEqualTo(503));
            for (java.util.concurrent.Future<Object> f : running) {
                Object result = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(result).isInstanceOf(ExplainerRegistry.Unavailable.class);
                assertThat(((ExplainerRegistry.Unavailable) result).status()).isEqualTo(504);
            }
            callers.shutdown();
        } finally {
            hold.countDown();
            one.close();
        }
    }

    @Test
    @DisplayName("an exemption of the session says which, checks nothing, and shows the header it writes")
    void sessionExemption() throws Exception {
        Map<String, Object> json = explainer("<skip><trustedNetworks>192.0.2.0/24</trustedNetworks></skip>")
            .explain("192.0.2.1", "alice@pass.test", "", Optional.of("bob@receiver.test"));
        assertThat(json.get("exemption")).isEqualTo(Map.of("kind", "trusted-network", "detail", "192.0.2.1 is in <trustedNetworks>"));
        assertThat((List<?>) json.get("checks")).isEmpty();
        assertThat(json.get("reply")).isNull();
        @SuppressWarnings("unchecked")
        List<String> headers = (List<String>) json.get("headers");
        HeaderGrammar.Resinfo spf = HeaderGrammar.authenticationResults(headers.get(0)).resinfos.get(0);
        assertThat(spf.result).isEqualTo("policy");
        assertThat(spf.properties).containsEntry("policy.exemption", "trusted-network").containsEntry("smtp.mailfrom", "alice@pass.test");
    }

    @Test
    @DisplayName("a forwarder is exempt once its address passes the forwarder's SPF; the claim and its check are shown")
    void verifiedForwarder() throws Exception {
        Explainer explainer = explainer("<skip><forwarders>fwd.test</forwarders></skip>");
        Map<String, Object> json = explainer.explain("203.0.113.5", "alice@fail.test", "relay.fwd.test", Optional.empty());
        @SuppressWarnings("unchecked")
        Map<String, Object> exemption = (Map<String, Object>) json.get("exemption");
        assertThat(exemption.get("kind")).isEqualTo("forwarder");
        assertThat(json.get("reply")).isNull();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> claims = (List<Map<String, Object>>) json.get("exemptionChecks");
        assertThat(claims).extracting(c -> c.get("verified")).containsExactly(true, false);
        // the same claim from an address the forwarder does not designate: not exempt, refused
        Map<String, Object> spoofed = explainer.explain("198.51.100.7", "alice@fail.test", "relay.fwd.test", Optional.empty());
        assertThat(spoofed.get("exemption")).isNull();
        assertThat((String) spoofed.get("reply")).startsWith("550 5.7.23");
    }
}
