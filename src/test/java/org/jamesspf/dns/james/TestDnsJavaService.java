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
final class TestDnsJavaService extends DNSJavaService {
    private TestDnsJavaService() {
        super(new RecordingMetricFactory());
    }

    static TestDnsJavaService start(InetSocketAddress server, Duration timeout) throws Exception {
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
}
