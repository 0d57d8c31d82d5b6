package dev.tern.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class XtextTest {
    @ParameterizedTest(name = "{0} => {1}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '¤', textBlock = """
        # RFC 3461 §4: xchar stands for itself; "+" and two upper-case hex digits for anything else.
        QQ314159                 => QQ314159
        a+2Bb+3Dc                => a+b=c
        a+20b                    => a b
        user+40example.com       => user@example.com
        +2B                      => +
        # Malformed: lower-case hex, a short escape, a raw "=" or space, a decoded control or non-ASCII octet.
        a+2b                     => <invalid>
        a+2                      => <invalid>
        a+                       => <invalid>
        a=b                      => <invalid>
        a+0Ab                    => <invalid>
        a+00                     => <invalid>
        a+7F                     => <invalid>
        a+C3+A9                  => <invalid>
        ä                        => <invalid>
        """)
    void decodes(String xtext, String expected) {
        assertThat(Xtext.decode(xtext).orElse("<invalid>")).isEqualTo(expected);
    }

    @Test
    void encodingRoundTrips() {
        String text = "a+b=c d!~\"x\"";
        assertThat(Xtext.encode(text)).isEqualTo("a+2Bb+3Dc+20d!~\"x\"");
        assertThat(Xtext.decode(Xtext.encode(text))).contains(text);
        assertThatThrownBy(() -> Xtext.encode("a\r\nb")).isInstanceOf(IllegalArgumentException.class);
    }
}
