package org.jamesspf.spf.record;

import java.util.ArrayList;
import java.util.List;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.macro.MacroString;

/**
 * Parses SPF record text (RFC 7208 4.5, 4.6, 12) into an {@link SpfRecord}, or the first
 * syntax error. The whole record is parsed before evaluation, so a bad term after a
 * matching one still gives permerror (RFC 7208 4.6). No regular expressions, no exceptions.
 */
public final class SpfRecordParser {
    private static final String VERSION = "v=spf1";

    private SpfRecordParser() {
    }

    /**
     * RFC 7208 4.5: whether a TXT record is an SPF record: "v=spf1" (any case) followed by
     * a space or the end of the record.
     */
    public static boolean isSpfRecord(String txt) {
        return txt.length() >= VERSION.length()
            && Ascii.regionMatchesIgnoreCase(txt, 0, VERSION, 0, VERSION.length())
            && (txt.length() == VERSION.length() || txt.charAt(VERSION.length()) == ' ');
    }

    /** Parses one record; the text must begin with the version term. */
    public static ParseResult parse(String text) {
        if (!isSpfRecord(text)) {
            return ParseResult.error(0, text, "record does not begin with 'v=spf1'");
        }
        List<Mechanism> mechanisms = new ArrayList<>(8);
        List<Modifier> unknown = new ArrayList<>(0);
        Modifier redirect = null;
        Modifier exp = null;
        int n = text.length();
        int i = VERSION.length();
        while (i < n) {
            // RFC 7208 4.6.1: terms are separated by one or more SP; other white space is not allowed.
            if (text.charAt(i) == ' ') {
                i++;
                continue;
            }
            int start = i;
            while (i < n && text.charAt(i) != ' ') {
                i++;
            }
            String term = text.substring(start, i);
            int nameEnd = modifierNameEnd(term);
            if (nameEnd > 0) {
                String name = term.substring(0, nameEnd);
                String value = term.substring(nameEnd + 1);
                boolean isRedirect = Ascii.equalsIgnoreCase(name, "redirect");
                boolean isExp = Ascii.equalsIgnoreCase(name, "exp");
                MacroString.Parsed parsed = MacroString.parse(value,
                    isRedirect || isExp ? MacroString.Context.DOMAIN_SPEC : MacroString.Context.MODIFIER_VALUE);
                if (!parsed.isValid()) {
                    return ParseResult.error(start, term, parsed.error());
                }
                Modifier modifier = Modifier.of(name, parsed.value());
                if (isRedirect) {
                    // RFC 7208 6: redirect and exp each appear at most once.
                    if (redirect != null) {
                        return ParseResult.error(start, term, "more than one redirect modifier");
                    }
                    redirect = modifier;
                } else if (isExp) {
                    if (exp != null) {
                        return ParseResult.error(start, term, "more than one exp modifier");
                    }
                    exp = modifier;
                } else {
                    // RFC 7208 6: unknown modifiers are ignored (but must be well-formed).
                    unknown.add(modifier);
                }
                continue;
            }
            Object mechanism = parseMechanism(term);
            if (mechanism instanceof String) {
                return ParseResult.error(start, term, (String) mechanism);
            }
            mechanisms.add((Mechanism) mechanism);
        }
        return ParseResult.ok(SpfRecord.of(text, mechanisms, redirect, exp, unknown));
    }

    /** RFC 7208 12: name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) followed by "=": the index of "=", or -1. */
    private static int modifierNameEnd(String term) {
        if (term.isEmpty() || !isAlpha(term.charAt(0))) {
            return -1;
        }
        for (int i = 1; i < term.length(); i++) {
            char c = term.charAt(i);
            if (c == '=') {
                return i;
            }
            if (!(isAlpha(c) || isDigit(c) || c == '-' || c == '_' || c == '.')) {
                return -1;
            }
        }
        return -1;
    }

    /** A {@link Mechanism}, or a String error message. */
    private static Object parseMechanism(String term) {
        int i = 0;
        Qualifier qualifier = term.isEmpty() ? null : Qualifier.ofSymbolOrNull(term.charAt(0));
        if (qualifier != null) {
            i = 1;
        } else {
            qualifier = Qualifier.PASS;
        }
        int nameStart = i;
        while (i < term.length() && term.charAt(i) != ':' && term.charAt(i) != '/') {
            i++;
        }
        String name = term.substring(nameStart, i);
        String rest = term.substring(i);
        Mechanism.Kind kind = kindOrNull(name);
        if (kind == null) {
            return "unknown mechanism '" + name + "'";
        }
        switch (kind) {
            case ALL:
                if (!rest.isEmpty()) {
                    return "'all' takes no argument";
                }
                return Mechanism.of(qualifier, kind, null, null, 32, 128, term);
            case INCLUDE:
            case EXISTS: {
                if (!rest.startsWith(":")) {
                    return "'" + name + "' needs ':' domain-spec";
                }
                Object spec = domainSpec(rest.substring(1));
                return spec instanceof String ? spec : Mechanism.of(qualifier, kind, (MacroString) spec, null, 32, 128, term);
            }
            case PTR: {
                if (rest.isEmpty()) {
                    return Mechanism.of(qualifier, kind, null, null, 32, 128, term);
                }
                if (!rest.startsWith(":")) {
                    return "'ptr' takes only ':' domain-spec";
                }
                Object spec = domainSpec(rest.substring(1));
                return spec instanceof String ? spec : Mechanism.of(qualifier, kind, (MacroString) spec, null, 32, 128, term);
            }
            case A:
            case MX:
                return parseAddressMechanism(qualifier, kind, rest, term);
            case IP4:
            case IP6:
                return parseIpMechanism(qualifier, kind, rest, term);
            default:
                throw new AssertionError(kind);
        }
    }

    /** RFC 7208 5.3, 5.4: [ ":" domain-spec ] [ dual-cidr-length ]. */
    private static Object parseAddressMechanism(Qualifier qualifier, Mechanism.Kind kind, String rest, String term) {
        int end = rest.length();
        int cidr4 = 32;
        int cidr6 = 128;
        int digitsStart = trailingDigitsStart(rest, end);
        if (digitsStart < end && digitsStart >= 2 && rest.charAt(digitsStart - 1) == '/' && rest.charAt(digitsStart - 2) == '/') {
            cidr6 = cidrOrMinus(rest, digitsStart, end, 128);
            if (cidr6 < 0) {
                return "invalid IPv6 prefix length in '" + term + "'";
            }
            end = digitsStart - 2;
            digitsStart = trailingDigitsStart(rest, end);
        }
        if (digitsStart < end && digitsStart >= 1 && rest.charAt(digitsStart - 1) == '/'
            && !(digitsStart >= 2 && rest.charAt(digitsStart - 2) == '/')) {
            cidr4 = cidrOrMinus(rest, digitsStart, end, 32);
            if (cidr4 < 0) {
                return "invalid IPv4 prefix length in '" + term + "'";
            }
            end = digitsStart - 1;
        }
        String spec = rest.substring(0, end);
        if (spec.isEmpty()) {
            return Mechanism.of(qualifier, kind, null, null, cidr4, cidr6, term);
        }
        if (spec.charAt(0) != ':') {
            return "invalid argument in '" + term + "'";
        }
        Object parsed = domainSpec(spec.substring(1));
        return parsed instanceof String ? parsed : Mechanism.of(qualifier, kind, (MacroString) parsed, null, cidr4, cidr6, term);
    }

    /** RFC 7208 5.6: ip4 ":" ip4-network [ ip4-cidr-length ], ip6 ":" ip6-network [ ip6-cidr-length ]. */
    private static Object parseIpMechanism(Qualifier qualifier, Mechanism.Kind kind, String rest, String term) {
        if (!rest.startsWith(":")) {
            return "'" + kind.name().toLowerCase(java.util.Locale.ROOT) + "' needs ':' address";
        }
        boolean v6 = kind == Mechanism.Kind.IP6;
        int max = v6 ? 128 : 32;
        int end = rest.length();
        int prefix = max;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            prefix = cidrOrMinus(rest, slash + 1, end, max);
            if (prefix < 0) {
                return "invalid prefix length in '" + term + "'";
            }
            end = slash;
        }
        IpAddress network = v6 ? IpAddress.parseV6OrNull(rest, 1, end) : IpAddress.parseV4OrNull(rest, 1, end);
        if (network == null) {
            return "invalid " + (v6 ? "IPv6" : "IPv4") + " address in '" + term + "'";
        }
        return Mechanism.of(qualifier, kind, null, network, v6 ? 32 : prefix, v6 ? prefix : 128, term);
    }

    private static Object domainSpec(String text) {
        MacroString.Parsed parsed = MacroString.parse(text, MacroString.Context.DOMAIN_SPEC);
        return parsed.isValid() ? parsed.value() : parsed.error();
    }

    private static int trailingDigitsStart(String s, int end) {
        int i = end;
        while (i > 0 && isDigit(s.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    /** RFC 7208 12: cidr-length = "0" / %x31-39 0*1DIGIT, at most {@code max}; -1 when invalid. */
    private static int cidrOrMinus(String s, int from, int to, int max) {
        int len = to - from;
        if (len < 1 || len > 3 || (len > 1 && s.charAt(from) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -1;
    }

    private static Mechanism.Kind kindOrNull(String name) {
        for (Mechanism.Kind kind : Mechanism.Kind.values()) {
            if (Ascii.equalsIgnoreCase(kind.name(), name)) {
                return kind;
            }
        }
        return null;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
