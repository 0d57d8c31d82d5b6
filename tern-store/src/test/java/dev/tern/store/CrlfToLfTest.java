package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CrlfToLfTest {
    // Written with visible escapes: \r and \n stand for CR and LF. Each row runs with tiny buffers too, so a
    // CRLF split across two reads is covered.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            a\\r\\nb\\r\\n        | a\\nb\\n
            ''                    | ''
            \\r\\n                | \\n
            \\r                   | \\r
            a\\rb                 | a\\rb
            \\r\\r\\n             | \\r\\n
            \\n\\r                | \\n\\r
            a\\nb                 | a\\nb
            \\r\\n\\r\\n.\\r\\n   | \\n\\n.\\n
            x\\r\\r               | x\\r\\r
            """)
    void turnsCrlfIntoLf(String input, String expected) throws IOException {
        for (int bufferSize : new int[] {1, 2, 3, CrlfToLf.BUFFER_SIZE}) {
            assertThat(convert(unescape(input), bufferSize)).as("buffer " + bufferSize).isEqualTo(unescape(expected));
        }
    }

    private static String convert(String input, int bufferSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long written = CrlfToLf.copy(new ByteArrayInputStream(input.getBytes(StandardCharsets.ISO_8859_1)),
                Channels.newChannel(out), new byte[bufferSize]);
        assertThat(written).isEqualTo(out.size());
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n");
    }
}
