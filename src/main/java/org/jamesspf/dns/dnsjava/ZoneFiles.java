package org.jamesspf.dns.dnsjava;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.dns.InMemoryZone;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Loads an {@link InMemoryZone} from a zone file in BIND master-file syntax (RFC 1035 5),
 * parsed by dnsjava's {@link Master}: {@code $ORIGIN}, {@code $TTL}, relative names and
 * multi-string TXT records. A, AAAA, MX, PTR, CNAME and TXT records are kept; other types
 * (SOA, NS...) are skipped. {@code $INCLUDE} is refused.
 */
public final class ZoneFiles {
    private ZoneFiles() {
    }

    /** Loads a zone file; an IOException names the file and the line at fault. */
    public static InMemoryZone load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString());
        }
    }

    /** Loads zone text read from {@code in}; {@code source} names it in errors. */
    public static InMemoryZone load(InputStream in, String source) throws IOException {
        InMemoryZone.Builder zone = InMemoryZone.builder();
        try (Master master = new Master(in, Name.root, 3600)) {
            master.disableIncludes(true);
            Record record;
            while ((record = master.nextRecord()) != null) {
                add(zone, record);
            }
        } catch (IOException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
        return zone.build();
    }

    private static void add(InMemoryZone.Builder zone, Record record) {
        String name = record.getName().toString(true);
        switch (record.getType()) {
            case Type.A:
                zone.a(name, IpAddress.fromBytes(((ARecord) record).getAddress().getAddress()).toString());
                break;
            case Type.AAAA:
                zone.aaaa(name, IpAddress.fromBytes(((AAAARecord) record).getAddress().getAddress()).toString());
                break;
            case Type.MX:
                MXRecord mx = (MXRecord) record;
                zone.mx(name, mx.getPriority(), mx.getTarget().toString(true));
                break;
            case Type.PTR:
                zone.ptr(name, ((PTRRecord) record).getTarget().toString(true));
                break;
            case Type.CNAME:
                zone.cname(name, ((CNAMERecord) record).getTarget().toString(true));
                break;
            case Type.TXT:
                java.util.List<byte[]> strings = ((TXTRecord) record).getStringsAsByteArrays();
                String[] parts = new String[strings.size()];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = new String(strings.get(i), StandardCharsets.ISO_8859_1);
                }
                zone.txt(name, parts);
                break;
            default:
                // SOA, NS and other types play no part in SPF evaluation
                break;
        }
    }
}
