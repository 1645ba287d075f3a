package org.jamesspf.dns.dnsjava;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The UDP sockets {@link NioTransport} sends on: a fixed pool shared by the queries in flight, so
 * ten thousand queries are not ten thousand file descriptors. A query goes out on a socket picked at
 * random, with a random ID unique on that socket; a socket is replaced (a new random source port
 * from the OS) after {@value #QUERIES_PER_SOCKET} queries, so source ports keep changing (RFC 5452
 * 9.2). At most twice the pool's size are open: a replaced socket is closed once its last query is
 * answered or timed out. Selector thread only.
 */
final class UdpSockets {
    /** Queries one UDP socket carries before it is replaced (a new source port). */
    static final int QUERIES_PER_SOCKET = 256;
    private static final int SOCKET_BUFFER = 256 * 1024;
    private static final int MAX_UDP_ANSWER = 65535;

    /** One UDP socket and the queries in flight on it, by ID. */
    static final class Socket {
        final DatagramChannel channel;
        final Map<Integer, Attempt> inFlight = new HashMap<>();
        int sent;

        Socket(DatagramChannel channel) {
            this.channel = channel;
        }
    }

    private final Selector selector;
    private final SecureRandom random;
    /** The sockets new queries go out on. */
    private final Socket[] pool;
    /** Replaced sockets still waiting for answers. */
    private final Set<Socket> retiring = new HashSet<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_UDP_ANSWER);

    UdpSockets(int size, Selector selector, SecureRandom random) {
        this.pool = new Socket[size];
        this.selector = selector;
        this.random = random;
    }

    /**
     * Puts {@code a} in flight on a socket of the pool under a fresh random ID, and returns the
     * socket. A socket that has carried its share of queries is replaced first, unless as many are
     * still closing.
     */
    Socket take(Attempt a) throws IOException {
        Socket socket = forNextQuery();
        int id;
        do {
            id = random.nextInt(0x10000);
        } while (socket.inFlight.containsKey(id));
        a.socket = socket;
        a.id = id;
        socket.inFlight.put(id, a);
        socket.sent++;
        return socket;
    }

    /** Takes {@code a} off its socket, closing a replaced socket left idle. */
    void release(Attempt a) {
        Socket socket = a.socket;
        socket.inFlight.remove(a.id);
        if (socket.inFlight.isEmpty() && retiring.contains(socket)) {
            close(socket);
        }
    }

    /**
     * Reads what has come on {@code socket}, handing each datagram that carries the ID of a query
     * in flight on it and comes from the server that query was sent to (RFC 5452 9.1) to
     * {@code answer}; anything else is dropped.
     */
    void receive(Socket socket, BiConsumer<Attempt, byte[]> answer) {
        while (true) {
            buffer.clear();
            SocketAddress from;
            try {
                from = socket.channel.receive(buffer);
            } catch (IOException e) {
                return; // an ICMP error from some earlier send: the attempts concerned time out
            }
            if (from == null) {
                return;
            }
            buffer.flip();
            if (buffer.remaining() < 2) {
                continue;
            }
            Attempt a = socket.inFlight.get(buffer.getShort(0) & 0xFFFF);
            if (a != null && a.server.equals(from)) {
                byte[] wire = new byte[buffer.remaining()];
                buffer.get(wire);
                answer.accept(a, wire);
            }
        }
    }

    private Socket forNextQuery() throws IOException {
        int slot = random.nextInt(pool.length);
        Socket socket = pool[slot];
        if (socket != null && socket.sent >= QUERIES_PER_SOCKET && retiring.size() < pool.length) {
            if (socket.inFlight.isEmpty()) {
                close(socket);
            } else {
                retiring.add(socket);
            }
            socket = null;
        }
        if (socket == null) {
            socket = open();
            pool[slot] = socket;
        }
        return socket;
    }

    private Socket open() throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            // port 0: the OS picks a random ephemeral port
            channel.bind(null);
            Socket socket = new Socket(channel);
            channel.register(selector, SelectionKey.OP_READ, socket);
            return socket;
        } catch (IOException e) {
            channel.close();
            throw new NioTransport.LocalFailure("cannot open a UDP socket: " + e.getMessage());
        }
    }

    private void close(Socket socket) {
        retiring.remove(socket);
        try {
            socket.channel.close();
        } catch (IOException e) {
            // a socket we no longer need: nothing to recover
        }
    }

    /** Closes every socket, in the pool or retiring. */
    void closeAll() {
        for (Socket socket : pool) {
            if (socket != null) {
                close(socket);
            }
        }
        for (Socket socket : Set.copyOf(retiring)) {
            close(socket);
        }
    }
}
