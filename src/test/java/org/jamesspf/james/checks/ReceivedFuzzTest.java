package org.jamesspf.james.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import org.jamesspf.james.policy.GatewayOrigin;
import org.jamesspf.james.policy.NetworkList;
import org.jamesspf.spf.FuzzDuration;
import org.jamesspf.spf.IpAddress;

/**
 * Coverage-guided fuzz test (Jazzer) of reading the client behind a trusted gateway. Replayed over
 * the committed inputs in every build; {@code JAZZER_FUZZ=1} fuzzes it (README, "Fuzzing").
 */
class ReceivedFuzzTest {
    /**
     * Received fields behind a trusted gateway: whatever the client writes below the gateway's field
     * (any text, any number of fields), the client read is the one the gateway recorded; any single
     * field parses to an address or to nothing, never an exception.
     */
    @FuzzTest(maxDuration = FuzzDuration.MAX)
    void receivedFields(FuzzedDataProvider data) {
        ReceivedHops hops = new ReceivedHops(NetworkList.parse(List.of("198.51.100.0/28")));
        List<String> received = new ArrayList<>(List.of(ReceivedHopsTest.james("198.51.100.2", "gw.example.net"),
            ReceivedHopsTest.postfix("203.0.113.5", data.consumeString(80).replaceAll("\\s", "x") + "a")));
        int forged = data.consumeInt(0, 8);
        for (int i = 0; i < forged; i++) {
            String field = data.consumeString(300);
            ReceivedField.parse(field).ifPresent(f -> assertThat(f.ip).isNotNull());
            received.add(field);
        }
        GatewayOrigin read = hops.client(received, IpAddress.parse("198.51.100.2"));
        assertThat(read.client()).as(received.toString()).contains(IpAddress.parse("203.0.113.5"));
    }
}
