package org.jamesspf.dns.dnsjava;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * One query over TCP (RFC 7766, RFC 1035 4.2.2): connect, write the query behind its two-octet
 * length, read the answer's length, then the answer. Non-blocking, driven by {@link NioTransport}'s
 * selector thread.
 */
final class TcpExchange {
    private final SocketChannel channel;
    private final InetSocketAddress server;
    private ByteBuffer buffer;
    private boolean lengthRead;

    private TcpExchange(SocketChannel channel, InetSocketAddress server, byte[] query) {
        this.channel = channel;
        this.server = server;
        this.buffer = ByteBuffer.allocate(2 + query.length);
        this.buffer.putShort((short) query.length).put(query).flip();
    }

    /** Opens the connection to {@code server} and registers it with {@code attachment}; close it when done. */
    static TcpExchange open(byte[] query, InetSocketAddress server, Selector selector, Object attachment) throws IOException {
        SocketChannel channel = SocketChannel.open();
        TcpExchange exchange = new TcpExchange(channel, server, query);
        try {
            channel.configureBlocking(false);
            boolean connected = channel.connect(server);
            channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, attachment);
            return exchange;
        } catch (IOException e) {
            exchange.close();
            throw e;
        }
    }

    /**
     * Goes on with the exchange as far as the channel allows: the whole answer once it has come,
     * else {@code null}. Fails when the connection does (refused, reset, closed early).
     */
    byte[] ready(SelectionKey key) throws IOException {
        if (key.isConnectable() && channel.finishConnect()) {
            key.interestOps(SelectionKey.OP_WRITE);
        }
        if (key.isValid() && key.isWritable()) {
            channel.write(buffer);
            if (!buffer.hasRemaining()) {
                buffer = ByteBuffer.allocate(2);
                lengthRead = false;
                key.interestOps(SelectionKey.OP_READ);
            }
            return null;
        }
        if (key.isValid() && key.isReadable()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("TCP connection closed by " + server);
            }
            if (buffer.hasRemaining()) {
                return null;
            }
            if (!lengthRead) {
                buffer.flip();
                int length = buffer.getShort() & 0xFFFF;
                buffer = ByteBuffer.allocate(length);
                lengthRead = true;
                return null;
            }
            return buffer.array();
        }
        return null;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a channel we no longer need: nothing to recover
        }
    }
}
