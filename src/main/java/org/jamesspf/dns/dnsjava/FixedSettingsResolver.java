package org.jamesspf.dns.dnsjava;

import java.time.Duration;
import java.util.List;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TSIG;

/**
 * A dnsjava {@link Resolver} whose settings are all fixed when it is built: servers, ports,
 * timeout, UDP first and TCP on truncation, no EDNS, no TSIG. Each setter says so rather than
 * being ignored.
 */
abstract class FixedSettingsResolver implements Resolver {
    @Override
    public void setPort(int port) {
        throw new UnsupportedOperationException("servers and ports are fixed at construction");
    }

    @Override
    public void setTCP(boolean flag) {
        throw new UnsupportedOperationException("UDP first, TCP on truncation");
    }

    @Override
    public void setIgnoreTruncation(boolean flag) {
        throw new UnsupportedOperationException("truncated answers are always asked again over TCP");
    }

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
        throw new UnsupportedOperationException("no EDNS: answers over 512 octets come over TCP");
    }

    @Override
    public void setTSIGKey(TSIG key) {
        throw new UnsupportedOperationException("no TSIG");
    }

    @Override
    public void setTimeout(Duration value) {
        throw new UnsupportedOperationException("the timeout is fixed at construction");
    }
}
