package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Maildir file holds LF line endings (delivery and APPEND turn CRLF into LF, {@code docs/maildir.md}); a
 * reader gets CRLF. A lone CR is data and stays; an LF already after a CR gets no second CR.
 */
class LfToCrlfTest {
    // \r and \n stand for CR and LF. Each row runs with every combination of tiny and large buffers on both
    // sides, and a source that gives one octet per read, so runs, CRs and LFs split across reads are covered.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''                    | ''
            \\n                   | \\r\\n
            \\n\\n\\n             | \\r\\n\\r\\n\\r\\n
            a                     | a
            a\\nb                 | a\\r\\nb
            a\\nb\\n              | a\\r\\nb\\r\\n
            a\\r\\nb              | a\\r\\nb
            a\\rb                 | a\\rb
            \\r                   | \\r
            x\\r                  | x\\r
            \\r\\r\\n             | \\r\\r\\n
            \\n\\r                | \\r\\n\\r
            \\r\\n\\n             | \\r\\n\\r\\n
            Subject: x\\n\\nbody\\n.\\n | Subject: x\\r\\n\\r\\nbody\\r\\n.\\r\\n
            """)
    void givesCrlfForEachBareLf(String file, String expected) throws IOException {
        byte[] lf = unescape(file);
        byte[] crlf = unescape(expected);
        for (int raw : new int[] {1, 2, 3, LfToCrlf.BUFFER_SIZE}) {
            for (int out : new int[] {1, 2, 3, 64 * 1024}) {
                for (boolean trickle : new boolean[] {false, true}) {
                    assertThat(convert(lf, raw, out, trickle)).as("raw %d out %d trickle %s", raw, out, trickle)
                            .isEqualTo(crlf);
                }
            }
        }
        assertThat(LfToCrlf.crlfSize(new ByteArrayInputStream(lf))).isEqualTo(crlf.length);
        assertThat(LfToCrlf.crlfSize(new Trickle(lf))).isEqualTo(crlf.length);
    }

    @Test
    void largeRandomContentMatchesTheOctetByOctetRuleAndItsSize() throws IOException {
        Random random = new Random(8);
        byte[] lf = new byte[300_000];
        byte[] alphabet = {'a', 'b', '\r', '\n', '\n', ' '};
        for (int i = 0; i < lf.length; i++) lf[i] = alphabet[random.nextInt(alphabet.length)];
        byte[] expected = reference(lf);
        assertThat(convert(lf, LfToCrlf.BUFFER_SIZE, 8192, false)).isEqualTo(expected);
        assertThat(convert(lf, 7, 5, false)).isEqualTo(expected);
        assertThat(LfToCrlf.crlfSize(new ByteArrayInputStream(lf))).isEqualTo(expected.length);
    }

    @Test
    void singleOctetReadsAndSkipGiveTheSameOctets() throws IOException {
        byte[] lf = unescape("ab\\ncd\\r\\nef\\n\\n");
        byte[] crlf = reference(lf);
        try (InputStream in = new LfToCrlf(new ByteArrayInputStream(lf), 2)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) out.write(b);
            assertThat(out.toByteArray()).isEqualTo(crlf);
        }
        try (InputStream in = new LfToCrlf(new ByteArrayInputStream(lf), 3)) {
            assertThat(in.skip(3)).isEqualTo(3); // "ab\r"
            assertThat(in.read()).isEqualTo('\n');
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(crlf, 4, crlf.length));
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    /** The rule, one octet at a time: an LF not after a CR gets a CR in front. */
    private static byte[] reference(byte[] lf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte previous = 0;
        for (byte b : lf) {
            if (b == '\n' && previous != '\r') out.write('\r');
            out.write(b);
            previous = b;
        }
        return out.toByteArray();
    }

    private static byte[] convert(byte[] lf, int rawBuffer, int outBuffer, boolean trickle) throws IOException {
        InputStream source = trickle ? new Trickle(lf) : new ByteArrayInputStream(lf);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[outBuffer];
        try (InputStream in = new LfToCrlf(source, rawBuffer)) {
            int n;
            int reads = 0;
            while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                assertThat(n).isPositive();
                out.write(buffer, 0, n);
                assertThat(++reads).isLessThanOrEqualTo(2 * lf.length + 2); // bounded
            }
        }
        return out.toByteArray();
    }

    private static byte[] unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Gives at most one octet per read, as a slow stream may. */
    private static final class Trickle extends ByteArrayInputStream {
        Trickle(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1));
        }
    }
}
