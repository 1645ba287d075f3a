package org.jamesspf.james.checks;

import java.util.List;
import java.util.Objects;
import org.apache.james.dnsservice.api.DNSService;
import org.jamesspf.dns.FailFastDns;
import org.jamesspf.dns.RegisteredDomains;
import org.jamesspf.james.config.SpfHookConfig;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.EngineThreads;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.dns.SpfDns;

/**
 * The running hook's checks: the engine's threads (evaluations and DNS answers run there, never a
 * thread per check or answer), the DNS path ({@link SpfDnsFactory}: where DNS is asked) behind the
 * fail-fast memory of timeouts, the scheduler with its shares, budgets and kept outcomes, and the
 * transactions' checks from HELO to their verdict. What the SMTP hook calls; {@link #close} releases
 * the threads.
 */
public final class SpfChecks implements AutoCloseable {
    private final EngineThreads threads;
    private final SpfDnsFactory.Choice dns;
    private final FailFastDns failFast;
    private final SpfMetrics metrics;
    private final TransactionChecks transactions;
    private final VerdictResolver verdicts;

    private SpfChecks(EngineThreads threads, SpfDnsFactory.Choice dns, FailFastDns failFast, SpfMetrics metrics,
                      TransactionChecks transactions, VerdictResolver verdicts) {
        this.threads = threads;
        this.dns = dns;
        this.failFast = failFast;
        this.metrics = metrics;
        this.transactions = transactions;
        this.verdicts = verdicts;
    }

    /** Starts the engine's threads and the DNS path chosen by {@code config} over James's {@code dnsService}. */
    public static SpfChecks start(SpfHookConfig config, DNSService dnsService, SpfMetrics metrics) {
        Objects.requireNonNull(metrics, "metrics");
        EngineThreads threads = EngineThreads.start("james-spf-check", config.checks().threads());
        SpfDnsFactory.Choice dns = SpfDnsFactory.choose(config, dnsService, threads.executor());
        // Load the Public Suffix List now, not on the first connection's I/O thread.
        RegisteredDomains.of("mail.example.com");
        // Timeouts (failures that took the query timeout) are remembered per name, then per registered domain.
        FailFastDns failFast = new FailFastDns(dns.dns, config.queryTimeout(), config.checks().dnsFailureTtl(), System::nanoTime);
        SpfChecker checker = SpfChecker.builder(failFast).limits(config.limits()).threads(threads)
            .defaultExplanation(config.defaultExplanation()).tracing(EvaluationLog.LOGGER.isDebugEnabled()).build();
        EvaluationLog log = new EvaluationLog(config);
        CheckScheduler scheduler = new CheckScheduler(checker, config.checks(), log::evaluated, System::nanoTime, metrics);
        return new SpfChecks(threads, dns, failFast, metrics, new TransactionChecks(config, scheduler, metrics),
            new VerdictResolver(config, scheduler, metrics, System::nanoTime));
    }

    /** At HELO: the HELO identity's check started (RFC 7208 2.3), so its DNS runs while the client goes on. */
    public void prefetchHelo(Transaction t) {
        transactions.prefetchHelo(t);
    }

    /** At MAIL FROM: the transaction's checks started, or its exemption, or (a trusted gateway's) nothing yet. Never waits. */
    public PendingChecks begin(Transaction t) {
        return transactions.begin(t);
    }

    /** At the end of DATA, for a trusted gateway's transaction: the checks of the client its Received fields name. */
    public PendingChecks atMessage(PendingChecks gatewayPending, List<String> received) {
        return transactions.atMessage(gatewayPending, received);
    }

    /** The verdict, waiting at most {@code maxWaitNanos} in all ({@link VerdictResolver}). */
    public Verdict resolve(PendingChecks pending, long maxWaitNanos) {
        return verdicts.resolve(pending, maxWaitNanos);
    }

    public SpfMetrics metrics() {
        return metrics;
    }

    /** The resolver as the explain route uses it: it reads what checks learnt of failing DNS and teaches them nothing. */
    public SpfDns explainDns() {
        return failFast.readOnly();
    }

    public EngineThreads threads() {
        return threads;
    }

    /** What the DNS path is, for the start-up line. */
    public String dnsDescription() {
        return dns.description;
    }

    /**
     * The identities a transaction checks, in order. RFC 7208 2.3: HELO when it is a fully
     * qualified domain name; 2.4: MAIL FROM, postmaster@HELO for the null sender ({@code sender} empty).
     */
    public static List<CheckRequest> requests(SpfHookConfig config, IpAddress ip, String helo, String sender, String receiver) {
        return TransactionChecks.requests(config, ip, helo, sender, receiver);
    }

    @Override
    public void close() {
        dns.close();
        threads.close();
    }
}
