package org.jamesspf.james.checks;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jamesspf.james.policy.GatewayOrigin;
import org.jamesspf.james.policy.NetworkList;
import org.jamesspf.spf.IpAddress;

/**
 * Who connected to whom, read from {@code Received} fields (RFC 5321 4.4): behind a trusted gateway,
 * the client whose SPF counts is the one the gateway recorded, not the gateway itself. Hops are read
 * from the top down: the topmost field is James's own (it names the gateway); each field below it was
 * added by the host named in the field above, and is trusted only while that host is a listed
 * gateway (as rspamd's {@code external_relay} reads them). Fields a client wrote below the last
 * gateway's are never read, so forging them changes nothing.
 */
final class ReceivedHops {
    /** Private, loopback, link-local and shared address space: never the Internet client. */
    private static final NetworkList PRIVATE = NetworkList.parse(List.of("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
        "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "::/128", "::1/128", "fc00::/7", "fe80::/10"));

    private final NetworkList gateways;

    ReceivedHops(NetworkList gateways) {
        this.gateways = Objects.requireNonNull(gateways, "gateways");
    }

    boolean isGateway(IpAddress ip) {
        return gateways.contains(ip);
    }

    /** Gateway hops read at most: a chain longer than this is not read. */
    static final int MAX_HOPS = 16;

    /**
     * The original client of a message that {@code sessionClient} (a listed gateway) delivered,
     * from its {@code Received} field values in header order (the topmost first, James's own).
     */
    GatewayOrigin client(List<String> received, IpAddress sessionClient) {
        if (received.isEmpty()) {
            return GatewayOrigin.unreadable("no Received field", sessionClient);
        }
        Optional<ReceivedField> ours = ReceivedField.parse(received.get(0));
        if (ours.isEmpty() || !ours.get().ip.equals(sessionClient)) {
            return GatewayOrigin.unreadable("the topmost Received field is not the one this server wrote for " + sessionClient, sessionClient);
        }
        IpAddress gateway = sessionClient;
        for (int i = 1; i < received.size(); i++) {
            if (i > MAX_HOPS) {
                return GatewayOrigin.unreadable("more than " + MAX_HOPS + " gateway hops", gateway);
            }
            Optional<ReceivedField> hop = ReceivedField.parse(received.get(i));
            if (hop.isEmpty()) {
                return GatewayOrigin.unreadable("the Received field added by gateway " + gateway + " cannot be read", gateway);
            }
            IpAddress from = hop.get().ip;
            if (isGateway(from)) {
                gateway = from;
                continue;
            }
            if (PRIVATE.contains(from)) {
                return GatewayOrigin.unreadable("gateway " + gateway + " recorded a private address, " + from, gateway);
            }
            return GatewayOrigin.read(from, hop.get().helo, gateway);
        }
        return GatewayOrigin.unreadable("no Received field below gateway " + gateway, gateway);
    }
}
