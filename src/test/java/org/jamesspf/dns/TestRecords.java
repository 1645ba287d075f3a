package org.jamesspf.dns;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.suite.SuiteLoader;
import org.jamesspf.spf.suite.SuiteScenario;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Record builders for the test DNS server. */
public final class TestRecords {
    private static final long TTL = 60;

    private TestRecords() {
    }

    static Name name(String text) {
        return TestDnsServer.Zone.name(text);
    }

    public static Record a(String name, String ip) {
        return new ARecord(name(name), DClass.IN, TTL, address(ip));
    }

    public static Record aaaa(String name, String ip) {
        return new AAAARecord(name(name), DClass.IN, TTL, address(ip));
    }

    public static Record mx(String name, int preference, String host) {
        return new MXRecord(name(name), DClass.IN, TTL, preference, name(host));
    }

    public static Record ptr(String name, String host) {
        return new PTRRecord(name(name), DClass.IN, TTL, name(host));
    }

    public static Record cname(String name, String target) {
        return new CNAMERecord(name(name), DClass.IN, TTL, name(target));
    }

    /** One TXT record from raw character-strings (ISO-8859-1 octets); strings over 255 octets are split. */
    public static Record txt(String name, String... strings) {
        ByteArrayOutputStream rdata = new ByteArrayOutputStream();
        if (strings.length == 0) {
            rdata.write(0);
        }
        for (String s : strings) {
            byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
            int offset = 0;
            do {
                int len = Math.min(255, bytes.length - offset);
                rdata.write(len);
                rdata.write(bytes, offset, len);
                offset += len;
            } while (offset < bytes.length);
        }
        return Record.newRecord(name(name), Type.TXT, DClass.IN, TTL, rdata.toByteArray());
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByAddress(IpAddress.parse(ip).toBytes());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The suite scenario's zone data, served the way the suite README says. */
    public static TestDnsServer.Zone zoneOf(SuiteScenario scenario) {
        TestDnsServer.Zone zone = new TestDnsServer.Zone();
        for (SuiteLoader.ZoneRow row : scenario.rows) {
            List<String> v = row.values;
            switch (row.type) {
                case "A":
                    zone.add(a(row.name, v.get(0)));
                    break;
                case "AAAA":
                    zone.add(aaaa(row.name, v.get(0)));
                    break;
                case "MX":
                    zone.add(mx(row.name, Integer.parseInt(v.get(0)), v.get(1)));
                    break;
                case "PTR":
                    zone.add(ptr(row.name, v.get(0)));
                    break;
                case "CNAME":
                    zone.add(cname(row.name, v.get(0)));
                    break;
                case "TXT":
                    zone.add(txt(row.name, v.toArray(new String[0])));
                    break;
                case "TXT-NONE":
                    zone.exists(row.name);
                    break;
                case "TIMEOUT":
                    zone.timeout(row.name);
                    break;
                default:
                    throw new IllegalStateException("unexpected row type " + row.type);
            }
        }
        return zone;
    }
}
