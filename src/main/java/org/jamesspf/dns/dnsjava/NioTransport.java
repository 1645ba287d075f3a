package org.jamesspf.dns.dnsjava;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * A dnsjava {@link org.xbill.DNS.Resolver} with its own non-blocking UDP and TCP transport and one selector
 * thread per instance. It exists because dnsjava 3.5.2's shared NIO client (the one James ships)
 * registers a new query's channel only when a {@code select(1000)} call returns no key, and opens
 * a socket per query. Here:
 * <ul>
 *   <li>Every loop of the selector starts what is queued.</li>
 *   <li>UDP queries share a fixed pool of sockets ({@code udpSockets}), so ten thousand queries in
 *       flight are not ten thousand file descriptors. Each query goes out on a socket picked at
 *       random, with a random ID unique on that socket; a socket is replaced by a new one (a new
 *       random source port from the OS) after {@value UdpSockets#QUERIES_PER_SOCKET} queries, so source
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
 * The sockets are {@link UdpSockets}'s, a TCP query is a {@link TcpExchange}, what makes an answer
 * acceptable is in {@link Answers}. No thread ever blocks on a lookup; answers are handed to the caller's executor.
 */
public final class NioTransport extends FixedSettingsResolver implements AutoCloseable {
    /** UDP sockets shared by the queries in flight, by default. */
    public static final int DEFAULT_UDP_SOCKETS = 64;
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
    private final int maxTcp;
    private final Selector selector;
    private final Thread thread;
    private final Queue<Attempt> queued = new ConcurrentLinkedQueue<>();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean running = true;

    // ---- selector thread only ----
    private final UdpSockets udp;
    /** Attempts in flight, in deadline order (one timeout for all: start order is deadline order). */
    private final ArrayDeque<Attempt> byDeadline = new ArrayDeque<>();
    private final ArrayDeque<Attempt> waitingForTcp = new ArrayDeque<>();
    private int tcpOpen;

    /** Starts the selector thread with {@link #DEFAULT_UDP_SOCKETS} UDP sockets; {@link #close()} stops it. */
    public NioTransport(List<InetSocketAddress> servers, Duration timeout) throws IOException {
        this(servers, timeout, DEFAULT_UDP_SOCKETS);
    }

    /**
     * Starts the selector thread; {@code udpSockets} UDP sockets are shared by the queries in flight,
     * and as many TCP connections may be open at once.
     */
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
        this.maxTcp = udpSockets;
        this.selector = Selector.open();
        this.udp = new UdpSockets(udpSockets, selector, random);
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
        queued.add(attempt(query.clone(), result, 0, false));
        selector.wakeup();
        // complete callers' stages on their executor, never on the selector thread
        return result.thenApplyAsync(m -> m, executor);
    }

    private Attempt attempt(Message query, CompletableFuture<Message> result, int serverIndex, boolean tcp) {
        return new Attempt(query, result, serverIndex, servers.get(serverIndex), tcp, timeout);
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
            waitingForTcp.addLast(a);
            startWaitingTcp();
            return;
        }
        try {
            UdpSockets.Socket socket = udp.take(a);
            socket.channel.send(ByteBuffer.wrap(withId(a.query, a.id)), a.server);
        } catch (IOException e) {
            nextServerOrFail(a, e);
        }
    }

    private static byte[] withId(Message query, int id) {
        Message copy = query.clone();
        copy.getHeader().setID(id);
        return copy.toWire();
    }

    /**
     * Starts attempts waiting for a TCP connection, oldest first, while fewer than {@code maxTcp} are
     * open. A loop, not a recursion: connections that fail at once (out of file descriptors) free
     * their slot for the next in the same loop.
     */
    private void startWaitingTcp() {
        while (tcpOpen < maxTcp) {
            Attempt a = waitingForTcp.pollFirst();
            if (a == null) {
                return;
            }
            if (a.finished) {
                continue;
            }
            a.id = random.nextInt(0x10000);
            try {
                a.tcpExchange = TcpExchange.open(withId(a.query, a.id), a.server, selector, a);
                tcpOpen++;
            } catch (IOException e) {
                nextServerOrFail(a, e);
            }
        }
    }

    private void ready(SelectionKey key) {
        Object attachment = key.attachment();
        if (attachment instanceof UdpSockets.Socket) {
            udp.receive((UdpSockets.Socket) attachment, this::answer);
            return;
        }
        Attempt a = (Attempt) attachment;
        if (a.finished) {
            return;
        }
        try {
            byte[] wire = a.tcpExchange.ready(key);
            if (wire != null) {
                answer(a, wire);
            }
        } catch (IOException e) {
            // connection refused or reset: this server failed; try the next one
            nextServerOrFail(a, e);
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
        if (!Answers.answers(response, a.query, a.id)) {
            return;
        }
        if (!a.tcp && response.getHeader().getFlag(Flags.TC)) {
            Attempt overTcp = attempt(a.query, a.result, a.serverIndex, true);
            release(a);
            start(overTcp);
            return;
        }
        response.getHeader().setID(a.query.getHeader().getID());
        if (Answers.cnameLoop(response, response.getQuestion().getName())) {
            // a name that is its own alias: no query can ever resolve it
            response.getHeader().setRcode(Rcode.SERVFAIL);
            response.removeAllRecords(Section.ANSWER);
        }
        finish(a, response, null);
    }

    private void expire() {
        long now = System.nanoTime();
        Attempt a;
        while ((a = byDeadline.peekFirst()) != null && (a.finished || now - a.deadline >= 0)) {
            byDeadline.pollFirst();
            if (!a.finished) {
                nextServerOrFail(a, new SocketTimeoutException("no answer from " + a.server + " in " + timeout.toMillis() + " ms"));
            }
        }
    }

    private void nextServerOrFail(Attempt a, Exception e) {
        if (a.finished) {
            return;
        }
        CompletableFuture<Message> result = a.result;
        if (a.serverIndex + 1 < servers.size()) {
            Attempt next = attempt(a.query, result, a.serverIndex + 1, false);
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
            udp.release(a);
        }
        if (a.tcpExchange != null) {
            a.tcpExchange.close();
            a.tcpExchange = null;
            tcpOpen--;
            startWaitingTcp();
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
        udp.closeAll();
        try {
            selector.close();
        } catch (IOException e) {
            // the selector is being discarded
        }
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
