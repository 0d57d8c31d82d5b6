package dev.tern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TlsRequiredFieldTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # RFC 8689 §3: TLS-Required: No, field names without case, the value any case
            From: a@b\\r\\nTLS-Required: No\\r\\n\\r\\nbody                 | true
            tls-required:no\\r\\nSubject: x\\r\\n\\r\\n                       | true
            TLS-Required:   NO  \\nSubject: x\\n\\n                           | true
            # folded
            TLS-Required:\\r\\n No\\r\\n\\r\\n                                | true
            # not it: another value, in the body, another field
            TLS-Required: Yes\\r\\n\\r\\n                                      | false
            TLS-Required: No thanks\\r\\n\\r\\n                                | false
            Subject: x\\r\\n\\r\\nTLS-Required: No\\r\\n                       | false
            X-TLS-Required: No\\r\\n\\r\\n                                     | false
            Subject: TLS-Required: No\\r\\n\\r\\n                              | false
            """)
    void findsTheField(String message, boolean no) throws IOException {
        String text = message.replace("\\r", "\r").replace("\\n", "\n");
        assertThat(TlsRequiredField.saysNo(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))).isEqualTo(no);
    }

    @Test
    void readsNoFurtherThanTheLimit() throws IOException {
        String padding = "X-Pad: " + "a".repeat(70) + "\r\n";
        String text = padding.repeat(TlsRequiredField.MAX_HEADER_BYTES / padding.length() + 1) + "TLS-Required: No\r\n\r\n";
        assertThat(TlsRequiredField.saysNo(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))).isFalse();
    }
}
