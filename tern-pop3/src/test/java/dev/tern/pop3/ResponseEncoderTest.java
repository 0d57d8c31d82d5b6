package dev.tern.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ResponseEncoderTest {
    /** Rows: content, TOP's line count (-1: RETR), what goes on the wire after the status line; \n stands for CRLF. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            # RFC 1939 §3: CRLF lines, dot-stuffing, a terminating dot on its own line
            'A: 1\\n\\nbody\\n'         | -1 | 'A: 1\\n\\nbody\\n.\\n'
            'A: 1\\n\\n.hidden\\n..\\n.\\n' | -1 | 'A: 1\\n\\n..hidden\\n...\\n..\\n.\\n'
            'A: 1\\n\\nno end'          | -1 | 'A: 1\\n\\nno end\\n.\\n'
            ''                          | -1 | '.\\n'
            # bare LF and bare CR become CRLF
            'A: 1|LF||LF|x|LF|'         | -1 | 'A: 1\\n\\nx\\n.\\n'
            'A: 1|CR||CR|x'             | -1 | 'A: 1\\n\\nx\\n.\\n'
            # RFC 1939 §7 TOP: headers, the empty line, n body lines
            'A: 1\\nB: 2\\n\\nl1\\nl2\\nl3\\n' | 0 | 'A: 1\\nB: 2\\n\\n.\\n'
            'A: 1\\nB: 2\\n\\nl1\\nl2\\nl3\\n' | 2 | 'A: 1\\nB: 2\\n\\nl1\\nl2\\n.\\n'
            'A: 1\\n\\nl1\\n.l2\\n'     | 9 | 'A: 1\\n\\nl1\\n..l2\\n.\\n'
            'A: 1\\nB: 2\\n'            | 0 | 'A: 1\\nB: 2\\n.\\n'
            """)
    void streamsMessagesDotStuffed(String content, int top, String expected) throws IOException {
        byte[] octets = wire(content).getBytes(StandardCharsets.ISO_8859_1);
        String written = written(new Response.Message("x", new ByteArrayInputStream(octets),
                top < 0 ? OptionalInt.empty() : OptionalInt.of(top)));
        assertThat(written).isEqualTo("+OK x\r\n" + wire(expected));
    }

    @Test
    void writesStatusLinesAndLists() throws IOException {
        assertThat(written(new Response.Ok(""))).isEqualTo("+OK\r\n");
        assertThat(written(new Response.Ok("2 320"))).isEqualTo("+OK 2 320\r\n");
        assertThat(written(new Response.Err(ResponseCode.SYS_TEMP, "later"))).isEqualTo("-ERR [SYS/TEMP] later\r\n");
        assertThat(written(new Response.Err("no such message"))).isEqualTo("-ERR no such message\r\n");
        assertThat(written(new Response.Challenge(""))).isEqualTo("+ \r\n");
        assertThat(written(new Response.Lines("list", List.of("1 120", ".x")))).isEqualTo("+OK list\r\n1 120\r\n..x\r\n.\r\n");
    }

    private static String wire(String row) {
        return row.replace("\\n", "\r\n").replace("|LF|", "\n").replace("|CR|", "\r");
    }

    private static String written(Response response) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ResponseEncoder.write(response, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
