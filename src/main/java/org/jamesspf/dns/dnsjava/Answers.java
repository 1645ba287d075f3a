package org.jamesspf.dns.dnsjava;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** What {@link NioTransport} checks on an answer before it takes it. */
final class Answers {
    private Answers() {
    }

    /** RFC 5452 9.1: the answer carries the ID the query went out with, and the query's question. */
    static boolean answers(Message response, Message query, int id) {
        Record question = response.getQuestion();
        Record asked = query.getQuestion();
        return response.getHeader().getID() == id && question != null
            && question.getName().equals(asked.getName()) && question.getType() == asked.getType()
            && question.getDClass() == asked.getDClass();
    }

    /** Whether following the answer's CNAMEs from {@code name} comes back to a name already seen. */
    static boolean cnameLoop(Message response, Name name) {
        Map<Name, Name> aliases = new HashMap<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getType() == Type.CNAME) {
                aliases.put(r.getName(), ((CNAMERecord) r).getTarget());
            }
        }
        Set<Name> seen = new HashSet<>();
        Name current = name;
        while (current != null) {
            if (!seen.add(current)) {
                return true;
            }
            current = aliases.get(current);
        }
        return false;
    }
}
