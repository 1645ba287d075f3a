package org.jamesspf.dns.dnsjava;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * A dnsjava {@link Resolver} with its own non-blocking UDP and TCP transport and one selector
 * thread per instance. It exists because dnsjava 3.5.2's shared NIO client (the one James ships)
 * registers a new query's channel only when a {@code select(1000)} call returns no key, and opens
 * a socket per query. Here:
 * <ul>
 *   <li>Every loop of the selector starts what is queued.</li>
 *   <li>UDP queries share a fixed pool of sockets ({@code udpSockets}), so ten thousand queries in
 *       flight are not ten thousand file descriptors. Each query goes out on a socket picked at
 *       random, with a random ID unique on that socket; a socket is replaced by a new one (a new
 *       random source port from the OS) after {@value #QUERIES_PER_SOCKET} queries, so source
 *       ports keep changing (RFC 5452 9.2). At most twice {@code udpSockets} are open: a replaced
 *       socket is closed once its last query is answered or timed out.</li>
 *   <li>An answer is taken only from the server asked, with the query's ID and question (RFC 5452
 *       9.1); anything else is ignored.</li>
 *   <li>Servers are tried in order, each with the per-query timeout; a truncated UDP answer is
 *       asked again over TCP (RFC 7766), at most {@code udpSockets} TCP connections at once (the
 *       others wait their turn within their own timeout).</li>
 *   <li>An answer whose CNAMEs loop (a name that is its own alias, directly or through others in
 *       the same answer) is a server failure at once, not a chain of identical queries.</li>
 * </ul>
 * No thread ever blocks on a lookup; answers are handed to the caller's executor.
 */
public final class NioTransport implements Resolver, AutoCloseable {
    /** UDP sockets shared by the queries in flight, by default. */
    public static final int DEFAULT_UDP_SOCKETS = 64;
    /** Queries one UDP socket carries before it is replaced (a new source port). */
    static final int QUERIES_PER_SOCKET = 256;
    private static final int MAX_UDP_ANSWER = 65535;
    private static final int SOCKET_BUFFER = 256 * 1024;
    private static final long IDLE_SELECT_MILLIS = 1000;

    /** A failure of this transport itself (closed, out of sockets): no answer about the name. */
    public static final class LocalFailure extends IOException {
        private static final long serialVersionUID = 1L;

        LocalFailure(String message) {
            super(message);
        }
    }

    private final List<InetSocketAddress> servers;
    private final Duration timeout;
    private final int udpSockets;
    private final Selector selector;
    private final Thread thread;
    private final Queue<Attempt> queued = new ConcurrentLinkedQueue<>();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean running = true;

    // ---- selector thread only ----
    /** The sockets new queries go out on. */
    private final UdpSocket[] pool;
    /** Replaced sockets still waiting for answers. */
    private final Set<UdpSocket> retiring = new HashSet<>();
    /** Attempts in flight, in deadline order (one timeout for all: start order is deadline order). */
    private final ArrayDeque<Attempt> byDeadline = new ArrayDeque<>();
    private final ArrayDeque<Attempt> waitingForTcp = new ArrayDeque<>();
    private int tcpOpen;
    private final ByteBuffer udpBuffer = ByteBuffer.allocate(MAX_UDP_ANSWER);

    /** One UDP socket and the queries in flight on it, by ID. */
    private static final class UdpSocket {
        final DatagramChannel channel;
        final Map<Integer, Attempt> inFlight = new HashMap<>();
        int sent;

        UdpSocket(DatagramChannel channel) {
            this.channel = channel;
        }
    }

    /** One try of one query at one server, over UDP or TCP. */
    private final class Attempt {
        /** Both cleared when the attempt is finished: it may stay queued until its deadline. */
        Message query;
        CompletableFuture<Message> result;
        final int serverIndex;
        final boolean tcp;
        final long deadline;
        boolean finished;
        UdpSocket socket;
        int id;
        SocketChannel tcpChannel;
        ByteBuffer tcpBuffer;
        boolean tcpLengthRead;

        Attempt(Message query, CompletableFuture<Message> result, int serverIndex, boolean tcp) {
            this.query = query;
            this.result = result;
            this.serverIndex = serverIndex;
            this.tcp = tcp;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        InetSocketAddress server() {
            return servers.get(serverIndex);
        }
    }

    /** Starts the selector thread with {@link #DEFAULT_UDP_SOCKETS} UDP sockets; {@link #close()} stops it. */
    public NioTransport(List<InetSocketAddress> servers, Duration timeout) throws IOException {
        this(servers, timeout, DEFAULT_UDP_SOCKETS);
    }

    /** Starts the selector thread; {@code udpSockets} UDP sockets are shared by the queries in flight. */
    public NioTransport(List<InetSocketAddress> servers, Duration timeout, int udpSockets) throws IOException {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no DNS servers");
        }
        if (udpSockets < 1) {
            throw new IllegalArgumentException("udpSockets must be at least 1, got " + udpSockets);
        }
        this.servers = List.copyOf(servers);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.udpSockets = udpSockets;
        this.pool = new UdpSocket[udpSockets];
        this.selector = Selector.open();
        this.thread = new Thread(this::run, "james-spf-dns-" + servers.get(0));
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
        return sendAsync(query, Runnable::run);
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new LocalFailure("DNS transport closed"));
            return result;
        }
        queued.add(new Attempt(query.clone(), result, 0, false));
        selector.wakeup();
        // complete callers' stages on their executor, never on the selector thread
        return result.thenApplyAsync(m -> m, executor);
    }


    private void run() {
        while (running) {
            try {
                selector.select(nextWaitMillis());
                // Every loop, whatever select returned: this is the fix over dnsjava 3.5.2's client.
                Attempt attempt;
                while ((attempt = queued.poll()) != null) {
                    start(attempt);
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    ready(key);
                }
                selector.selectedKeys().clear();
                expire();
            } catch (ClosedSelectorException e) {
                return; // close() ran
            } catch (IOException | RuntimeException e) {
                // A fault of the loop itself: fail what is in flight rather than leave it hanging.
                for (Attempt a : new ArrayList<>(byDeadline)) {
                    finish(a, null, e);
                }
            }
        }
    }

    private long nextWaitMillis() {
        Attempt first = byDeadline.peekFirst();
        while (first != null && first.finished) {
            byDeadline.pollFirst();
            first = byDeadline.peekFirst();
        }
        if (first == null) {
            return IDLE_SELECT_MILLIS;
        }
        return Math.max(1, Math.min(IDLE_SELECT_MILLIS, (first.deadline - System.nanoTime()) / 1_000_000 + 1));
    }

    private void start(Attempt a) {
        byDeadline.addLast(a);
        if (a.tcp) {
            if (tcpOpen >= udpSockets) {
                waitingForTcp.addLast(a);
                return;
            }
            startTcp(a);
            return;
        }
        try {
            UdpSocket socket = socketForNextQuery();
            int id;
            do {
                id = random.nextInt(0x10000);
            } while (socket.inFlight.containsKey(id));
            a.socket = socket;
            a.id = id;
            socket.inFlight.put(id, a);
            socket.sent++;
            Message query = a.query.clone();
            query.getHeader().setID(id);
            socket.channel.send(ByteBuffer.wrap(query.toWire()), a.server());
        } catch (IOException e) {
            nextServerOrFail(a, e);
        }
    }

    /**
     * A socket picked at random from the pool; one that has carried its share of queries is
     * replaced first (RFC 5452 9.2: the source port changes), unless as many are still closing.
     */
    private UdpSocket socketForNextQuery() throws IOException {
        int slot = random.nextInt(pool.length);
        UdpSocket socket = pool[slot];
        if (socket != null && socket.sent >= QUERIES_PER_SOCKET && retiring.size() < udpSockets) {
            if (socket.inFlight.isEmpty()) {
                closeSocket(socket);
            } else {
                retiring.add(socket);
            }
            socket = null;
        }
        if (socket == null) {
            DatagramChannel channel = DatagramChannel.open();
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
                // port 0: the OS picks a random ephemeral port
                channel.bind(null);
                socket = new UdpSocket(channel);
                channel.register(selector, SelectionKey.OP_READ, socket);
            } catch (IOException e) {
                channel.close();
                throw new LocalFailure("cannot open a UDP socket: " + e.getMessage());
            }
            pool[slot] = socket;
        }
        return socket;
    }

    private void closeSocket(UdpSocket socket) {
        retiring.remove(socket);
        try {
            socket.channel.close();
        } catch (IOException e) {
            // a socket we no longer need: nothing to recover
        }
    }

    private void startTcp(Attempt a) {
        tcpOpen++;
        try {
            SocketChannel channel = SocketChannel.open();
            a.tcpChannel = channel;
            channel.configureBlocking(false);
            Message query = a.query.clone();
            query.getHeader().setID(random.nextInt(0x10000));
            a.id = query.getHeader().getID();
            byte[] wire = query.toWire();
            a.tcpBuffer = ByteBuffer.allocate(2 + wire.length);
            a.tcpBuffer.putShort((short) wire.length).put(wire).flip();
            boolean connected = channel.connect(a.server());
            channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, a);
        } catch (IOException e) {
            nextServerOrFail(a, e);
        }
    }

    private void ready(SelectionKey key) {
        Object attachment = key.attachment();
        if (attachment instanceof UdpSocket) {
            udpReady((UdpSocket) attachment);
            return;
        }
        Attempt a = (Attempt) attachment;
        if (a.finished) {
            return;
        }
        try {
            tcpReady(key, a);
        } catch (IOException e) {
            // connection refused or reset: this server failed; try the next one
            nextServerOrFail(a, e);
        }
    }

    private void udpReady(UdpSocket socket) {
        while (true) {
            udpBuffer.clear();
            SocketAddress from;
            try {
                from = socket.channel.receive(udpBuffer);
            } catch (IOException e) {
                return; // an ICMP error from some earlier send: the attempts concerned time out
            }
            if (from == null) {
                return;
            }
            udpBuffer.flip();
            if (udpBuffer.remaining() < 2) {
                continue;
            }
            int id = udpBuffer.getShort(0) & 0xFFFF;
            Attempt a = socket.inFlight.get(id);
            // RFC 5452 9.1: only from the server asked
            if (a != null && a.server().equals(from)) {
                byte[] wire = new byte[udpBuffer.remaining()];
                udpBuffer.get(wire);
                answer(a, wire);
            }
        }
    }

    private void tcpReady(SelectionKey key, Attempt a) throws IOException {
        SocketChannel channel = a.tcpChannel;
        if (key.isConnectable() && channel.finishConnect()) {
            key.interestOps(SelectionKey.OP_WRITE);
        }
        if (key.isValid() && key.isWritable()) {
            channel.write(a.tcpBuffer);
            if (!a.tcpBuffer.hasRemaining()) {
                a.tcpBuffer = ByteBuffer.allocate(2);
                a.tcpLengthRead = false;
                key.interestOps(SelectionKey.OP_READ);
            }
            return;
        }
        if (key.isValid() && key.isReadable()) {
            if (channel.read(a.tcpBuffer) < 0) {
                throw new IOException("TCP connection closed by " + a.server());
            }
            if (a.tcpBuffer.hasRemaining()) {
                return;
            }
            if (!a.tcpLengthRead) {
                a.tcpBuffer.flip();
                int length = a.tcpBuffer.getShort() & 0xFFFF;
                a.tcpBuffer = ByteBuffer.allocate(length);
                a.tcpLengthRead = true;
                return;
            }
            answer(a, a.tcpBuffer.array());
        }
    }

    /** RFC 5452 9.1: accept only an answer to this query; RFC 7766: truncated UDP goes to TCP. */
    private void answer(Attempt a, byte[] wire) {
        Message response;
        try {
            response = new Message(wire);
        } catch (IOException e) {
            return; // not a DNS message: keep waiting for the real answer until the deadline
        }
        Record question = response.getQuestion();
        Record asked = a.query.getQuestion();
        if (response.getHeader().getID() != a.id || question == null
            || !question.getName().equals(asked.getName()) || question.getType() != asked.getType()
            || question.getDClass() != asked.getDClass()) {
            return;
        }
        if (!a.tcp && response.getHeader().getFlag(Flags.TC)) {
            Attempt overTcp = new Attempt(a.query, a.result, a.serverIndex, true);
            release(a);
            start(overTcp);
            return;
        }
        response.getHeader().setID(a.query.getHeader().getID());
        if (cnameLoop(response, question.getName())) {
            // a name that is its own alias: no query can ever resolve it
            response.getHeader().setRcode(Rcode.SERVFAIL);
            response.removeAllRecords(Section.ANSWER);
        }
        finish(a, response, null);
    }

    /** Whether following the answer's CNAMEs from {@code name} comes back to a name already seen. */
    static boolean cnameLoop(Message response, Name name) {
        Map<Name, Name> aliases = new HashMap<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getType() == Type.CNAME) {
                aliases.put(r.getName(), ((CNAMERecord) r).getTarget());
            }
        }
        Set<Name> seen = new HashSet<>();
        Name current = name;
        while (current != null) {
            if (!seen.add(current)) {
                return true;
            }
            current = aliases.get(current);
        }
        return false;
    }

    private void expire() {
        long now = System.nanoTime();
        Attempt a;
        while ((a = byDeadline.peekFirst()) != null && (a.finished || now - a.deadline >= 0)) {
            byDeadline.pollFirst();
            if (!a.finished) {
                nextServerOrFail(a, new SocketTimeoutException("no answer from " + a.server() + " in " + timeout.toMillis() + " ms"));
            }
        }
    }

    private void nextServerOrFail(Attempt a, Exception e) {
        if (a.finished) {
            return;
        }
        CompletableFuture<Message> result = a.result;
        if (a.serverIndex + 1 < servers.size()) {
            Attempt next = new Attempt(a.query, result, a.serverIndex + 1, false);
            release(a);
            start(next);
        } else {
            release(a);
            result.completeExceptionally(e);
        }
    }

    private void finish(Attempt a, Message response, Exception e) {
        if (a.finished) {
            return;
        }
        CompletableFuture<Message> result = a.result;
        release(a);
        if (e == null) {
            result.complete(response);
        } else {
            result.completeExceptionally(e);
        }
    }

    /**
     * Ends the attempt and frees what it holds: its ID on its socket (closing a replaced socket
     * left idle), its TCP connection, its query and result.
     */
    private void release(Attempt a) {
        if (a.finished) {
            return;
        }
        a.finished = true;
        a.query = null;
        a.result = null;
        if (a.socket != null) {
            a.socket.inFlight.remove(a.id);
            if (a.socket.inFlight.isEmpty() && retiring.contains(a.socket)) {
                closeSocket(a.socket);
            }
        }
        if (a.tcpChannel != null) {
            try {
                a.tcpChannel.close();
            } catch (IOException e) {
                // closing a channel we no longer need: nothing to recover
            }
            tcpOpen--;
            Attempt waiting = waitingForTcp.pollFirst();
            while (waiting != null && waiting.finished) {
                waiting = waitingForTcp.pollFirst();
            }
            if (waiting != null) {
                startTcp(waiting);
            }
        }
    }

    /** Stops the selector thread; queries in flight fail. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LocalFailure closed = new LocalFailure("DNS transport closed");
        for (Attempt a : byDeadline) {
            if (!a.finished) {
                CompletableFuture<Message> result = a.result;
                a.finished = true;
                result.completeExceptionally(closed);
            }
        }
        Attempt a;
        while ((a = queued.poll()) != null) {
            a.result.completeExceptionally(closed);
        }
        for (UdpSocket socket : pool) {
            if (socket != null) {
                try {
                    socket.channel.close();
                } catch (IOException e) {
                    // being discarded
                }
            }
        }
        for (UdpSocket socket : retiring) {
            try {
                socket.channel.close();
            } catch (IOException e) {
                // being discarded
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // the selector is being discarded
        }
    }

    // ---- Resolver settings this transport fixes at construction ----

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

    @Override
    public Duration getTimeout() {
        return timeout;
    }

    @Override
    public String toString() {
        return "NioTransport" + servers;
    }
}
