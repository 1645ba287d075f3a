package org.jamesspf.spf.dns;

import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jamesspf.spf.IpAddress;

/**
 * A resolver for tests that passes every lookup of another through one method, {@link #around}:
 * to count, delay or record lookups without writing the five query methods each time.
 */
public abstract class ForwardingDns implements SpfDns {
    protected final SpfDns delegate;

    protected ForwardingDns(SpfDns delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Every lookup: {@code name} is the queried name (the reverse name for PTR); {@code lookup} asks the delegate. */
    protected abstract <T> CompletionStage<DnsAnswer<T>> around(String name, Supplier<CompletionStage<DnsAnswer<T>>> lookup);

    @Override
    public CompletionStage<DnsAnswer<String>> txt(String name) {
        return around(name, () -> delegate.txt(name));
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
        return around(name, () -> delegate.a(name));
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
        return around(name, () -> delegate.aaaa(name));
    }

    @Override
    public CompletionStage<DnsAnswer<String>> mx(String name) {
        return around(name, () -> delegate.mx(name));
    }

    @Override
    public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
        return around(address.reverseName(), () -> delegate.ptr(address));
    }
}
