package org.jamesspf.spf;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.SpfDns;

/**
 * One evaluation's view of the resolver, counting the queries it sends (fetch-ahead's included;
 * they may be sent from DNS callback threads, hence atomic).
 */
final class CountingDns implements SpfDns {
    private final SpfDns dns;
    private final AtomicInteger sent;

    CountingDns(SpfDns dns) {
        this(dns, new AtomicInteger());
    }

    private CountingDns(SpfDns dns, AtomicInteger sent) {
        this.dns = dns;
        this.sent = sent;
    }

    @Override
    public CompletionStage<DnsAnswer<String>> txt(String name) {
        sent.incrementAndGet();
        return dns.txt(name);
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
        sent.incrementAndGet();
        return dns.a(name);
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
        sent.incrementAndGet();
        return dns.aaaa(name);
    }

    @Override
    public CompletionStage<DnsAnswer<String>> mx(String name) {
        sent.incrementAndGet();
        return dns.mx(name);
    }

    @Override
    public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
        sent.incrementAndGet();
        return dns.ptr(address);
    }

    /** The resolver's speculative view, counted with this evaluation's queries. */
    @Override
    public SpfDns speculative() {
        SpfDns view = dns.speculative();
        return view == dns ? this : new CountingDns(view, sent);
    }

    /** Queries sent so far, speculative ones included. */
    int sent() {
        return sent.get();
    }
}
