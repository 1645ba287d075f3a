package org.jamesspf.dns.james;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PresentationTextTest {
    @ParameterizedTest
    @DisplayName("3.3: presentation TXT is unquoted and its strings joined without spaces")
    @CsvSource(delimiter = '|', value = {
        "\"v=spf1 ip4:192.0.2.1\" \" -all\"|v=spf1 ip4:192.0.2.1 -all",
        "\"v=spf1 \" \"-all\"|v=spf1 -all",
        "\"say \\\"hi\\\"\"|say \"hi\"",
        "\"back\\\\slash\"|back\\slash",
        "\"\\065BC\"|ABC",
        "v=spf1 -all|v=spf1 -all",
        "\"unterminated|unterminated"})
    void joins(String presentation, String expected) {
        assertThat(PresentationText.joinCharacterStrings(presentation)).isEqualTo(expected);
    }
}
