package org.jamesspf.james;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.james.message.HeaderGrammar;
import org.jamesspf.james.message.MailAttributes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-recipient-domain policies and the WebAdmin explain route, through a real James 3.8.1. */
class PolicyAndExplainIT {
    static TestDnsServer dns;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT = "192.0.2.10";
    private static final String FAIL_REPLY = "550 5.7.23 SPF fail: 192.0.2.10 is not one of fail.test's designated mail servers";

    @BeforeAll
    static void startDns() throws Exception {
        dns = TestDnsServer.start(SpfZone.zone());
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    /**
     * receiver.test: the handler's mapping (fail rejected, softfail accepted); strict.test refuses
     * softfail; tag.test is in dry-run; data.test enforces at DATA and defers softfail.
     */
    private static String handler() {
        return "<handler class=\"org.jamesspf.james.SpfHook\">"
            + "<domains>"
            + "<domain name=\"strict.test\"><actions><mailfrom><softfail action=\"reject\" text=\"SPF {result}: strict.test refuses\"/>"
            + "</mailfrom></actions></domain>"
            + "<domain name=\"tag.test\"><dryRun>true</dryRun></domain>"
            + "<domain name=\"data.test\"><enforceAt>data</enforceAt><actions><mailfrom><softfail action=\"defer\"/></mailfrom></actions>"
            + "</domain>"
            + "</domains>"
            + "<dns><servers><server>" + dns.address() + "</server></servers><queryTimeoutMs>1000</queryTimeoutMs></dns></handler>";
    }

    private static JamesTestServer james(Path dir, RecordingMetricFactory metrics) throws Exception {
        return JamesTestServer.start(dir, handler(), Map.of(), Map.of("webadmin.properties", JamesTestServer.WEBADMIN_WITH_SPF),
            binder -> binder.bind(org.apache.james.metrics.api.MetricFactory.class).toInstance(metrics));
    }

    @Test
    @DisplayName("per recipient domain: refused per recipient at RCPT under its own mapping; dry-run domain only logs; strictest at DATA")
    void perDomainPolicies(@TempDir Path dir) throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SpfHook.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log = new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        logger.addAppender(log);
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        try (JamesTestServer james = james(dir, metrics); SmtpClient smtp = SmtpClient.connect(james.smtpPort(), CLIENT)) {
            smtp.command("EHLO helo.pass.test");
            // softfail: the default domain and the dry-run one accept, strict.test refuses its recipient only
            assertThat(smtp.command("MAIL FROM:<sam@softfail.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<carol@strict.test>")).isEqualTo("550 5.7.23 SPF softfail: strict.test refuses");
            assertThat(smtp.command("RCPT TO:<dan@tag.test>")).startsWith("250");
            assertThat(smtp.data(SpfHookIT.message("domains-1"))).startsWith("250");
            Mail first = james.delivered("domains-1");
            assertThat(first.getRecipients()).extracting(Object::toString).containsExactly("bob@receiver.test", "dan@tag.test");
            assertThat(first.getAttribute(AttributeName.of(MailAttributes.WOULD_HAVE_REFUSED))).isEmpty();

            // fail: the default domain refuses; tag.test (dry-run) accepts and records what it would have done;
            // postmaster of strict.test is exempt
            assertThat(smtp.command("MAIL FROM:<mallory@fail.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).isEqualTo(FAIL_REPLY);
            assertThat(smtp.command("RCPT TO:<dan@tag.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<postmaster@strict.test>")).startsWith("250");
            assertThat(smtp.data(SpfHookIT.message("domains-2"))).startsWith("250");
            Mail second = james.delivered("domains-2");
            assertThat(second.getRecipients()).extracting(Object::toString).containsExactly("dan@tag.test", "postmaster@strict.test");
            assertThat(second.getAttribute(AttributeName.of(MailAttributes.WOULD_HAVE_REFUSED)).get().getValue().value())
                .isEqualTo(FAIL_REPLY);
            assertThat(SpfHookIT.headerLines(second).get(0)).contains("(dry-run: would have refused: " + FAIL_REPLY + ")");
            assertThat(log.list).extracting(e -> e.getFormattedMessage())
                .anySatisfy(m -> assertThat(m).startsWith("SPF dry-run: would have refused ip=192.0.2.10")
                    .contains("rcpt=dan@tag.test policy=tag.test reply=" + FAIL_REPLY))
                .anySatisfy(m -> assertThat(m).startsWith("SPF refused ip=192.0.2.10")
                    .contains("rcpt=bob@receiver.test policy=default reply=" + FAIL_REPLY))
                .anySatisfy(m -> assertThat(m).startsWith("SPF refused ip=192.0.2.10")
                    .contains("result=softfail").contains("rcpt=carol@strict.test policy=strict.test"))
                // the evaluation's own line: the fail check sent two queries, the record and its exp
                .anySatisfy(m -> assertThat(m).startsWith("SPF check ip=192.0.2.10").contains("sender=mallory@fail.test")
                    .contains("result=fail").endsWith(" queries=2"));

            // DATA: one reply for all recipients; data.test defers softfail, so the whole message is deferred
            assertThat(smtp.command("MAIL FROM:<sam@softfail.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<eve@data.test>")).startsWith("250");
            assertThat(smtp.data(SpfHookIT.message("domains-3"))).isEqualTo("451 4.7.23 SPF softfail for MAIL FROM softfail.test");
            // without the data.test recipient the same message goes through
            assertThat(smtp.command("MAIL FROM:<sam@softfail.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("250");
            assertThat(smtp.data(SpfHookIT.message("domains-4"))).startsWith("250");
            james.delivered("domains-4");
            assertThat(james.acceptedMails(3)).extracting(m -> m.getMessage().getSubject())
                .containsExactlyInAnyOrder("domains-1", "domains-2", "domains-4");
        } finally {
            logger.detachAppender(log);
        }
        // per decision applied: at RCPT one per recipient, at DATA one per message
        assertThat(metrics.countFor("spf.decision.mailfrom.softfail.reject")).isEqualTo(1);
        assertThat(metrics.countFor("spf.decision.mailfrom.softfail.defer")).isEqualTo(1);
        assertThat(metrics.countFor("spf.decision.mailfrom.softfail.accept")).as("bob, dan; bob; bob").isEqualTo(4);
        assertThat(metrics.countFor("spf.decision.mailfrom.fail.reject")).isEqualTo(1);
        assertThat(metrics.countFor("spf.decision.mailfrom.fail.accept")).as("dan, in dry-run").isEqualTo(1);
        assertThat(metrics.countFor("spf.dryrun.wouldHaveRefused.mailfrom.fail.reject")).isEqualTo(1);
    }

    @Test
    @DisplayName("GET /spf/explain: DNS queries and answers, counters, deciding term, action, and the exact reply and headers SMTP gives")
    void explainRoute(@TempDir Path dir) throws Exception {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        try (JamesTestServer james = james(dir, metrics)) {
            int port = james.webAdminPort();
            // a refused transaction: the route's reply is the one SMTP gives
            JsonNode fail = explain(port, Map.of("ip", CLIENT, "sender", "mallory@fail.test", "helo", "helo.pass.test",
                "rcpt", "bob@receiver.test"));
            String smtpReply;
            try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), CLIENT)) {
                smtp.command("EHLO helo.pass.test");
                smtp.command("MAIL FROM:<mallory@fail.test>");
                smtpReply = smtp.command("RCPT TO:<bob@receiver.test>");
            }
            assertThat(fail.get("reply").asText()).isEqualTo(smtpReply).isEqualTo(FAIL_REPLY);
            assertThat(fail.get("policy").get("name").asText()).isEqualTo("default");
            assertThat(fail.get("exemption").isNull()).isTrue();
            assertThat(fail.get("decision").get("action").asText()).isEqualTo("reject");
            assertThat(fail.get("decision").get("decidingIdentity").asText()).isEqualTo("mailfrom");
            assertThat(fail.get("decision").get("decidingTerm").asText()).isEqualTo("-all");
            JsonNode checks = fail.get("checks");
            assertThat(checks).hasSize(2);
            assertThat(checks.get(0).get("identity").asText()).isEqualTo("helo");
            assertThat(checks.get(0).get("result").asText()).isEqualTo("pass");
            JsonNode mailFrom = checks.get(1);
            assertThat(mailFrom.get("result").asText()).isEqualTo("fail");
            assertThat(mailFrom.get("dnsLookups").asInt()).isZero();
            assertThat(mailFrom.get("voidLookups").asInt()).isZero();
            assertThat(mailFrom.get("dnsQueries").asInt()).isEqualTo(2);
            assertThat(mailFrom.get("explanation").asText()).isEqualTo("192.0.2.10 is not one of fail.test's designated mail servers");
            List<String> queries = new ArrayList<>();
            for (JsonNode q : mailFrom.get("dns")) {
                queries.add(q.get("type").asText() + " " + q.get("name").asText() + " " + q.get("answer").asText() + " " + q.get("records"));
            }
            assertThat(queries).containsExactly(
                "TXT fail.test RECORDS [\"v=spf1 ip4:198.51.100.0/24 -all exp=why.fail.test\"]",
                "TXT why.fail.test RECORDS [\"%{i} is not one of %{d}'s designated mail servers\"]");
            assertThat(fail.get("headers")).isEmpty();

            // an accepted transaction: the route's headers are the ones on the delivered message
            JsonNode pass = explain(port, Map.of("ip", CLIENT, "sender", "alice@pass.test", "helo", "helo.pass.test"));
            assertThat(pass.get("reply").isNull()).isTrue();
            assertThat(pass.get("decision").get("action").asText()).isEqualTo("accept");
            String[] replies = SpfHookIT.transaction(james, CLIENT, "helo.pass.test", "alice@pass.test", "bob@receiver.test",
                SpfHookIT.message("explained-1"));
            assertThat(replies[2]).startsWith("250");
            List<String> delivered = SpfHookIT.headerLines(james.delivered("explained-1")).subList(0, 3);
            List<String> explained = new ArrayList<>();
            pass.get("headers").forEach(h -> explained.add(h.asText()));
            assertThat(explained).isEqualTo(delivered);
            HeaderGrammar.authenticationResults(explained.get(0));

            // the recipient's policy, dry-run and exemptions
            JsonNode dry = explain(port, Map.of("ip", CLIENT, "sender", "mallory@fail.test", "helo", "helo.pass.test", "rcpt", "dan@tag.test"));
            assertThat(dry.get("policy").get("name").asText()).isEqualTo("tag.test");
            assertThat(dry.get("policy").get("dryRun").asBoolean()).isTrue();
            assertThat(dry.get("reply").isNull()).isTrue();
            assertThat(dry.get("wouldHaveReplied").asText()).isEqualTo(FAIL_REPLY);
            assertThat(dry.get("headers").get(0).asText()).contains("(dry-run: would have refused: " + FAIL_REPLY + ")");
            JsonNode exempt = explain(port, Map.of("ip", CLIENT, "sender", "mallory@fail.test", "rcpt", "postmaster@strict.test"));
            assertThat(exempt.get("exemption").get("kind").asText()).isEqualTo("exempt-recipient");
            assertThat(exempt.get("exemption").get("detail").asText()).contains("postmaster").contains("<exemptRecipients>");
            assertThat(exempt.get("reply").isNull()).isTrue();
            assertThat(exempt.get("checks")).as("no HELO given: MAIL FROM only").hasSize(1);

            // bad input: 400 naming the parameter
            HttpResponse<String> bad = get(port, "/spf/explain?ip=999.1.1.1&sender=a@b.test");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).get("message").asText()).startsWith("ip: '999.1.1.1' is not an IPv4 or IPv6 address");
            assertThat(get(port, "/spf/explain?sender=a@b.test").statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(get(port, "/spf/explain?ip=192.0.2.1&sender=a@@b").body()).get("message").asText())
                .startsWith("sender: 'a@@b' is not a mail address");
        }
        // explaining is not checking: only the two SMTP transactions were counted
        assertThat(metrics.countFor("spf.decision.mailfrom.fail.reject")).isEqualTo(1);
        assertThat(metrics.countFor("spf.decision.mailfrom.pass.accept")).isEqualTo(1);
    }

    @Test
    @DisplayName("James's /metrics route shows the plugin's counters, timers and the DNS-queries-per-check histogram after known traffic")
    void metricsEndpoint(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = JamesTestServer.start(dir, handler(), Map.of(),
            Map.of("webadmin.properties", JamesTestServer.WEBADMIN_WITH_SPF))) {
            assertThat(SpfHookIT.transaction(james, CLIENT, "helo.pass.test", "alice@pass.test", "bob@receiver.test",
                SpfHookIT.message("m-1"))[2]).startsWith("250");
            assertThat(SpfHookIT.transaction(james, CLIENT, "helo.pass.test", "mallory@fail.test", "bob@receiver.test", "")[1])
                .isEqualTo(FAIL_REPLY);
            String metrics = get(james.webAdminPort(), "/metrics").body();
            assertThat(metricLine(metrics, "spf_decision_mailfrom_pass_accept_total ")).isEqualTo("1.0");
            assertThat(metricLine(metrics, "spf_decision_mailfrom_fail_reject_total ")).isEqualTo("1.0");
            assertThat(metricLine(metrics, "spf_checks_total ")).isEqualTo("3.0");
            // helo.pass.test (1 TXT), pass.test (1 TXT), fail.test (TXT and the exp TXT)
            assertThat(metricLine(metrics, "spf_dns_queries_total ")).isEqualTo("4.0");
            assertThat(metricLine(metrics, "spf_dns_queriesPerCheck_count ")).isEqualTo("3.0");
            assertThat(metricLine(metrics, "spf_dns_queriesPerCheck{quantile=\"0.99\",} ")).isEqualTo("2.0");
            assertThat(metricLine(metrics, "spf_check_time_count ")).isEqualTo("3.0");
            // a check whose answers the resolver has cached is done before RCPT: then nothing is answered "in time"
            assertThat(counter(metrics, "spf_pending_ready_total ") + counter(metrics, "spf_pending_answeredInTime_total "))
                .as("HELO and MAIL FROM, twice").isEqualTo(4);
            assertThat(metricLine(metrics, "spf_enforcement_wait_count ")).isEqualTo("2.0");
        }
    }

    /** A counter's value; 0 when James has not created it yet (it never counted). */
    private static int counter(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).trim().replace(".0", ""))
            .mapToInt(Integer::parseInt).findFirst().orElse(0);
    }

    /** The value of the Prometheus sample line starting with {@code prefix}. */
    private static String metricLine(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).trim()).findFirst()
            .orElseThrow(() -> new AssertionError("no metric " + prefix + " in\n" + metrics));
    }

    private static JsonNode explain(int port, Map<String, String> params) throws Exception {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String> p : params.entrySet()) {
            query.append(query.length() == 0 ? "?" : "&").append(p.getKey()).append('=')
                .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = get(port, "/spf/explain" + query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
