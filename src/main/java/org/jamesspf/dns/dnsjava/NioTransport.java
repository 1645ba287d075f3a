package org.jamesspf.dns.dnsjava;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TSIG;

/**
 * A dnsjava {@link Resolver} with its own non-blocking UDP and TCP transport and one selector
 * thread per instance. It exists because dnsjava 3.5.2's shared NIO client (the one James ships)
 * registers a new query's channel only when a {@code select(1000)} call returns no key: when two
 * queries are in flight, one can wait a whole second for its answer, so the concurrent MX and
 * PTR lookups of the engine would often be slower than sequential ones. Here every loop of the
 * selector registers what is queued. Servers are tried in order, each with the per-query
 * timeout; a truncated UDP answer is asked again over TCP (RFC 7766); an answer whose ID or
 * question does not match the query is ignored (RFC 5452 9.1). No thread ever blocks on a lookup.
 */
public final class NioTransport implements Resolver, AutoCloseable {
    private static final int MAX_UDP_ANSWER = 65535;
    private static final long IDLE_SELECT_MILLIS = 1000;

    private final List<InetSocketAddress> servers;
    private final Duration timeout;
    private final Selector selector;
    private final Thread thread;
    private final Queue<Attempt> queued = new ConcurrentLinkedQueue<>();
    private final Set<Attempt> active = new HashSet<>(); // selector thread only
    private final ByteBuffer udpBuffer = ByteBuffer.allocate(MAX_UDP_ANSWER); // selector thread only
    private final SecureRandom random = new SecureRandom();
    private volatile boolean running = true;

    /** One try of one query at one server, over UDP or TCP. */
    private final class Attempt {
        final Message query;
        final CompletableFuture<Message> result;
        final int serverIndex;
        final boolean tcp;
        final long deadline;
        SelectableChannel channel;
        ByteBuffer tcpBuffer;
        boolean tcpLengthRead;

        Attempt(Message query, CompletableFuture<Message> result, int serverIndex, boolean tcp) {
            this.query = query;
            this.result = result;
            this.serverIndex = serverIndex;
            this.tcp = tcp;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }
    }

    /** Starts the selector thread; {@link #close()} stops it. */
    public NioTransport(List<InetSocketAddress> servers, Duration timeout) throws IOException {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no DNS servers");
        }
        this.servers = List.copyOf(servers);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.selector = Selector.open();
        this.thread = new Thread(this::run, "james-spf-dns-" + servers.get(0));
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public List<InetSocketAddress> servers() {
        return servers;
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
        return sendAsync(query, Runnable::run);
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new IOException("DNS transport closed"));
            return result;
        }
        Message copy = query.clone();
        copy.getHeader().setID(random.nextInt(0x10000));
        enqueue(new Attempt(copy, result, 0, false));
        // complete callers' stages on their executor, never on the selector thread
        return result.thenApplyAsync(m -> m, executor);
    }

    private void enqueue(Attempt attempt) {
        queued.add(attempt);
        selector.wakeup();
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
                for (Attempt a : new ArrayList<>(active)) {
                    finish(a, null, e);
                }
            }
        }
    }

    private long nextWaitMillis() {
        long now = System.nanoTime();
        long wait = IDLE_SELECT_MILLIS;
        for (Attempt a : active) {
            wait = Math.min(wait, Math.max(1, (a.deadline - now) / 1_000_000 + 1));
        }
        return wait;
    }

    private void start(Attempt a) {
        active.add(a);
        InetSocketAddress server = servers.get(a.serverIndex);
        try {
            if (a.tcp) {
                SocketChannel channel = SocketChannel.open();
                a.channel = channel;
                channel.configureBlocking(false);
                byte[] wire = a.query.toWire();
                a.tcpBuffer = ByteBuffer.allocate(2 + wire.length);
                a.tcpBuffer.putShort((short) wire.length).put(wire).flip();
                boolean connected = channel.connect(server);
                channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, a);
            } else {
                DatagramChannel channel = DatagramChannel.open();
                a.channel = channel;
                channel.configureBlocking(false);
                channel.connect(server);
                channel.write(ByteBuffer.wrap(a.query.toWire()));
                channel.register(selector, SelectionKey.OP_READ, a);
            }
        } catch (IOException e) {
            nextServerOrFail(a, e);
        }
    }

    private void ready(SelectionKey key) {
        Attempt a = (Attempt) key.attachment();
        if (!active.contains(a)) {
            return;
        }
        try {
            if (a.tcp) {
                tcpReady(key, a);
            } else {
                udpBuffer.clear();
                int n = ((DatagramChannel) a.channel).read(udpBuffer);
                if (n > 0) {
                    answer(a, java.util.Arrays.copyOf(udpBuffer.array(), n));
                }
            }
        } catch (IOException e) {
            // ICMP port unreachable, connection reset: this server failed; try the next one
            nextServerOrFail(a, e);
        }
    }

    private void tcpReady(SelectionKey key, Attempt a) throws IOException {
        SocketChannel channel = (SocketChannel) a.channel;
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
                throw new IOException("TCP connection closed by " + servers.get(a.serverIndex));
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
        if (response.getHeader().getID() != a.query.getHeader().getID() || question == null
            || !question.getName().equals(asked.getName()) || question.getType() != asked.getType()
            || question.getDClass() != asked.getDClass()) {
            return;
        }
        if (!a.tcp && response.getHeader().getFlag(Flags.TC)) {
            close(a);
            active.remove(a);
            start(new Attempt(a.query, a.result, a.serverIndex, true));
            return;
        }
        finish(a, response, null);
    }

    private void expire() {
        long now = System.nanoTime();
        for (Attempt a : new ArrayList<>(active)) {
            if (now - a.deadline >= 0) {
                nextServerOrFail(a, new SocketTimeoutException("no answer from " + servers.get(a.serverIndex) + " in " + timeout.toMillis() + " ms"));
            }
        }
    }

    private void nextServerOrFail(Attempt a, Exception e) {
        close(a);
        active.remove(a);
        if (a.serverIndex + 1 < servers.size()) {
            start(new Attempt(a.query, a.result, a.serverIndex + 1, false));
        } else {
            a.result.completeExceptionally(e);
        }
    }

    private void finish(Attempt a, Message response, Exception e) {
        close(a);
        active.remove(a);
        if (e == null) {
            a.result.complete(response);
        } else {
            a.result.completeExceptionally(e);
        }
    }

    private static void close(Attempt a) {
        if (a.channel != null) {
            try {
                a.channel.close();
            } catch (IOException e) {
                // closing a channel we no longer need: nothing to recover
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
        for (Attempt a : new ArrayList<>(active)) {
            finish(a, null, new IOException("DNS transport closed"));
        }
        Attempt a;
        while ((a = queued.poll()) != null) {
            a.result.completeExceptionally(new IOException("DNS transport closed"));
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
