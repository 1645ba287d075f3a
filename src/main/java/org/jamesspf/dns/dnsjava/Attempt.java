package org.jamesspf.dns.dnsjava;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Message;

/** One try of one query at one server, over UDP or TCP: {@link NioTransport}'s selector thread only. */
final class Attempt {
    /** Both cleared when the attempt is finished: it may stay queued until its deadline. */
    Message query;
    CompletableFuture<Message> result;
    final int serverIndex;
    final InetSocketAddress server;
    final boolean tcp;
    final long deadline;
    boolean finished;
    /** The ID the query went out with (RFC 5452 9.1: an answer must carry it). */
    int id;
    /** The UDP socket it went out on, or {@code null}. */
    UdpSockets.Socket socket;
    /** The TCP exchange, or {@code null}. */
    TcpExchange tcpExchange;

    Attempt(Message query, CompletableFuture<Message> result, int serverIndex, InetSocketAddress server, boolean tcp, Duration timeout) {
        this.query = query;
        this.result = result;
        this.serverIndex = serverIndex;
        this.server = server;
        this.tcp = tcp;
        this.deadline = System.nanoTime() + timeout.toNanos();
    }
}
