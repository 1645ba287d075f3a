package org.jamesspf.dns;

import com.google.common.net.InternetDomainName;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.DomainNames;

/**
 * The registered domain of a name: its public suffix plus one label, from the Public Suffix List
 * that Guava carries (James ships it). Used to share budgets, caps and DNS-failure memory among
 * the names one owner controls, and never across owners:
 * <ul>
 *   <li>labels Guava refuses (SPF's {@code _spf}, {@code _dmarc}, a label with a space from
 *       {@code %_}) are dropped from the left first: {@code _spf.victim.co.uk} is under
 *       {@code victim.co.uk}, not {@code co.uk};</li>
 *   <li>a name outside any public suffix (a private TLD, {@code .test}) keeps its last two labels;</li>
 *   <li>a public suffix itself ({@code co.uk}) is its own registered domain;</li>
 *   <li>a name with no usable label at all is itself, lower case.</li>
 * </ul>
 */
public final class RegisteredDomains {

    private RegisteredDomains() {
    }

    /** The registered domain of {@code name} (lower case, no trailing dot). */
    public static String of(String name) {
        String n = Ascii.toLowerCase(DomainNames.stripDot(name));
        int start = usableSuffix(n);
        if (start < 0) {
            return n;
        }
        String suffix = n.substring(start);
        InternetDomainName domain = InternetDomainName.from(suffix);
        if (domain.isUnderPublicSuffix()) {
            return domain.topPrivateDomain().toString();
        }
        if (domain.isPublicSuffix()) {
            return suffix;
        }
        int last = suffix.lastIndexOf('.');
        int previous = last <= 0 ? -1 : suffix.lastIndexOf('.', last - 1);
        return previous < 0 ? suffix : suffix.substring(previous + 1);
    }

    /**
     * Where the longest suffix of whole labels that Guava accepts starts (letters, digits, '-' and
     * '_' inside a label, neither first nor last, a final label not starting with a digit); -1 when
     * not even the last label is one.
     */
    private static int usableSuffix(String n) {
        if (n.isEmpty() || n.length() > DomainNames.MAX_LENGTH) {
            return -1;
        }
        int start = -1;
        int end = n.length();
        boolean last = true;
        while (end > 0) {
            int dot = n.lastIndexOf('.', end - 1);
            int labelStart = dot + 1;
            if (!isLabel(n, labelStart, end, last)) {
                break;
            }
            start = labelStart;
            last = false;
            end = dot;
            if (dot < 0) {
                break;
            }
        }
        return start;
    }

    private static boolean isLabel(String n, int from, int to, boolean last) {
        // Guava refuses a top label that starts with a digit
        return DomainNames.isLdhLabel(n, from, to, true) && !(last && n.charAt(from) >= '0' && n.charAt(from) <= '9');
    }
}
