package org.jamesspf.james.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SanitizerTest {
    private static final String ALPHABET = "ab.-=@ \t\r\n\u0000\u007f\u00e9\u2028;()\"\\";

    @Test
    @DisplayName("the no-copy path returns exactly what rewriting would, for 200,000 random values and bounds")
    void cleanValuesNeedNoCopy() {
        Random random = new Random(7208);
        for (int i = 0; i < 200_000; i++) {
            StringBuilder value = new StringBuilder();
            int length = random.nextInt(24);
            for (int k = 0; k < length; k++) {
                // mostly printable, so that clean values are common
                value.append(random.nextInt(4) == 0 ? ALPHABET.charAt(random.nextInt(ALPHABET.length()))
                    : (char) ('a' + random.nextInt(26)));
            }
            int max = 4 + random.nextInt(24);
            String text = value.toString();
            assertThat(Sanitizer.replyText(text, max)).as("'%s' max %d", text, max).isEqualTo(Sanitizer.rewrite(text, max));
        }
    }

    @Test
    @DisplayName("what comes out is printable ASCII with single inner spaces, within the bound")
    void output() {
        assertThat(Sanitizer.replyText("a\r\nb", 10)).isEqualTo("a b");
        assertThat(Sanitizer.replyText(" a  b ", 10)).isEqualTo("a b");
        assertThat(Sanitizer.replyText("caf\u00e9", 10)).isEqualTo("caf?");
        assertThat(Sanitizer.replyText("abcdefghijkl", 8)).isEqualTo("abcde...");
        String clean = "ip=192.0.2.1 helo=mail.example.org";
        assertThat(Sanitizer.replyText(clean, 200)).isSameAs(clean);
    }
}
