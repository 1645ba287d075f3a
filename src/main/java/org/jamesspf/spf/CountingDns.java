package org.jamesspf.spf;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.SpfDns;

/**
 * One evaluation's view of the resolver, counting the queries it sends (fetch-ahead's included;
 * they may be sent from DNS callback threads, hence atomic). Itself the counter: one allocation per check.
 */
@SuppressWarnings("serial") // never serialised
final class CountingDns extends AtomicInteger implements SpfDns {
    private final transient SpfDns dns;

    CountingDns(SpfDns dns) {
        this.dns = dns;
    }

    @Override
    public CompletionStage<DnsAnswer<String>> txt(String name) {
        incrementAndGet();
        return dns.txt(name);
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
        incrementAndGet();
        return dns.a(name);
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
        incrementAndGet();
        return dns.aaaa(name);
    }

    @Override
    public CompletionStage<DnsAnswer<String>> mx(String name) {
        incrementAndGet();
        return dns.mx(name);
    }

    @Override
    public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
        incrementAndGet();
        return dns.ptr(address);
    }

    /** The resolver's speculative view, counted with this evaluation's queries. */
    @Override
    public SpfDns speculative() {
        SpfDns view = dns.speculative();
        if (view == dns) {
            return this;
        }
        CountingDns outer = this;
        return new SpfDns() {
            @Override
            public CompletionStage<DnsAnswer<String>> txt(String name) {
                outer.incrementAndGet();
                return view.txt(name);
            }

            @Override
            public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
                outer.incrementAndGet();
                return view.a(name);
            }

            @Override
            public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
                outer.incrementAndGet();
                return view.aaaa(name);
            }

            @Override
            public CompletionStage<DnsAnswer<String>> mx(String name) {
                outer.incrementAndGet();
                return view.mx(name);
            }

            @Override
            public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
                outer.incrementAndGet();
                return view.ptr(address);
            }
        };
    }
}
