package dev.tern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeaderScannerTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '¤', textBlock = """
        # content (Java escapes)                                            | max | Received | too large
        # RFC 5321 §6.3: count Received: fields (RFC 5322 §3.6.7) to find loops; field names are case-insensitive.
        Received: from a\\r\\nreceived: from b\\r\\nRECEIVED: x\\r\\n\\r\\nbody\\r\\n | 100 | 3 | false
        Received : obsolete space before the colon\\r\\n\\r\\n                | 100 | 1 | false
        Received\\t: obsolete tab\\r\\n\\r\\n                                 | 100 | 1 | false
        # Only at line starts, only in the header section (RFC 5322 §2.1: up to the first empty line).
        Subject: Received: no\\r\\n X-Received: no\\r\\n\\r\\n                | 100 | 0 | false
        Subject: x\\r\\n\\tReceived: folded continuation\\r\\n\\r\\n           | 100 | 0 | false
        X-Received: no\\r\\nReceivedX: no\\r\\nReceive: no\\r\\n\\r\\n         | 100 | 0 | false
        Subject: x\\r\\n\\r\\nReceived: in the body\\r\\n                     | 100 | 0 | false
        \\r\\nReceived: after an empty header section\\r\\n                   | 100 | 0 | false
        Received: no body at all\\r\\n                                       | 100 | 1 | false
        # The header section size counts header lines with their CRLF, not the empty line.
        1234567\\r\\n\\r\\n                                                   | 9   | 0 | false
        12345678\\r\\n\\r\\n                                                  | 9   | 0 | true
        12345678                                                              | 7   | 0 | true
        1234567\\r\\n\\r\\nbody longer than the limit\\r\\n                   | 9   | 0 | false
        """)
    void countsReceivedFieldsInTheHeaderSection(String content, int max, int received, boolean tooLarge) {
        byte[] bytes = content.translateEscapes().getBytes(StandardCharsets.ISO_8859_1);
        for (int chunk = 1; chunk <= bytes.length; chunk++) {
            HeaderScanner scanner = new HeaderScanner(max);
            for (int at = 0; at < bytes.length; at += chunk) scanner.scan(bytes, at, Math.min(chunk, bytes.length - at));
            assertThat(scanner.receivedCount()).as("Received: fields, chunks of %d", chunk).isEqualTo(received);
            assertThat(scanner.headerTooLarge()).as("too large, chunks of %d", chunk).isEqualTo(tooLarge);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '¤', textBlock = """
        # content (Java escapes)                                         | Date | Message-ID
        # RFC 6409 §8.2/§8.3: a submission server adds Date: and Message-ID: when they are missing.
        Date: Sun, 29 Nov 2026 10:00:00 +0000\\r\\nMessage-ID: <a@b>\\r\\n\\r\\n | 1 | 1
        DATE: x\\r\\nmessage-id : <a@b>\\r\\n\\r\\n                   | 1 | 1
        Subject: no date\\r\\n\\r\\nDate: in the body\\r\\n          | 0 | 0
        X-Date: no\\r\\nDated: no\\r\\nMessage-IDs: no\\r\\n\\r\\n  | 0 | 0
        Resent-Date: no\\r\\nIn-Reply-To: <x>\\r\\n\\r\\n             | 0 | 0
        """)
    void notesDateAndMessageIdFields(String content, int date, int messageId) {
        byte[] bytes = content.translateEscapes().getBytes(StandardCharsets.ISO_8859_1);
        for (int chunk = 1; chunk <= bytes.length; chunk++) {
            HeaderScanner scanner = new HeaderScanner(1000);
            for (int at = 0; at < bytes.length; at += chunk) scanner.scan(bytes, at, Math.min(chunk, bytes.length - at));
            assertThat(scanner.count(HeaderScanner.Field.DATE)).as("Date:, chunks of %d", chunk).isEqualTo(date);
            assertThat(scanner.count(HeaderScanner.Field.MESSAGE_ID)).as("Message-ID:, chunks of %d", chunk)
                    .isEqualTo(messageId);
        }
    }

    @org.junit.jupiter.api.Test
    void stopsAtTheEndOfTheHeaderSection() {
        HeaderScanner scanner = new HeaderScanner(1000);
        byte[] head = "Received: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        scanner.scan(head, 0, head.length);
        assertThat(scanner.headerEnded()).isTrue();
        byte[] body = "Received: b\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        scanner.scan(body, 0, body.length);
        assertThat(scanner.receivedCount()).isEqualTo(1);
        assertThat(scanner.headerTooLarge()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '¤', textBlock = """
        # content (Java escapes)                          | header section octets, the empty line included
        A: 1\\r\\n\\r\\nbody\\r\\n                         | 8
        \\r\\nbody starts at once\\r\\n                     | 2
        A: 1\\r\\n B: folded\\r\\n\\r\\n\\r\\nbody\\r\\n  | 20
        A: bare LF\\n\\nbody\\n                           | 12
        """)
    void findsWhereTheBodyStartsWhateverTheChunks(String content, long sectionLength) {
        byte[] bytes = content.translateEscapes().getBytes(StandardCharsets.ISO_8859_1);
        for (int chunk = 1; chunk <= bytes.length; chunk++) {
            HeaderScanner scanner = new HeaderScanner(1000);
            for (int at = 0; at < bytes.length; at += chunk) scanner.scan(bytes, at, Math.min(chunk, bytes.length - at));
            assertThat(scanner.headerEnded()).isTrue();
            assertThat(scanner.headerSectionLength()).as("chunks of %d", chunk).isEqualTo(sectionLength);
        }
    }
}
