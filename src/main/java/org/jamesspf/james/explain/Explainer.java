package org.jamesspf.james.explain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.mail.internet.AddressException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.jamesspf.james.checks.ExemptionClaims;
import org.jamesspf.james.checks.SpfChecks;
import org.jamesspf.james.config.SpfHookConfig;
import org.jamesspf.james.message.VerdictHeaders;
import org.jamesspf.james.policy.Enforcement;
import org.jamesspf.james.policy.Exemption;
import org.jamesspf.james.policy.RecipientPolicy;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.james.text.Sanitizer;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.EngineThreads;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.SpfResult;
import org.jamesspf.spf.dns.SpfDns;

/**
 * What the running hook would do with one transaction, step by step: the explain route's
 * answer. It runs the real checks through the hook's own resolver (James's DNS, the fail-fast
 * memory included) and its live configuration, but beside the SMTP path: no kept outcome is
 * used or stored, no check budget spent, no metric counted. The decision is the hook's own
 * ({@link Enforcement}), the headers too ({@link VerdictHeaders}); the answer is a tree of maps and
 * lists ({@link ExplainJson}), ready for JSON.
 */
public final class Explainer {
    private final SpfHookConfig config;
    private final SpfDns dns;
    private final EngineThreads threads;
    private final Supplier<String> receiver;

    /**
     * @param dns      the resolver the hook's checks use
     * @param threads  the hook's engine threads
     * @param receiver the receiver name the hook writes (authserv-id or James's hello name)
     */
    public Explainer(SpfHookConfig config, SpfDns dns, EngineThreads threads, Supplier<String> receiver) {
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
        } catch (AddressException e) {
            throw new IllegalArgumentException("sender: '" + Sanitizer.log(sender) + "' is not a mail address (" + e.getMessage() + ")");
        }
        // RFC 5321 4.1.1.1: a HELO argument is a domain or an address literal, one word of printable ASCII
        if (helo.length() > 255 || !helo.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException("helo: '" + Sanitizer.log(helo) + "' is not a HELO name (one word of printable ASCII,"
                + " at most 255 characters)");
        }
        MailAddress recipient = null;
        if (rcpt.isPresent()) {
            try {
                recipient = new MailAddress(rcpt.get());
            } catch (AddressException e) {
                throw new IllegalArgumentException("rcpt: '" + Sanitizer.log(rcpt.get()) + "' is not a mail address (" + e.getMessage() + ")");
            }
        }
        // the sender as SMTP checks it: James's parsed address, not the text given
        String checkedSender = maybeSender.isNullSender() ? "" : maybeSender.asString();
        String senderDomain = maybeSender.isNullSender() ? "" : maybeSender.get().getDomain().asString();
        return explain(ip, checkedSender, senderDomain, helo, recipient);
    }

    private Map<String, Object> explain(IpAddress ip, String sender, String senderDomain, String helo, MailAddress recipient) {
        String receiverName = receiver.get();
        RecipientPolicy policy = recipient == null ? config.defaultPolicy() : config.policyFor(recipient.getDomain().asString());
        Map<String, Object> json = ExplainJson.start(ip, sender, helo, recipient, receiverName, policy,
            config.gateways().contains(ip));
        CheckRequest subject = CheckRequest.mailFrom(ip, sender, helo, receiverName);
        // SMTP AUTH and James's <authorizedAddresses> belong to a session: not judged here.
        Optional<Exemption> immediate = config.exemptions().immediate(false, false, ip, senderDomain);
        if (immediate.isPresent()) {
            return ExplainJson.exempt(json, immediate.get(), headers(Verdict.exempt(immediate.get(), subject), receiverName, Optional.empty()));
        }

        // the checks and the verifications of claimed exemptions, all at once, holding no thread while
        // they wait for DNS; the caller's thread waits at most the time budget and a second (a check
        // ends at its budget anyway)
        List<CheckRequest> requests = SpfChecks.requests(config, ip, helo, sender, receiverName);
        List<ExemptionClaims.Claim> claims = new ExemptionClaims(config.exemptions()).of(ip, helo, receiverName);
        List<CheckRequest> all = new ArrayList<>(requests);
        claims.forEach(c -> all.add(c.request()));
        List<RecordingDns> recordings = new ArrayList<>();
        List<CheckOutcome> done = run(all, recordings);

        List<CheckOutcome> outcomes = done.subList(0, requests.size());
        List<Map<String, Object>> checks = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            checks.add(ExplainJson.check(done.get(i), recordings.get(i).entries()));
        }
        json.put("checks", checks);
        // a claimed exemption holds when one of its checks passes (the first in order, as the hook takes them)
        List<Map<String, Object>> claimsJson = new ArrayList<>();
        Exemption verified = null;
        for (int i = 0; i < claims.size(); i++) {
            CheckOutcome o = done.get(requests.size() + i);
            boolean passed = o.result() == SpfResult.PASS;
            claimsJson.add(ExplainJson.claim(claims.get(i), o, passed, recordings.get(requests.size() + i).entries()));
            if (verified == null && passed) {
                verified = claims.get(i).exemption();
            }
        }
        json.put("exemptionChecks", claimsJson);
        if (verified != null) {
            return ExplainJson.exempt(json, verified, headers(Verdict.exempt(verified, subject), receiverName, Optional.empty()));
        }
        boolean exemptRecipient = recipient != null && Enforcement.exemptRecipient(config.exemptRecipients(), policy,
            recipient.getLocalPart());
        if (exemptRecipient) {
            json.put("exemption", Map.of("kind", "exempt-recipient", "detail", "recipient " + recipient.getLocalPart()
                + " is in <exemptRecipients>: never refused"));
        }
        Verdict verdict = Verdict.of(outcomes);
        Enforcement.Outcome enforced = Enforcement.at(verdict, policy, exemptRecipient);
        json.put("decision", ExplainJson.decision(enforced.decision(), policy));
        json.put("reply", enforced.reply().map(Enforcement.Reply::toString).orElse(null));
        json.put("wouldHaveReplied", enforced.wouldHave().map(Enforcement.Reply::toString).orElse(null));
        json.put("headers", enforced.reply().isPresent() ? List.of()
            : headers(verdict, receiverName, enforced.wouldHave().map(Enforcement.Reply::toString)));
        return json;
    }

    private List<String> headers(Verdict verdict, String receiverName, Optional<String> wouldHave) {
        return VerdictHeaders.lines(verdict, config, receiverName, wouldHave);
    }

    /** Runs every request at once, each through its own recording of the resolver; waits for all within {@link #hardTimeout}. */
    private List<CheckOutcome> run(List<CheckRequest> requests, List<RecordingDns> recordings) {
        List<CompletableFuture<CheckOutcome>> running = new ArrayList<>();
        for (CheckRequest request : requests) {
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
        return done;
    }

    /** The longest the route waits for its checks: their time budget, and a second. */
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
}
