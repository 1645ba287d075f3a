package org.jamesspf.james.policy;

import java.util.Objects;
import java.util.Optional;
import org.jamesspf.spf.IpAddress;

/**
 * For a message a trusted gateway relayed: the client the gateway recorded in its Received field
 * (its address and the HELO it gave), whose SPF counts; or why no client could be trusted.
 */
public final class GatewayOrigin {
    private final IpAddress client;
    private final String helo;
    private final String why;
    private final IpAddress gateway;

    private GatewayOrigin(IpAddress client, String helo, String why, IpAddress gateway) {
        this.client = client;
        this.helo = helo;
        this.why = why;
        this.gateway = Objects.requireNonNull(gateway, "gateway");
    }

    /** The client {@code gateway} (the last listed hop) recorded. */
    public static GatewayOrigin read(IpAddress client, String helo, IpAddress gateway) {
        return new GatewayOrigin(Objects.requireNonNull(client, "client"), Objects.requireNonNull(helo, "helo"), "", gateway);
    }

    /** No client can be trusted; {@code gateway} is the last gateway whose field was read. */
    public static GatewayOrigin unreadable(String why, IpAddress gateway) {
        return new GatewayOrigin(null, "", Objects.requireNonNull(why, "why"), gateway);
    }

    /** The original client's address, when one was read. */
    public Optional<IpAddress> client() {
        return Optional.ofNullable(client);
    }

    /** The HELO name the original client gave ("" when none was read). */
    public String helo() {
        return helo;
    }

    /** Why no client could be read ("" when one was). */
    public String why() {
        return why;
    }

    /** The gateway that recorded the client (or whose field could not be read). */
    public IpAddress gateway() {
        return gateway;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GatewayOrigin)) {
            return false;
        }
        GatewayOrigin g = (GatewayOrigin) o;
        return Objects.equals(client, g.client) && helo.equals(g.helo) && why.equals(g.why) && gateway.equals(g.gateway);
    }

    @Override
    public int hashCode() {
        return Objects.hash(client, helo, why, gateway);
    }

    @Override
    public String toString() {
        return client != null ? client + " (HELO " + helo + ") via gateway " + gateway : "unreadable via gateway " + gateway + ": " + why;
    }
}
