package dev.tern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotDecoderTest {
    /** What one decoding gave: the content written, octets consumed, whether it ended, and why it failed. */
    record Outcome(String content, int consumed, boolean done, String failure) {}

    static Outcome decode(byte[] input, int chunk, long maxOctets, int maxLine) throws IOException {
        DotDecoder decoder = new DotDecoder(maxOctets, maxLine);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int consumed = 0;
        for (int at = 0; at < input.length && !decoder.done(); at += chunk) {
            int length = Math.min(chunk, input.length - at);
            int used = decoder.feed(input, at, length, out::write);
            consumed += used;
            if (used < length) break;
        }
        return outcome(decoder, out, consumed);
    }

    /** Content written before a failure was found is junk the caller throws away, so it is not compared. */
    static Outcome outcome(DotDecoder decoder, ByteArrayOutputStream out, int consumed) {
        String failure = decoder.failure().map(r -> r.code() + " " + r.status()).orElse("none");
        String content = failure.equals("none") ? out.toString(StandardCharsets.ISO_8859_1) : "*";
        return new Outcome(content, consumed, decoder.done(), failure);
    }

    static byte[] bytes(String escaped) {
        return escaped.translateEscapes().getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # input (Java escapes)                  | content              | consumed | done  | failure
        # RFC 5321 §4.1.1.4: the data ends at <CRLF>.<CRLF>; the content start counts as a line start.
        .\\r\\n                                 | ''                   | 3        | true  | none
        a\\r\\n.\\r\\n                          | a\\r\\n              | 6        | true  | none
        a\\r\\nb\\r\\n.\\r\\n                   | a\\r\\nb\\r\\n       | 9        | true  | none
        \\r\\n.\\r\\n                           | \\r\\n               | 5        | true  | none
        # RFC 5321 §4.5.2: a leading period is removed (dot-stuffing), also at the very start.
        ..\\r\\n.\\r\\n                         | .\\r\\n              | 7        | true  | none
        ..a\\r\\n.\\r\\n                        | .a\\r\\n             | 8        | true  | none
        a\\r\\n...\\r\\n.\\r\\n                 | a\\r\\n..\\r\\n      | 11       | true  | none
        .a\\r\\n.\\r\\n                         | a\\r\\n              | 7        | true  | none
        a.\\r\\n.b.\\r\\n.\\r\\n                | a.\\r\\nb.\\r\\n     | 12       | true  | none
        # Not yet ended: everything is consumed, nothing is held back but the stuffed dot and a CR after it.
        a\\r\\n                                 | a\\r\\n              | 3        | false | none
        a\\r\\n.                                | a\\r\\n              | 4        | false | none
        a\\r\\n.\\r                             | a\\r\\n              | 5        | false | none
        # RFC 2920: octets after the end belong to the next command and are not consumed.
        a\\r\\n.\\r\\nQUIT\\r\\n                | a\\r\\n              | 6        | true  | none
        .\\r\\nMAIL FROM:<x@y>\\r\\n            | ''                   | 3        | true  | none
        # SMTP smuggling: only <CRLF>.<CRLF> ends the data; bare CR/LF refuse the message (RFC 5321 §2.3.8).
        a\\n.\\nb\\r\\n.\\r\\n                  | *                    | 10       | true  | 550 5.6.0
        a\\n.\\r\\nb\\r\\n.\\r\\n               | *                    | 11       | true  | 550 5.6.0
        a\\r\\n.\\nb\\r\\n.\\r\\n               | *                    | 11       | true  | 550 5.6.0
        a\\r.\\rb\\r\\n.\\r\\n                  | *                    | 10       | true  | 550 5.6.0
        a\\r.\\r\\nb\\r\\n.\\r\\n               | *                    | 11       | true  | 550 5.6.0
        a\\r\\n.\\rMAIL\\r\\n.\\r\\n            | *                    | 14       | true  | 550 5.6.0
        a\\r\\n.\\r\\r\\n.\\r\\n                | *                    | 10       | true  | 550 5.6.0
        .\\n.\\r\\n                             | *                    | 5        | false | 550 5.6.0
        \\n.\\r\\n                              | *                    | 4        | false | 550 5.6.0
        a\\rb\\r\\n.\\r\\n                      | *                    | 8        | true  | 550 5.6.0
        a\\r\\r\\n.\\r\\n                       | *                    | 7        | true  | 550 5.6.0
        a\\nb\\r\\n.\\r\\nQUIT\\r\\n            | *                    | 8        | true  | 550 5.6.0
        # A NUL or any other octet is content: the decoder is 8-bit clean (RFC 6152).
        \\0\\377\\r\\n.\\r\\n                   | \\0\\377\\r\\n       | 7        | true  | none
        """)
    void decodesDataAndEndsOnlyAtCrLfDotCrLf(String input, String content, int consumed, boolean done, String failure)
            throws IOException {
        Outcome outcome = decode(bytes(input), Integer.MAX_VALUE, 1000, 998);
        assertThat(outcome.consumed()).as("consumed").isEqualTo(consumed);
        assertThat(outcome.done()).as("done").isEqualTo(done);
        assertThat(outcome.failure()).as("failure").isEqualTo(failure);
        assertThat(outcome.content()).as("content").isEqualTo(content.translateEscapes());
    }

    static final String[] SAMPLES = {
        "Subject: hi\r\n\r\n..dot\r\n.x\r\nline\r\n.\r\nQUIT\r\n",
        ".\r\nNOOP\r\n",
        "a\n.\nb\r\n.\r\n.\r\nRSET\r\n",
        "a\r\n.\rb\r\n.\r\n",
        "a\r.\r\n\r\n.\r\nX",
        "\r\n\r\n..\r\n...\r\n.\r\n",
    };

    @Test
    void splittingTheInputAnywhereGivesTheSameResult() throws IOException {
        for (String sample : SAMPLES) {
            byte[] input = sample.getBytes(StandardCharsets.ISO_8859_1);
            Outcome whole = decode(input, Integer.MAX_VALUE, 1000, 998);
            for (int chunk = 1; chunk <= input.length; chunk++) {
                assertThat(decode(input, chunk, 1000, 998)).as("%s in chunks of %d", sample, chunk).isEqualTo(whole);
            }
            for (int split = 0; split <= input.length; split++) {
                assertThat(decodeSplitAt(input, split)).as("%s split at %d", sample, split).isEqualTo(whole);
            }
        }
    }

    static Outcome decodeSplitAt(byte[] input, int split) throws IOException {
        DotDecoder decoder = new DotDecoder(1000, 998);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int consumed = decoder.feed(input, 0, split, out::write);
        if (!decoder.done()) consumed += decoder.feed(input, split, input.length - split, out::write);
        return outcome(decoder, out, consumed);
    }

    @ParameterizedTest(name = "{0} with max {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 1870 §6.3 / RFC 5321 §4.5.3.1.10: 552 5.3.4 beyond the limit, counted on decoded octets.
        1234567\\r\\n.\\r\\n        | 9   | none
        12345678\\r\\n.\\r\\n       | 9   | 552 5.3.4
        ..345678\\r\\n.\\r\\n       | 9   | none
        """)
    void sizeLimitCountsDecodedOctets(String input, long max, String failure) throws IOException {
        Outcome outcome = decode(bytes(input), Integer.MAX_VALUE, max, 998);
        assertThat(outcome.failure()).isEqualTo(failure);
        assertThat(outcome.done()).isTrue();
    }

    @Test
    void tooBigMessageIsConsumedToTheEndAndNothingMoreIsWritten() throws IOException {
        byte[] input = bytes("aaaa\\r\\n.bbbb\\r\\ncccc\\r\\n.\\r\\nQUIT\\r\\n");
        for (int chunk = 1; chunk <= input.length; chunk++) {
            Outcome outcome = decode(input, chunk, 8, 998);
            assertThat(outcome.failure()).isEqualTo("552 5.3.4");
            assertThat(outcome.consumed()).isEqualTo(input.length - 6);
        }
    }

    @ParameterizedTest(name = "{0} with max line {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 5321 §4.5.3.1.6: line length excludes CRLF and the stuffed dot; over the limit is 500 5.5.2.
        12345\\r\\n.\\r\\n          | 5 | none
        123456\\r\\n.\\r\\n         | 5 | 500 5.5.2
        ..2345\\r\\n.\\r\\n         | 5 | none
        1\\r\\n12345\\r\\n.\\r\\n   | 5 | none
        1\\r\\n1234\\r\\n123456\\r\\n.\\r\\n | 5 | 500 5.5.2
        """)
    void lineLimitCountsDecodedOctetsWithoutCrLf(String input, int maxLine, String failure) throws IOException {
        byte[] bytes = bytes(input);
        for (int chunk = 1; chunk <= bytes.length; chunk++) {
            Outcome outcome = decode(bytes, chunk, 1000, maxLine);
            assertThat(outcome.failure()).isEqualTo(failure);
            assertThat(outcome.done()).isTrue();
        }
    }

    @Test
    void feedAfterTheEndConsumesNothing() throws IOException {
        DotDecoder decoder = new DotDecoder(100, 998);
        byte[] input = bytes(".\\r\\n");
        assertThat(decoder.feed(input, 0, 3, (b, o, l) -> { })).isEqualTo(3);
        assertThat(decoder.feed(input, 0, 3, (b, o, l) -> { })).isZero();
        assertThat(decoder.size()).isZero();
        assertThat(decoder.failure()).isEqualTo(Optional.empty());
    }

    @Test
    void plainContentIsWrittenInBulk() throws IOException {
        StringBuilder text = new StringBuilder();
        while (text.length() < 1 << 20) text.append("The quick brown fox jumps over the lazy dog, again and again.\r\n");
        byte[] body = text.append(".\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        DotDecoder decoder = new DotDecoder(2 << 20, 998);
        int[] writes = {0};
        long[] written = {0};
        int consumed = decoder.feed(body, 0, body.length, (b, o, l) -> { writes[0]++; written[0] += l; });
        assertThat(consumed).isEqualTo(body.length);
        assertThat(decoder.done()).isTrue();
        assertThat(writes[0]).isEqualTo(1);
        assertThat(written[0]).isEqualTo(body.length - 3).isEqualTo(decoder.size());
    }
}
