package dev.tern.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.HeaderSection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6376 §3.4: header and body canonicalization, including the §3.4.5 example. */
class CanonicalizationTest {
    // RFC 6376 §3.4.5, the example message.
    private static final String HEADERS = "A: X\r\nB : Y\t\r\n\tZ  \r\n";
    private static final String BODY = " C \r\nD \t E\r\n\r\n\r\n";

    @Test
    void relaxedMatchesRfc6376Example() {
        List<HeaderField> fields = HeaderSection.parse(HEADERS.getBytes(StandardCharsets.US_ASCII));
        assertThat(fields.stream().map(Canonicalization.RELAXED::header)).containsExactly("a:X\r\n", "b:Y Z\r\n");
        assertThat(body(Canonicalization.RELAXED, BODY, 1000)).isEqualTo(" C\r\nD E\r\n");
    }

    @Test
    void simpleMatchesRfc6376Example() {
        List<HeaderField> fields = HeaderSection.parse(HEADERS.getBytes(StandardCharsets.US_ASCII));
        assertThat(fields.stream().map(Canonicalization.SIMPLE::header))
                .containsExactly("A: X\r\n", "B : Y\t\r\n\tZ  \r\n");
        assertThat(body(Canonicalization.SIMPLE, BODY, 1000)).isEqualTo(" C \r\nD \t E\r\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # canon | body (escaped)          | canonical form (escaped)
            # RFC 6376 §3.4.3: an empty body is one CRLF; one is added when missing; trailing empty lines go
            SIMPLE  | ''                      | \\r\\n
            SIMPLE  | \\r\\n\\r\\n            | \\r\\n
            SIMPLE  | abc                     | abc\\r\\n
            SIMPLE  | abc\\r\\n\\r\\n\\r\\n   | abc\\r\\n
            SIMPLE  | a \\r\\n \\r\\n         | a \\r\\n \\r\\n
            SIMPLE  | a\\rb\\nc\\r            | a\\rb\\nc\\r\\r\\n
            # RFC 6376 §3.4.4 (erratum 1384): an empty body stays empty
            RELAXED | ''                      | ''
            RELAXED | \\r\\n\\r\\n            | ''
            RELAXED | ' \\t \\r\\n\\r\\n  '   | ''
            RELAXED | abc                     | abc\\r\\n
            RELAXED | 'abc  '                 | abc\\r\\n
            RELAXED | a \\r\\n \\r\\nb        | a\\r\\n\\r\\nb\\r\\n
            RELAXED | '\\t a\\t\\tb \\r\\n'   | ' a b\\r\\n'
            """)
    void canonicalizesBodies(Canonicalization c, String body, String expected) {
        String in = unescape(body);
        String want = unescape(expected);
        for (int chunk = 1; chunk <= Math.max(1, in.length()); chunk++) {
            assertThat(body(c, in, chunk)).as("chunks of %d", chunk).isEqualTo(want);
        }
    }

    @Test
    void limitHashesOnlyTheFirstOctetsAndCountsAll() throws NoSuchAlgorithmException {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        BodyCanonicalizer bc = Canonicalization.SIMPLE.body(d, 3);
        byte[] b = "abcdef\r\n".getBytes(StandardCharsets.US_ASCII);
        bc.update(b, 0, b.length);
        byte[] digest = bc.finish();
        assertThat(digest).isEqualTo(MessageDigest.getInstance("SHA-256").digest("abc".getBytes()));
        assertThat(bc.length()).isEqualTo(8);
    }

    /** The canonical body, found by hashing with an identity "digest" that records its input. */
    static String body(Canonicalization c, String body, int chunk) {
        Recorder r = new Recorder();
        BodyCanonicalizer bc = new BodyCanonicalizer(c, r, BodyCanonicalizer.NO_LIMIT);
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        for (int off = 0; off < b.length; off += chunk) bc.update(b, off, Math.min(chunk, b.length - off));
        return new String(bc.finish(), StandardCharsets.ISO_8859_1);
    }

    static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
    }

    /** A MessageDigest whose "digest" is its input: lets the test see the canonical octets. */
    private static final class Recorder extends MessageDigest {
        private final java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();

        Recorder() {
            super("record");
        }

        @Override
        protected void engineUpdate(byte input) {
            seen.write(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            seen.write(input, offset, len);
        }

        @Override
        protected byte[] engineDigest() {
            byte[] out = seen.toByteArray();
            seen.reset();
            return out;
        }

        @Override
        protected void engineReset() {
            seen.reset();
        }
    }
}
