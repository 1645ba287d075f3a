package org.jamesspf.james;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
    /** The client a gateway recorded: its address and the HELO name it gave. */
    static final class Client {
        final IpAddress ip;
        final String helo;
        /** The gateway that recorded it (the last listed hop). */
        final IpAddress gateway;

        Client(IpAddress ip, String helo, IpAddress gateway) {
            this.ip = Objects.requireNonNull(ip, "ip");
            this.helo = Objects.requireNonNull(helo, "helo");
            this.gateway = Objects.requireNonNull(gateway, "gateway");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Client && ((Client) o).ip.equals(ip) && ((Client) o).helo.equals(helo) && ((Client) o).gateway.equals(gateway);
        }

        @Override
        public int hashCode() {
            return Objects.hash(ip, helo, gateway);
        }

        @Override
        public String toString() {
            return ip + " (HELO " + helo + ") via gateway " + gateway;
        }
    }

    /** The client, or why none can be trusted (the configured unreadable action then applies). */
    static final class Result {
        private final Client client;
        private final String why;
        /** The gateway whose field was read last: the session's client, or a listed hop below it. */
        private final IpAddress gateway;

        private Result(Client client, String why, IpAddress gateway) {
            this.client = client;
            this.why = why;
            this.gateway = gateway;
        }

        static Result read(Client client) {
            return new Result(client, null, client.gateway);
        }

        static Result unreadable(String why, IpAddress gateway) {
            return new Result(null, why, gateway);
        }

        /** The last gateway hop: the one that recorded the client, or whose field could not be read. */
        IpAddress gateway() {
            return gateway;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result && Objects.equals(((Result) o).client, client) && Objects.equals(((Result) o).why, why)
                && ((Result) o).gateway.equals(gateway);
        }

        @Override
        public int hashCode() {
            return Objects.hash(client, why, gateway);
        }

        @Override
        public String toString() {
            return client != null ? client.toString() : "unreadable via gateway " + gateway + ": " + why;
        }

        Optional<Client> client() {
            return Optional.ofNullable(client);
        }

        /** Why no client could be read ("" when one was). */
        String why() {
            return why == null ? "" : why;
        }
    }

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
    Result client(List<String> received, IpAddress sessionClient) {
        if (received.isEmpty()) {
            return Result.unreadable("no Received field", sessionClient);
        }
        Optional<ReceivedField> ours = ReceivedField.parse(received.get(0));
        if (ours.isEmpty() || !ours.get().ip.equals(sessionClient)) {
            return Result.unreadable("the topmost Received field is not the one this server wrote for " + sessionClient, sessionClient);
        }
        IpAddress gateway = sessionClient;
        for (int i = 1; i < received.size(); i++) {
            if (i > MAX_HOPS) {
                return Result.unreadable("more than " + MAX_HOPS + " gateway hops", gateway);
            }
            Optional<ReceivedField> hop = ReceivedField.parse(received.get(i));
            if (hop.isEmpty()) {
                return Result.unreadable("the Received field added by gateway " + gateway + " cannot be read", gateway);
            }
            IpAddress from = hop.get().ip;
            if (isGateway(from)) {
                gateway = from;
                continue;
            }
            if (PRIVATE.contains(from)) {
                return Result.unreadable("gateway " + gateway + " recorded a private address, " + from, gateway);
            }
            return Result.read(new Client(from, hop.get().helo, gateway));
        }
        return Result.unreadable("no Received field below gateway " + gateway, gateway);
    }
}
