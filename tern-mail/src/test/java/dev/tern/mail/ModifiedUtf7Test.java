package dev.tern.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Modified UTF-7 (RFC 3501 §5.1.3): round trips and the malformed forms the RFC names. */
class ModifiedUtf7Test {
    @ParameterizedTest(name = "{0} <=> {1}")
    @CsvSource(delimiterString = "<=>", quoteCharacter = '¤', textBlock = """
        # RFC 3501 §5.1.3's example: English, Chinese and Japanese.
        ~peter/mail/台北/日本語        <=> ~peter/mail/&U,BTFw-/&ZeVnLIqe-
        # §5.1.3: "&U,BTFw-&ZeVnLIqe-" is not permitted; the correct form of the adjacent text is this one.
        台北日本語                     <=> &U,BTF2XlZyyKng-
        # "&" is "&-"; printable US-ASCII is itself.
        A&B                           <=> A&-B
        &                             <=> &-
        INBOX                         <=> INBOX
        Entwürfe                      <=> Entw&APw-rfe
        # A character outside the BMP: a surrogate pair in UTF-16.
        😀                            <=> &2D3eAA-
        """)
    void roundTrips(String text, String wire) {
        assertThat(ModifiedUtf7.encode(text.strip())).isEqualTo(wire.strip());
        assertThat(ModifiedUtf7.decode(wire.strip())).contains(text.strip());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(quoteCharacter = '¤', textBlock = """
        # §5.1.3: no shift back to US-ASCII before "!".
        &Jjo!
        # §5.1.3: a superfluous shift between two encoded runs.
        &U,BTFw-&ZeVnLIqe-
        # An encoded printable character ("a"), a lone high surrogate, a bad base64 letter, no terminator.
        &AGE-
        &2D0-
        &A/w-
        &APw
        # Leftover non-zero bits.
        &APx-
        """)
    void rejectsMalformedNames(String wire) {
        assertThat(ModifiedUtf7.decode(wire.strip())).isEmpty();
    }
}
