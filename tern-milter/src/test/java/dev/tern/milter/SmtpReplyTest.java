package dev.tern.milter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SMFIR_REPLYCODE text as smfi_setreply and smfi_setmlreply write it; RFC 5321 §4.2, RFC 3463. */
class SmtpReplyTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # one line, with and without the enhanced code (then X.7.1, a policy decision)
            550 5.7.1 Spam detected                 | 550 5.7.1 Spam detected
            451 4.3.0 Try later                     | 451 4.3.0 Try later
            554 Go away                             | 554 5.7.1 Go away
            421 busy                                | 421 4.7.1 busy
            550 5.7.1                               | 550 5.7.1
            # several lines (CRLF or LF between them), the first line's code for lines without one
            550-5.7.0 first\\r\\n550 5.7.0 second    | 550-5.7.0 first/550 5.7.0 second
            550-5.7.0 first\\n550 second             | 550-5.7.0 first/550 5.7.0 second
            # not a 4xx/5xx reply
            250 2.0.0 Ok                            | invalid
            550 4.7.1 class mismatch                | invalid
            55 short                                | invalid
            550-5.7.0 a\\r\\n551 5.7.0 b             | invalid
            550-5.7.0 a\\r\\n550-5.7.0 b             | invalid
            550 5.7.0 a\\r\\n550 5.7.0 b             | invalid
            550                                     | invalid
            """)
    void parsesReplyCodeText(String text, String expected) {
        String actual = SmtpReply.parse(text.replace("\\r", "\r").replace("\\n", "\n"))
                .map(r -> String.join("/", r.wireLines()))
                .orElse("invalid");
        assertThat(actual).isEqualTo(expected);
    }
}
