package org.jamesspf.dns.james;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.dnsservice.dnsjava.DNSJavaService;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.xbill.DNS.SimpleResolver;

/**
 * James's real DNSJavaService, configured as in dnsservice.xml, whose resolver is pointed at a
 * test DNS server on a loopback high port (its configuration only takes port 53).
 */
public final class TestDnsJavaService extends DNSJavaService {
    private TestDnsJavaService() {
        super(new RecordingMetricFactory());
    }

    public static TestDnsJavaService start(InetSocketAddress server, Duration timeout) throws Exception {
        TestDnsJavaService service = new TestDnsJavaService();
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("servers.server", "127.0.0.1");
        config.addProperty("autodiscover", false);
        config.addProperty("authoritative", false);
        config.addProperty("maxcachesize", 50000);
        // never touch dnsjava's process-wide defaults from a test
        config.addProperty("setAsDNSJavaDefault", false);
        service.configure(config);
        service.init();
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(timeout);
        service.resolver = resolver;
        return service;
    }

    /**
     * What DNSJavaService.init() does with setAsDNSJavaDefault=true (James's default): its resolver
     * and cache become dnsjava's defaults. Returns a runnable that puts the previous ones back.
     */
    public Runnable registerAsDnsjavaDefault() {
        org.xbill.DNS.Resolver previousResolver = org.xbill.DNS.Lookup.getDefaultResolver();
        org.xbill.DNS.Cache previousCache = org.xbill.DNS.Lookup.getDefaultCache(org.xbill.DNS.DClass.IN);
        org.xbill.DNS.Lookup.setDefaultResolver(resolver);
        org.xbill.DNS.Lookup.setDefaultCache(cache, org.xbill.DNS.DClass.IN);
        return () -> {
            org.xbill.DNS.Lookup.setDefaultResolver(previousResolver);
            org.xbill.DNS.Lookup.setDefaultCache(previousCache, org.xbill.DNS.DClass.IN);
        };
    }
}
