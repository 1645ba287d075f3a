package org.jamesspf.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A DNS responder for tests: serves zone data over UDP and TCP on a loopback port chosen by
 * the OS. It can answer NXDOMAIN, no data and SERVFAIL, never answer (timeout), delay
 * answers, and truncates UDP answers over 512 octets so clients retry over TCP.
 */
public final class TestDnsServer implements AutoCloseable {
    /** What a name answers, entry by entry, in order (the suite's TIMEOUT rule applies). */
    public static final class Zone {
        private final Map<Name, List<Object>> entries = new LinkedHashMap<>();
        private final Map<Name, Duration> delays = new LinkedHashMap<>();
        private final Map<Name, Record> spoofs = new LinkedHashMap<>();

        private enum Marker { TIMEOUT, SERVFAIL }

        private static final class Typed {
            final int type;
            final Marker marker;

            Typed(int type, Marker marker) {
                this.type = type;
                this.marker = marker;
            }
        }

        public static Name name(String text) {
            try {
                return org.jamesspf.dns.dnsjava.LookupSessionSpfDns.absoluteName(text);
            } catch (IOException e) {
                throw new IllegalArgumentException("bad test name '" + text + "'", e);
            }
        }

        private List<Object> of(Name name) {
            return entries.computeIfAbsent(name, k -> new ArrayList<>());
        }

        public Zone add(Record record) {
            of(record.getName()).add(record);
            return this;
        }

        /** Every record of a BIND master file (RFC 1035 5), e.g. the demo zone. */
        public static Zone fromZoneFile(java.nio.file.Path file) throws IOException {
            Zone zone = new Zone();
            try (org.xbill.DNS.Master master = new org.xbill.DNS.Master(file.toString())) {
                master.disableIncludes(true);
                Record record;
                while ((record = master.nextRecord()) != null) {
                    zone.add(record);
                }
            }
            return zone;
        }

        /** The name exists with no records (queries get no data). */
        public Zone exists(String name) {
            of(name(name));
            return this;
        }

        /** Queries of any type time out, unless records of the asked type come before. */
        public Zone timeout(String name) {
            of(name(name)).add(new Typed(-1, Marker.TIMEOUT));
            return this;
        }

        public Zone timeout(String name, int type) {
            of(name(name)).add(new Typed(type, Marker.TIMEOUT));
            return this;
        }

        public Zone serverFailure(String name, int type) {
            of(name(name)).add(new Typed(type, Marker.SERVFAIL));
            return this;
        }

        /** Before the real answer, a forged one with another ID carrying {@code bogus} (an off-path spoofing attempt). */
        public Zone spoof(String name, Record bogus) {
            spoofs.put(name(name), bogus);
            return this;
        }

        /** Every answer (of any name, existing or not) comes after {@code delay}, unless a name has its own. */
        public Zone delayAll(Duration delay) {
            this.defaultDelay = delay;
            return this;
        }

        private Duration defaultDelay;

        public Zone delay(String name, Duration delay) {
            delays.put(name(name), delay);
            return this;
        }
    }

    private DatagramSocket udp;
    private ServerSocket tcp;
    private final ExecutorService workers = Executors.newCachedThreadPool(daemon("test-dns"));
    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor(daemon("test-dns-delay"));
    private final AtomicInteger udpQueries = new AtomicInteger();
    private final java.util.Set<Integer> udpClientPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private final AtomicInteger tcpUnanswered = new AtomicInteger();
    private final AtomicInteger maxTcpUnanswered = new AtomicInteger();
    private final AtomicInteger pendingDelayed = new AtomicInteger();
    private final AtomicInteger maxPendingDelayed = new AtomicInteger();
    private volatile Zone zone;
    private volatile boolean running = true;
    private volatile boolean tcpRefused;
    /** With {@link #holdDelayedUntil}: answers of delayed names held back, released together. */
    private final List<Runnable> held = new ArrayList<>();
    private int holdCount;

    private TestDnsServer(Zone zone) throws IOException {
        this.zone = Objects.requireNonNull(zone, "zone");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        // TCP on the same port number as UDP; retry with another UDP port when it is taken.
        for (int attempt = 0; tcp == null; attempt++) {
            udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            // room for bursts of thousands of queries (the kernel caps it at net.core.rmem_max)
            udp.setReceiveBufferSize(4 << 20);
            try {
                tcp = new ServerSocket(udp.getLocalPort(), 50, loopback);
            } catch (IOException e) {
                udp.close();
                if (attempt == 20) {
                    throw e;
                }
            }
        }
        workers.execute(this::serveUdp);
        workers.execute(this::serveTcp);
    }

    public static TestDnsServer start(Zone zone) throws IOException {
        return new TestDnsServer(zone);
    }

    public int port() {
        return udp.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, as the resolvers' configuration takes it. */
    public String address() {
        return InetAddress.getLoopbackAddress().getHostAddress() + ":" + port();
    }

    public void setZone(Zone newZone) {
        this.zone = Objects.requireNonNull(newZone, "zone");
    }

    public int udpQueries() {
        return udpQueries.get();
    }

    /** The distinct source ports UDP queries came from. */
    public int udpClientPorts() {
        return udpClientPorts.size();
    }

    /** The most delayed answers that were pending at once: above 1 means clients queried concurrently. */
    public int maxPendingDelayed() {
        return maxPendingDelayed.get();
    }

    /**
     * From now on, answers of names given a {@link Zone#delay} are held until {@code count} of them
     * are pending, then all sent at once (or after {@code guard}, a hang guard). A client that asks
     * them concurrently gets its answers at once; one that asks them one by one waits the guard each
     * time. Concurrency is shown by this event, not by timing.
     */
    public void holdDelayedUntil(int count, Duration guard) {
        synchronized (held) {
            holdCount = count;
            holdGuard = guard;
        }
    }

    private Duration holdGuard = Duration.ofSeconds(5);

    /** While set, TCP connections are closed unanswered (a server that truncates over UDP and has no TCP). */
    public void refuseTcp(boolean refuse) {
        this.tcpRefused = refuse;
    }

    public int tcpQueries() {
        return tcpQueries.get();
    }

    /** The most TCP queries read and not yet answered at one time. */
    public int maxTcpUnanswered() {
        return maxTcpUnanswered.get();
    }

    private void serveUdp() {
        byte[] buffer = new byte[4096];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                // closed by close(): the loop ends
                return;
            }
            udpQueries.incrementAndGet();
            udpClientPorts.add(packet.getPort());
            byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
            InetSocketAddress client = (InetSocketAddress) packet.getSocketAddress();
            respond(query, true, reply -> {
                try {
                    udp.send(new DatagramPacket(reply, reply.length, client));
                } catch (IOException e) {
                    // the socket closed while a delayed answer was pending: the test is over
                }
            });
        }
    }

    private void serveTcp() {
        while (running) {
            Socket socket;
            try {
                socket = tcp.accept();
            } catch (IOException e) {
                return;
            }
            workers.execute(() -> serveConnection(socket));
        }
    }

    private void serveConnection(Socket socket) {
        try (Socket s = socket) {
            if (tcpRefused) {
                return;
            }
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (running) {
                int length = in.readUnsignedShort();
                byte[] query = new byte[length];
                in.readFully(query);
                tcpQueries.incrementAndGet();
                maxTcpUnanswered.accumulateAndGet(tcpUnanswered.incrementAndGet(), Math::max);
                Object lock = new Object();
                respond(query, false, reply -> {
                    synchronized (lock) {
                        tcpUnanswered.decrementAndGet();
                        try {
                            out.writeShort(reply.length);
                            out.write(reply);
                            out.flush();
                        } catch (IOException e) {
                            // client went away
                        }
                    }
                });
            }
        } catch (IOException e) {
            // connection closed by the client or by close()
        }
    }

    private void respond(byte[] wire, boolean viaUdp, java.util.function.Consumer<byte[]> send) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return;
        }
        Record question = query.getQuestion();
        if (question == null) {
            return;
        }
        Zone z = zone;
        Message response = answer(z, query, question);
        if (response == null) {
            return; // timeout: never answer
        }
        byte[] bytes = response.toWire();
        if (viaUdp && bytes.length > 512) {
            // Truncate: header and question only, TC set, so that the client retries over TCP.
            Message truncated = new Message(query.getHeader().getID());
            truncated.getHeader().setFlag(Flags.QR);
            truncated.getHeader().setFlag(Flags.AA);
            truncated.getHeader().setFlag(Flags.TC);
            truncated.addRecord(question, Section.QUESTION);
            bytes = truncated.toWire();
        }
        Record bogus = z.spoofs.get(question.getName());
        if (bogus != null) {
            Message forged = new Message((query.getHeader().getID() + 1) & 0xFFFF);
            forged.getHeader().setFlag(Flags.QR);
            forged.addRecord(question, Section.QUESTION);
            forged.addRecord(bogus, Section.ANSWER);
            send.accept(forged.toWire());
        }
        Duration delay = z.delays.getOrDefault(question.getName(), z.defaultDelay);
        if (delay != null && holding()) {
            byte[] reply = bytes;
            maxPendingDelayed.accumulateAndGet(pendingDelayed.incrementAndGet(), Math::max);
            List<Runnable> release = null;
            synchronized (held) {
                held.add(() -> {
                    pendingDelayed.decrementAndGet();
                    send.accept(reply);
                });
                if (held.size() >= holdCount) {
                    release = new ArrayList<>(held);
                    held.clear();
                } else if (held.size() == 1) {
                    delayer.schedule(this::releaseHeld, holdGuard.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            if (release != null) {
                release.forEach(Runnable::run);
            }
        } else if (delay != null) {
            byte[] reply = bytes;
            maxPendingDelayed.accumulateAndGet(pendingDelayed.incrementAndGet(), Math::max);
            delayer.schedule(() -> {
                pendingDelayed.decrementAndGet();
                send.accept(reply);
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            send.accept(bytes);
        }
    }

    private boolean holding() {
        synchronized (held) {
            return holdCount > 0;
        }
    }

    private void releaseHeld() {
        List<Runnable> release;
        synchronized (held) {
            release = new ArrayList<>(held);
            held.clear();
        }
        release.forEach(Runnable::run);
    }

    private static Message answer(Zone zone, Message query, Record question) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
            response.getHeader().setFlag(Flags.RA);
        }
        response.addRecord(question, Section.QUESTION);
        List<Object> entries = zone.entries.get(question.getName());
        if (entries == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response;
        }
        int type = question.getType();
        List<Record> found = new ArrayList<>();
        Record cname = null;
        for (Object entry : entries) {
            if (entry instanceof Record) {
                Record r = (Record) entry;
                if (r.getType() == type) {
                    found.add(r);
                } else if (r.getType() == Type.CNAME) {
                    cname = r;
                }
                continue;
            }
            Zone.Typed marker = (Zone.Typed) entry;
            if (marker.type != -1 && marker.type != type) {
                continue;
            }
            if (marker.marker == Zone.Marker.SERVFAIL) {
                response.getHeader().setRcode(Rcode.SERVFAIL);
                return response;
            }
            if (found.isEmpty()) {
                return null;
            }
            break;
        }
        if (found.isEmpty() && cname != null) {
            found.add(cname);
        }
        for (Record r : found) {
            response.addRecord(r, Section.ANSWER);
        }
        return response;
    }

    @Override
    public void close() {
        running = false;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // closing a server socket only fails if it is already closed
        }
        workers.shutdownNow();
        delayer.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
