package dev.tern.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.smtp.DotDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotEncoderTest {
    record Encoded(String wire, ContentFacts facts, boolean failed) {}

    static byte[] bytes(String escaped) {
        return escaped.translateEscapes().getBytes(StandardCharsets.ISO_8859_1);
    }

    static Encoded encode(byte[] input, boolean data, int split) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotEncoder encoder = data ? DotEncoder.forData(out::write) : DotEncoder.forBdat(out::write);
        encoder.feed(input, 0, split);
        encoder.feed(input, split, input.length - split);
        encoder.finish();
        return new Encoded(out.toString(StandardCharsets.ISO_8859_1), encoder.facts(), encoder.failure().isPresent());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
        # stored (Java escapes)       | DATA wire                         | BDAT wire                 | 8bit  | longest
        # RFC 5321 §4.1.1.4: content, then CRLF.CRLF; an empty message is just the terminator.
        a\\r\\n                        | a\\r\\n.\\r\\n                    | a\\r\\n                   | false | 1
        ''                            | .\\r\\n                           | ''                        | false | 0
        \\r\\n                         | \\r\\n.\\r\\n                     | \\r\\n                    | false | 0
        # RFC 5321 §4.5.2: a leading period is doubled, at the very start too; not elsewhere.
        .\\r\\n                        | ..\\r\\n.\\r\\n                   | .\\r\\n                   | false | 1
        a\\r\\n.b\\r\\n..\\r\\n        | a\\r\\n..b\\r\\n...\\r\\n.\\r\\n  | a\\r\\n.b\\r\\n..\\r\\n   | false | 2
        a.b\\r\\n                      | a.b\\r\\n.\\r\\n                  | a.b\\r\\n                 | false | 3
        # A last line without its CRLF gets one, so the wire still ends in CRLF.CRLF.
        abc                           | abc\\r\\n.\\r\\n                  | abc\\r\\n                 | false | 3
        .                             | ..\\r\\n.\\r\\n                   | .\\r\\n                   | false | 1
        # Bare CR, bare LF (RFC 5321 §2.3.8): each becomes CRLF; a leading dot after one is still doubled.
        a\\nb\\r\\n                    | a\\r\\nb\\r\\n.\\r\\n             | a\\r\\nb\\r\\n            | false | 1
        a\\rb\\r\\n                    | a\\r\\nb\\r\\n.\\r\\n             | a\\r\\nb\\r\\n            | false | 1
        a\\r\\r\\n                     | a\\r\\n\\r\\n.\\r\\n              | a\\r\\n\\r\\n             | false | 1
        a\\n.\\n                       | a\\r\\n..\\r\\n.\\r\\n            | a\\r\\n.\\r\\n            | false | 1
        a\\r                           | a\\r\\n.\\r\\n                    | a\\r\\n                   | false | 1
        \\n\\r                         | \\r\\n\\r\\n.\\r\\n               | \\r\\n\\r\\n              | false | 0
        # 8-bit octets are noted (RFC 6152), not changed.
        été\\r\\n          | été\\r\\n.\\r\\n      | été\\r\\n     | true  | 3
        """)
    void encodesAtEverySplit(String stored, String dataWire, String bdatWire, boolean eightBit, long longest) throws IOException {
        byte[] input = bytes(stored);
        for (int split = 0; split <= input.length; split++) {
            Encoded data = encode(input, true, split);
            Encoded bdat = encode(input, false, split);
            assertThat(data.wire()).as("DATA split %d", split).isEqualTo(dataWire.translateEscapes());
            assertThat(bdat.wire()).as("BDAT split %d", split).isEqualTo(bdatWire.translateEscapes());
            assertThat(data.facts()).isEqualTo(new ContentFacts(bdat.wire().length(), eightBit, longest));
            assertThat(bdat.facts()).isEqualTo(data.facts());
            assertThat(data.failed() || bdat.failed()).isFalse();
        }
    }

    @Test
    void lineOf998OctetsGoesAndOneOf999IsRefusedWithoutTerminator() throws IOException {
        String limit = "x".repeat(DotEncoder.MAX_LINE);
        Encoded ok = encode(bytes("." + limit.substring(1) + "\\r\\n"), true, 500);
        assertThat(ok.failed()).isFalse();
        assertThat(ok.wire()).startsWith("..").endsWith("\r\n.\r\n"); // the stuffed dot is not counted

        Encoded tooLong = encode(bytes("a\\r\\n" + limit + "y\\r\\nb\\r\\n"), true, 3);
        assertThat(tooLong.failed()).isTrue();
        assertThat(tooLong.wire()).isEqualTo("a\r\n" + limit).doesNotContain("\r\n.\r\n");
        assertThat(tooLong.facts().longestLine()).isEqualTo(DotEncoder.MAX_LINE + 1);
    }

    @Test
    void scannerMeasuresWhatBdatSends() throws IOException {
        byte[] input = bytes("Subject: x\\n\\n.body\\r\\nÿ");
        DotEncoder scanner = DotEncoder.scanner();
        scanner.feed(input, 0, input.length);
        scanner.finish();
        assertThat(scanner.facts()).isEqualTo(encode(input, false, 0).facts());
        assertThat(scanner.facts()).isEqualTo(new ContentFacts(24, true, 10));
    }

    @Test
    void theServerDecoderGivesBackTheNormalisedContent() throws IOException {
        // Any octets at all: what DotDecoder reads from the DATA wire is exactly what BDAT would carry.
        java.util.Random random = new java.util.Random(7);
        String alphabet = "ab.\r\né";
        for (int round = 0; round < 200; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            byte[] input = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] wire = encode(input, true, input.length / 2).wire().getBytes(StandardCharsets.ISO_8859_1);
            DotDecoder decoder = new DotDecoder(1 << 20, 998);
            ByteArrayOutputStream decoded = new ByteArrayOutputStream();
            int used = decoder.feed(wire, 0, wire.length, decoded::write);
            assertThat(decoder.done()).as(sb.toString()).isTrue();
            assertThat(used).isEqualTo(wire.length);
            assertThat(decoder.failure()).isEmpty();
            assertThat(decoded.toString(StandardCharsets.ISO_8859_1)).isEqualTo(encode(input, false, 0).wire());
        }
    }
}
