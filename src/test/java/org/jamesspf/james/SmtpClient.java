package org.jamesspf.james;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A plain SMTP client over a real socket that returns exact reply lines; optionally opens with a PROXY v1 header. */
public final class SmtpClient implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final String greeting;

    private SmtpClient(Socket socket, String proxyClientIp) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(60_000);
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        this.out = socket.getOutputStream();
        if (proxyClientIp != null) {
            boolean v6 = proxyClientIp.contains(":");
            String destination = v6 ? "::1" : "127.0.0.1";
            send("PROXY " + (v6 ? "TCP6 " : "TCP4 ") + proxyClientIp + " " + destination + " 40000 25");
        }
        this.greeting = readReply();
    }

    /** Connects to James on loopback, presenting {@code clientIp} through the PROXY protocol (null: none). */
    public static SmtpClient connect(int port, String clientIp) throws IOException {
        return new SmtpClient(new Socket(InetAddress.getLoopbackAddress(), port), clientIp);
    }

    public String greeting() {
        return greeting;
    }

    /** Sends one command line and returns the last line of the reply (e.g. "250 2.1.0 Sender <a@b> OK"). */
    public String command(String line) throws IOException {
        send(line);
        return readReply();
    }

    /**
     * MAIL FROM and RCPT TO, tried again (after RSET) while the reply is the plugin's pending
     * deferral ("still in progress"), as a sending MTA retries: at most {@code patience}. Returns RCPT's reply.
     */
    public String mailAndRcpt(String sender, String rcpt, java.time.Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            command("MAIL FROM:<" + sender + ">");
            String reply = command("RCPT TO:<" + rcpt + ">");
            if (!reply.contains("still in progress") || System.nanoTime() > deadline) {
                return reply;
            }
            command("RSET");
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return reply;
            }
        }
    }

    /** Sends DATA, the message and the final dot; returns the reply to the end of data (or to DATA if refused). */
    public String data(String message) throws IOException {
        String reply = command("DATA");
        if (!reply.startsWith("354")) {
            return reply;
        }
        StringBuilder sb = new StringBuilder();
        for (String line : message.split("\r?\n", -1)) {
            sb.append(line.startsWith(".") ? "." + line : line).append("\r\n");
        }
        sb.append(".\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readReply();
    }

    private void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private String readReply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed after " + lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return line;
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            send("QUIT");
        } catch (IOException e) {
            // the server may have closed the connection already
        }
        socket.close();
    }
}
