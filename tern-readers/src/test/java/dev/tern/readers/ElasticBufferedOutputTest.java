package dev.tern.readers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The IMAP loop's output buffer: same octets out, in writes of at most its maximum, none held after a flush. */
class ElasticBufferedOutputTest {
    private static final int MAX = 1024;

    /** Records each write the socket would see. */
    private static final class Writes extends OutputStream {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        final List<Integer> sizes = new ArrayList<>();
        int flushes;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            all.write(b, off, len);
            sizes.add(len);
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    @ParameterizedTest(name = "{0} writes of {1} octets")
    @CsvSource(delimiter = '|', textBlock = """
            # pieces | octets each | socket writes at most
            1        | 10          | 1
            3        | 200         | 1
            10       | 200         | 3
            100      | 37          | 4
            2        | 1023        | 2
            1        | 1024        | 1
            3        | 5000        | 3
            """)
    void sameOctetsInFewWritesAndNoBufferAfterFlush(int pieces, int size, int maxWrites) throws IOException {
        Writes socket = new Writes();
        ElasticBufferedOutput out = new ElasticBufferedOutput(socket, MAX);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < pieces; i++) {
            byte[] piece = new byte[size];
            Arrays.fill(piece, (byte) ('a' + i % 26));
            out.write(piece);
            expected.write(piece);
        }
        assertThat(out.capacity()).isLessThanOrEqualTo(MAX);
        out.flush();
        assertThat(socket.all.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(socket.sizes).hasSizeLessThanOrEqualTo(maxWrites);
        assertThat(socket.flushes).isEqualTo(1);
        assertThat(out.capacity()).isZero();
    }

    @Test
    void singleOctetsAndSmallWritesStartSmall() throws IOException {
        Writes socket = new Writes();
        ElasticBufferedOutput out = new ElasticBufferedOutput(socket, MAX);
        out.write('*');
        out.write(" OK\r\n".getBytes());
        assertThat(out.capacity()).isEqualTo(512);
        assertThat(socket.sizes).isEmpty();
        out.flush();
        assertThat(socket.all.toString()).isEqualTo("* OK\r\n");
        assertThat(socket.sizes).containsExactly(6);
    }
}
