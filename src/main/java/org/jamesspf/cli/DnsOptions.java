package org.jamesspf.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jamesspf.dns.dnsjava.LookupSessionSpfDns;
import org.jamesspf.dns.dnsjava.ZoneFiles;
import org.jamesspf.spf.Limits;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.dns.SpfDns;
import picocli.CommandLine.Option;

/** DNS and engine options shared by every command. */
final class DnsOptions {
    @Option(names = "--dns-server", paramLabel = "HOST[:PORT]",
        description = "DNS server to query (repeatable; IPv6 as [addr]:port). Default: the system resolver.")
    List<String> servers = new ArrayList<>();

    @Option(names = "--dns-timeout-ms", paramLabel = "N", defaultValue = "5000",
        description = "Timeout of one DNS query in milliseconds (default: ${DEFAULT-VALUE}).")
    int timeoutMs;

    @Option(names = "--time-budget-ms", paramLabel = "N", defaultValue = "20000",
        description = "Time for a whole check in milliseconds (RFC 7208 4.6.4; default: ${DEFAULT-VALUE}).")
    int budgetMs;

    @Option(names = "--zone", paramLabel = "FILE",
        description = "Answer from this BIND-syntax zone file instead of the network.")
    Path zone;

    @Option(names = "--max-void-lookups", paramLabel = "N", defaultValue = "2",
        description = "RFC 7208 4.6.4 void lookup limit (default: ${DEFAULT-VALUE}).")
    int maxVoidLookups;

    @Option(names = "--default-explanation", paramLabel = "TEXT", defaultValue = SpfChecker.DEFAULT_EXPLANATION,
        description = "Explanation on fail without an exp record (macros allowed; default: '${DEFAULT-VALUE}').")
    String defaultExplanation;

    private LookupSessionSpfDns network;

    SpfDns dns() throws IOException {
        if (zone != null) {
            if (!servers.isEmpty()) {
                throw new IllegalArgumentException("--zone and --dns-server exclude each other");
            }
            return ZoneFiles.load(zone);
        }
        Duration timeout = Duration.ofMillis(positive(timeoutMs, "--dns-timeout-ms"));
        network = servers.isEmpty() ? LookupSessionSpfDns.usingDnsjavaDefaults(timeout)
            : LookupSessionSpfDns.forServers(servers, timeout, true);
        return network;
    }

    /** Stops the DNS transport's thread, if a network resolver was made. */
    void close() {
        if (network != null) {
            network.close();
        }
    }

    SpfChecker checker() throws IOException {
        if (maxVoidLookups < 0) {
            throw new IllegalArgumentException("--max-void-lookups must not be negative");
        }
        Limits limits = Limits.of(Limits.DEFAULT_DNS_TERMS, maxVoidLookups, Duration.ofMillis(positive(budgetMs, "--time-budget-ms")));
        return SpfChecker.builder(dns()).limits(limits).defaultExplanation(defaultExplanation).build();
    }

    private static int positive(int value, String option) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1");
        }
        return value;
    }
}
