package org.jamesspf.james;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.EngineThreads;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.TraceEvent;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.SpfDns;

/**
 * What the running hook would do with one transaction, step by step: the explain route's
 * answer. It runs the real checks through the hook's own resolver (James's DNS, the fail-fast
 * memory included) and its live configuration, but beside the SMTP path: no kept outcome is
 * used or stored, no check budget spent, no metric counted. The result is a tree of maps and
 * lists, ready for JSON.
 */
final class Explainer {
    private final SpfHookConfig config;
    private final SpfDns dns;
    private final EngineThreads threads;
    private final Supplier<String> receiver;

    /**
     * @param dns      the resolver the hook's checks use
     * @param threads  the hook's engine threads
     * @param receiver the receiver name the hook writes (authserv-id or James's hello name)
     */
    Explainer(SpfHookConfig config, SpfDns dns, EngineThreads threads, Supplier<String> receiver) {
        this.config = Objects.requireNonNull(config, "config");
        this.dns = Objects.requireNonNull(dns, "dns");
        this.threads = Objects.requireNonNull(threads, "threads");
        this.receiver = Objects.requireNonNull(receiver, "receiver");
    }

    /**
     * @param sender the MAIL FROM address, empty for the null sender
     * @param rcpt   a recipient, to pick its domain's policy and see its exemption; empty: the default policy
     * @throws IllegalArgumentException naming the parameter at fault
     */
    Map<String, Object> explain(String ipText, String sender, String helo, Optional<String> rcpt) {
        IpAddress ip = IpAddress.parseOrNull(ipText);
        if (ip == null) {
            throw new IllegalArgumentException("ip: '" + Sanitizer.log(ipText) + "' is not an IPv4 or IPv6 address");
        }
        ip = ip.unmapped();
        MaybeSender maybeSender;
        try {
            maybeSender = sender.isEmpty() ? MaybeSender.nullSender() : MaybeSender.of(new MailAddress(sender));
        } catch (javax.mail.internet.AddressException e) {
            throw new IllegalArgumentException("sender: '" + Sanitizer.log(sender) + "' is not a mail address (" + e.getMessage() + ")");
        }
        // the sender as SMTP checks it: James's parsed address, not the text given
        String checkedSender = maybeSender.isNullSender() ? "" : maybeSender.asString();
        // RFC 5321 4.1.1.1: a HELO argument is a domain or an address literal, one word of printable ASCII
        if (helo.length() > 255 || !helo.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException("helo: '" + Sanitizer.log(helo) + "' is not a HELO name (one word of printable ASCII,"
                + " at most 255 characters)");
        }
        MailAddress recipient = null;
        if (rcpt.isPresent()) {
            try {
                recipient = new MailAddress(rcpt.get());
            } catch (javax.mail.internet.AddressException e) {
                throw new IllegalArgumentException("rcpt: '" + Sanitizer.log(rcpt.get()) + "' is not a mail address (" + e.getMessage() + ")");
            }
        }
        String receiverName = receiver.get();
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("ip", ip.toString());
        input.put("sender", checkedSender);
        input.put("helo", helo);
        input.put("rcpt", recipient == null ? null : recipient.asString());
        input.put("receiver", receiverName);
        json.put("input", input);

        RecipientPolicy policy = recipient == null ? config.defaultPolicy() : config.policyFor(recipient.getDomain().asString());
        Map<String, Object> policyJson = new LinkedHashMap<>();
        policyJson.put("name", policy.name());
        policyJson.put("enforceAt", Ascii.toLowerCase(policy.enforceAt().name()));
        policyJson.put("dryRun", policy.dryRun());
        json.put("policy", policyJson);

        // SMTP AUTH and James's <authorizedAddresses> belong to a session: not judged here.
        Optional<Exemptions.Exemption> immediate = new Exemptions(config).immediate(false, false, ip, maybeSender);
        boolean exemptRecipient = recipient != null && policy.enforceAt() == SpfHookConfig.EnforceAt.RCPT
            && config.exemptRecipients().contains(Ascii.toLowerCase(recipient.getLocalPart()));
        // keys in the order shown (values set below)
        json.put("exemption", null);
        json.put("notJudged", "SMTP AUTH (<skip><authenticated>) and James's <authorizedAddresses> (<skip><relayingAllowed>)"
            + " are properties of a session");
        json.put("exemptionChecks", List.of());
        json.put("gateway", config.gateways().contains(ip) ? ip + " is in <gateways><networks>: its messages are checked at the end"
            + " of DATA, of the client its Received field names (give that client's address and HELO here)" : null);
        CheckRequest subject = CheckRequest.mailFrom(ip, checkedSender, helo, receiverName);
        if (immediate.isPresent()) {
            json.put("exemption", exemptionJson(immediate.get()));
            json.put("checks", List.of());
            json.put("decision", Map.of("action", "accept", "why", "exempt: " + immediate.get()));
            json.put("reply", null);
            json.put("headers", MessageDecorator.headerLines(Verdict.exempt(immediate.get(), subject), config, receiverName,
                Optional.empty()));
            return json;
        }

        // the checks and the verifications of claimed exemptions, all at once, holding no thread while
        // they wait for DNS; the caller's thread waits at most the time budget and a second (a check
        // ends at its budget anyway)
        List<CheckRequest> requests = TransactionChecker.requests(config, ip, helo, checkedSender, receiverName);
        List<Exemptions.Candidate> candidates = new Exemptions(config).candidates(ip, helo, receiverName);
        List<CheckRequest> all = new ArrayList<>(requests);
        for (Exemptions.Candidate c : candidates) {
            all.add(c.request);
        }
        List<RecordingDns> recordings = new ArrayList<>();
        List<CompletableFuture<CheckOutcome>> running = new ArrayList<>();
        for (CheckRequest request : all) {
            RecordingDns recording = new RecordingDns(dns);
            SpfChecker checker = SpfChecker.builder(recording).limits(config.limits()).defaultExplanation(config.defaultExplanation())
                .threads(threads).tracing(true).build();
            recordings.add(recording);
            running.add(checker.checkHostAsync(request).toCompletableFuture());
        }
        List<CheckOutcome> done = new ArrayList<>();
        long deadline = System.nanoTime() + hardTimeout().toNanos();
        for (CompletableFuture<CheckOutcome> future : running) {
            try {
                done.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                throw new TimedOut("the checks did not end within " + hardTimeout().toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TimedOut("interrupted");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException ? (RuntimeException) cause : new IllegalStateException(cause);
            }
        }
        List<Map<String, Object>> checks = new ArrayList<>();
        List<CheckOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            outcomes.add(done.get(i));
            checks.add(check(done.get(i), recordings.get(i)));
        }
        json.put("checks", checks);
        // a claimed exemption holds when one of its checks passes (the first in order, as the hook takes them)
        List<Map<String, Object>> exemptionChecks = new ArrayList<>();
        Exemptions.Exemption verified = null;
        for (int i = 0; i < candidates.size(); i++) {
            CheckOutcome o = done.get(requests.size() + i);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("exemption", candidates.get(i).kind.token());
            c.put("claim", candidates.get(i).detail);
            c.put("localPolicy", o.request().localPolicy().orElse(null));
            c.put("verified", o.result() == org.jamesspf.spf.SpfResult.PASS);
            c.put("check", check(o, recordings.get(requests.size() + i)));
            exemptionChecks.add(c);
            if (verified == null && o.result() == org.jamesspf.spf.SpfResult.PASS) {
                verified = candidates.get(i).exemption();
            }
        }
        json.put("exemptionChecks", exemptionChecks);
        if (verified != null) {
            json.put("exemption", exemptionJson(verified));
            json.put("decision", Map.of("action", "accept", "why", "exempt: " + verified));
            json.put("reply", null);
            json.put("headers", MessageDecorator.headerLines(Verdict.exempt(verified, subject), config, receiverName, Optional.empty()));
            return json;
        }
        json.put("exemption", exemptRecipient ? Map.of("kind", "exempt-recipient", "detail", "recipient " + recipient.getLocalPart()
            + " is in <exemptRecipients>: never refused") : null);

        Verdict verdict = Verdict.of(outcomes);
        Verdict.Decision decision = verdict.under(policy.actions());
        Map<String, Object> decisionJson = new LinkedHashMap<>();
        decisionJson.put("action", decision.action().token());
        decisionJson.put("decidingIdentity", decision.deciding().map(o -> o.request().identity().token()).orElse(null));
        decisionJson.put("decidingResult", decision.deciding().map(o -> o.result().token()).orElse(null));
        decisionJson.put("decidingTerm", decision.deciding().map(CheckOutcome::term).orElse(null));
        decisionJson.put("enforcedAt", Ascii.toLowerCase(policy.enforceAt().name()));
        json.put("decision", decisionJson);

        HookResult refusal = SpfHook.refusal(decision);
        String reply = refusal == HookResult.DECLINED ? null : refusal.getSmtpRetCode() + " " + refusal.getSmtpDescription();
        boolean refused = reply != null && !policy.dryRun() && !exemptRecipient;
        json.put("reply", refused ? reply : null);
        json.put("wouldHaveReplied", reply != null && policy.dryRun() && !exemptRecipient ? reply : null);
        Optional<String> wouldHave = policy.dryRun() && reply != null && !exemptRecipient ? Optional.of(reply) : Optional.empty();
        json.put("headers", refused ? List.of() : MessageDecorator.headerLines(verdict, config, receiverName, wouldHave));
        return json;
    }

    private static Map<String, Object> exemptionJson(Exemptions.Exemption e) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", e.kind.token());
        json.put("detail", e.detail);
        return json;
    }

    /** The longest the route waits for both checks: their time budget, and a second. */
    Duration hardTimeout() {
        return config.limits().timeBudget().plusSeconds(1);
    }

    /** The checks did not end within {@link #hardTimeout()}: the route answers 504. */
    static final class TimedOut extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TimedOut(String message) {
            super(message);
        }
    }

    private static Map<String, Object> check(CheckOutcome o, RecordingDns recording) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("identity", o.request().identity().token());
        check.put("domain", o.domain());
        check.put("result", o.result().token());
        check.put("reason", o.reason().name());
        check.put("term", o.term());
        check.put("problem", o.problem());
        check.put("explanation", o.explanation());
        check.put("dnsLookups", o.dnsLookups());
        check.put("voidLookups", o.voidLookups());
        check.put("dnsQueries", o.dnsQueries());
        check.put("ms", o.elapsedNanos() / 1_000_000.0);
        check.put("dns", recording.entries());
        List<String> trace = new ArrayList<>();
        for (TraceEvent e : o.trace()) {
            trace.add(e.toString());
        }
        check.put("trace", trace);
        return check;
    }

    /** The resolver, with each query and its answer written down in the order sent. */
    private static final class RecordingDns implements SpfDns {
        /** One query sent: what, when, and its answer once there. */
        private static final class Query {
            final String type;
            final String name;
            final long sentNanos;
            final CompletableFuture<? extends DnsAnswer<?>> answer;
            volatile long answeredNanos;

            Query(String type, String name, long sentNanos, CompletableFuture<? extends DnsAnswer<?>> answer) {
                this.type = type;
                this.name = name;
                this.sentNanos = sentNanos;
                this.answer = answer;
            }
        }

        private final SpfDns dns;
        private final List<Query> queries = new ArrayList<>();
        private final long started = System.nanoTime();

        RecordingDns(SpfDns dns) {
            this.dns = dns;
        }

        private <T> CompletionStage<DnsAnswer<T>> record(String type, String name, CompletionStage<DnsAnswer<T>> stage) {
            CompletableFuture<DnsAnswer<T>> future = stage.toCompletableFuture();
            Query query = new Query(type, name, System.nanoTime(), future);
            synchronized (this) {
                queries.add(query);
            }
            // the timestamp is set before the engine's own callbacks run on this future
            return future.whenComplete((a, e) -> query.answeredNanos = System.nanoTime());
        }

        synchronized List<Map<String, Object>> entries() {
            List<Map<String, Object>> entries = new ArrayList<>();
            for (Query q : queries) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("type", q.type);
                entry.put("name", q.name);
                entry.put("sentAtMs", (q.sentNanos - started) / 1_000_000.0);
                DnsAnswer<?> answer = q.answer.isDone() && !q.answer.isCompletedExceptionally() ? q.answer.join() : null;
                if (answer == null) {
                    entry.put("answer", "NONE");
                    entry.put("detail", "no answer before the check ended");
                } else {
                    entry.put("answer", answer.kind().name());
                    List<String> records = new ArrayList<>();
                    for (Object r : answer.records()) {
                        records.add(r.toString());
                    }
                    entry.put("records", records);
                    if (answer.kind() == DnsAnswer.Kind.TEMPFAIL) {
                        entry.put("detail", answer.detail());
                    }
                    entry.put("ms", Math.max(0, q.answeredNanos - q.sentNanos) / 1_000_000.0);
                }
                entries.add(entry);
            }
            return entries;
        }

        @Override
        public CompletionStage<DnsAnswer<String>> txt(String name) {
            return record("TXT", name, dns.txt(name));
        }

        @Override
        public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
            return record("A", name, dns.a(name));
        }

        @Override
        public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
            return record("AAAA", name, dns.aaaa(name));
        }

        @Override
        public CompletionStage<DnsAnswer<String>> mx(String name) {
            return record("MX", name, dns.mx(name));
        }

        @Override
        public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
            return record("PTR", address.toString(), dns.ptr(address));
        }
    }
}
