package org.jamesspf.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark corpus shaped like large senders' SPF policies: include trees two or three deep with
 * many ip4/ip6 ranges, a/mx with CIDR, exists with macros, ptr, redirect with exp; each policy is
 * queried by a client that matches early, one that matches late and one that matches nothing (and
 * an IPv6 client for some). 30 policies in 5 shapes.
 */
public final class Corpus {
    /** One check: client IP, MAIL FROM, HELO, and the policy's shape. */
    public static final class Query {
        public final String ip;
        public final String sender;
        public final String helo;
        public final String shape;
        public final String kind;

        Query(String ip, String sender, String shape, String kind) {
            this.ip = ip;
            this.sender = sender;
            this.helo = "mail.client.example";
            this.shape = shape;
            this.kind = kind;
        }

        @Override
        public String toString() {
            return shape + "/" + kind + " " + ip + " " + sender;
        }
    }

    /** Queries in the corpus (JMH's operations per invocation must be a constant; checked at build). */
    public static final int QUERY_COUNT_HINT = 114;

    public static final String[] SHAPES = {"include-tree", "nested-include", "a-mx-cidr", "exists-ptr", "redirect-exp"};

    /** Records by type, then by lower-case name (PTR by the address's text). */
    public final Map<String, Map<String, List<String>>> records = new LinkedHashMap<>();
    public final List<Query> queries = new ArrayList<>();

    private Corpus() {
        for (String type : List.of("TXT", "A", "AAAA", "MX", "PTR")) {
            records.put(type, new LinkedHashMap<>());
        }
    }

    private void add(String type, String name, String value) {
        records.get(type).computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
    }

    public static Corpus build() {
        Corpus c = new Corpus();
        c.add("TXT", "_spf.hub.example", "v=spf1 ip4:10.200.0.0/16 a:relay.hub.example -all exp=exp.hub.example");
        c.add("A", "relay.hub.example", "10.201.0.9");
        c.add("TXT", "exp.hub.example", "%{i} is not allowed to send mail for %{o}");
        for (int k = 0; k < 30; k++) {
            String d = "d" + k + ".example";
            String shape = SHAPES[k % 5];
            switch (k % 5) {
                case 0: // a big provider: include of an include of three netblock records
                    c.add("TXT", d, "v=spf1 include:_spf." + d + " ~all");
                    c.add("TXT", "_spf." + d, "v=spf1 include:_nb1." + d + " include:_nb2." + d + " include:_nb3." + d + " ~all");
                    for (int j = 1; j <= 3; j++) {
                        StringBuilder nb = new StringBuilder("v=spf1");
                        for (int i = 0; i < 8; i++) {
                            nb.append(" ip4:10.").append(k).append('.').append(j * 10 + i).append(".0/24");
                        }
                        for (int i = 0; i < 4; i++) {
                            nb.append(" ip6:2001:db8:").append(Integer.toHexString(k * 16 + j)).append(':').append(i).append("::/64");
                        }
                        c.add("TXT", "_nb" + j + "." + d, nb.append(" ~all").toString());
                    }
                    c.queries.add(new Query("10." + k + ".10.5", "user@" + d, shape, "early"));
                    c.queries.add(new Query("10." + k + ".37.5", "user@" + d, shape, "late"));
                    c.queries.add(new Query("192.0.2.77", "user@" + d, shape, "none"));
                    c.queries.add(new Query("2001:db8:" + Integer.toHexString(k * 16 + 3) + ":3::25", "user@" + d, shape, "late-v6"));
                    break;
                case 1: // many ranges, then a nested include
                    c.add("TXT", d, "v=spf1 include:spf.protection." + d + " -all");
                    StringBuilder p = new StringBuilder("v=spf1");
                    for (int i = 0; i < 12; i++) {
                        p.append(" ip4:172.16.").append(k).append('.').append(i * 16).append("/28");
                    }
                    p.append(" ip6:2001:db8:1").append(k).append("::/48 include:spfd.protection.").append(d).append(" -all");
                    c.add("TXT", "spf.protection." + d, p.toString());
                    c.add("TXT", "spfd.protection." + d, "v=spf1 ip4:172.20." + k + ".0/24 ip6:2001:db8:2" + k + "::/48 -all");
                    c.queries.add(new Query("172.16." + k + ".1", "user@" + d, shape, "early"));
                    c.queries.add(new Query("172.20." + k + ".9", "user@" + d, shape, "late"));
                    c.queries.add(new Query("198.51.100.9", "user@" + d, shape, "none"));
                    c.queries.add(new Query("2001:db8:2" + k + "::5", "user@" + d, shape, "late-v6"));
                    break;
                case 2: // a small business: a, mx, a and mx with CIDR
                    c.add("TXT", d, "v=spf1 a mx a:relay." + d + "/24 mx:backup." + d + "//64 -all");
                    c.add("A", d, "203.0.113." + k);
                    c.add("MX", d, "mx1." + d);
                    c.add("MX", d, "mx2." + d);
                    c.add("A", "mx1." + d, "198.19." + k + ".1");
                    c.add("A", "mx2." + d, "198.19." + k + ".2");
                    c.add("A", "relay." + d, "198.18." + k + ".1");
                    c.add("MX", "backup." + d, "bmx." + d);
                    c.add("AAAA", "bmx." + d, "2001:db8:3" + k + "::1");
                    c.add("AAAA", d, "2001:db8:4" + k + "::1");
                    c.add("AAAA", "mx1." + d, "2001:db8:5" + k + "::1");
                    c.add("AAAA", "mx2." + d, "2001:db8:5" + k + "::2");
                    c.add("AAAA", "relay." + d, "2001:db8:6" + k + "::1");
                    c.queries.add(new Query("203.0.113." + k, "user@" + d, shape, "early"));
                    c.queries.add(new Query("198.18." + k + ".200", "user@" + d, shape, "late"));
                    c.queries.add(new Query("192.0.2.88", "user@" + d, shape, "none"));
                    c.queries.add(new Query("2001:db8:3" + k + "::99", "user@" + d, shape, "late-v6"));
                    break;
                case 3: // exists with a macro, ptr, then a range
                    c.add("TXT", d, "v=spf1 exists:%{i}._ip." + d + " ptr:" + d + " ip4:100.64." + k + ".0/24 -all");
                    c.add("A", "100.64." + k + ".5._ip." + d, "127.0.0.2");
                    c.add("PTR", "100.65." + k + ".5", "host." + d);
                    c.add("A", "host." + d, "100.65." + k + ".5");
                    c.queries.add(new Query("100.64." + k + ".5", "user@" + d, shape, "early"));
                    c.queries.add(new Query("100.64." + k + ".77", "user@" + d, shape, "late"));
                    c.queries.add(new Query("100.65." + k + ".5", "user@" + d, shape, "ptr"));
                    c.queries.add(new Query("192.0.2.99", "user@" + d, shape, "none"));
                    break;
                default: // a shared policy through redirect, with an explanation
                    c.add("TXT", d, "v=spf1 ip4:192.168." + k + ".0/24 redirect=_spf.hub.example");
                    c.queries.add(new Query("192.168." + k + ".3", "user@" + d, shape, "early"));
                    c.queries.add(new Query("10.201.0.9", "user@" + d, shape, "late"));
                    c.queries.add(new Query("192.0.2.55", "user@" + d, shape, "none"));
                    break;
            }
        }
        if (c.queries.size() != QUERY_COUNT_HINT) {
            throw new IllegalStateException("QUERY_COUNT_HINT is " + QUERY_COUNT_HINT + ", the corpus has " + c.queries.size());
        }
        return c;
    }
}
