package org.jamesspf.dns.dnsjava;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jamesspf.spf.IpAddress;

/** Parses {@code host[:port]} server specs: IPv4, bracketed or bare IPv6, or a host name. */
public final class DnsServers {
    public static final int DEFAULT_PORT = 53;

    private DnsServers() {
    }

    /**
     * Parses one spec; throws an IAE quoting it when malformed. Forms: {@code 192.0.2.1},
     * {@code 192.0.2.1:5353}, {@code ::1}, {@code [::1]:5353}, {@code dns.example.net:53}.
     */
    public static InetSocketAddress parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty DNS server");
        }
        String host = s;
        int port = DEFAULT_PORT;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in DNS server '" + spec + "'");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("expected ':port' after ']' in DNS server '" + spec + "'");
                }
                port = port(rest.substring(1), spec);
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            port = port(s.substring(s.indexOf(':') + 1), spec);
        }
        IpAddress literal = IpAddress.parseOrNull(host);
        if (literal == null && (host.isEmpty() || host.indexOf(':') >= 0)) {
            throw new IllegalArgumentException("invalid DNS server address in '" + spec + "'");
        }
        if (literal != null) {
            try {
                return new InetSocketAddress(java.net.InetAddress.getByAddress(literal.toBytes()), port);
            } catch (java.net.UnknownHostException e) {
                throw new AssertionError("a 4 or 16 byte address is always valid", e);
            }
        }
        return new InetSocketAddress(host, port);
    }

    public static List<InetSocketAddress> parseAll(List<String> specs) {
        List<InetSocketAddress> result = new ArrayList<>(specs.size());
        for (String spec : specs) {
            result.add(parse(spec));
        }
        return result;
    }

    private static int port(String text, String spec) {
        int value = 0;
        if (text.isEmpty() || text.length() > 5) {
            throw new IllegalArgumentException("invalid port in DNS server '" + spec + "'");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("invalid port in DNS server '" + spec + "'");
            }
            value = value * 10 + (c - '0');
        }
        if (value < 1 || value > 65535) {
            throw new IllegalArgumentException("port out of range in DNS server '" + spec + "'");
        }
        return value;
    }
}
