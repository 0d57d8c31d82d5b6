package dev.tern.delivery.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StsPolicyTest {
    /** RFC 8461 §3.2's example policy. */
    static final String EXAMPLE = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
            + "mx: backupmx.example.com\r\nmax_age: 604800\r\n";

    @Test
    void parsesTheRfcExample() {
        var parsed = (StsPolicy.Parsed.Valid) StsPolicy.parse(EXAMPLE);
        assertThat(parsed.policy().mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(parsed.policy().maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(parsed.policy().mx()).extracting(MxPattern::pattern)
                .containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
        assertThat(parsed.policy().lines()).containsExactly("version: STSv1", "mode: enforce", "mx: mail.example.com",
                "mx: *.example.net", "mx: backupmx.example.com", "max_age: 604800");
        assertThat(parsed.policy().allows("mx1.example.net")).isTrue();
        assertThat(parsed.policy().allows("other.example.com")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # valid: LF or CRLF lines, any order, unknown keys ignored, spaces around the colon, mode none without mx
            version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: 86400                      | VALID enforce 86400
            max_age: 0\\nmx: a.example\\nmode: testing\\nversion: STSv1\\n                       | VALID testing 0
            version:STSv1\\r\\nmode :  none\\r\\nmax_age: 31557600\\r\\n                         | VALID none 31557600
            version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: 60\\nfuture_key: x\\n\\n   | VALID enforce 60
            # invalid (TLS-RPT sts-policy-invalid)
            version: STSv2\\nmode: enforce\\nmx: a.example\\nmax_age: 60                        | INVALID
            mode: enforce\\nmx: a.example\\nmax_age: 60                                         | INVALID
            version: STSv1\\nmode: strict\\nmx: a.example\\nmax_age: 60                         | INVALID
            version: STSv1\\nmode: enforce\\nmax_age: 60                                        | INVALID
            version: STSv1\\nmode: testing\\nmx: a.example                                      | INVALID
            version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: 31557601                  | INVALID
            version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: -1                        | INVALID
            version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: 12345678901               | INVALID
            version: STSv1\\nmode: enforce\\nmode: none\\nmx: a.example\\nmax_age: 60           | INVALID
            version: STSv1\\nmode: enforce\\nmx: a..example\\nmax_age: 60                       | INVALID
            version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: 60\\njunk line            | INVALID
            <html>not a policy</html>                                                           | INVALID
            """)
    void parsesPolicies(String body, String expected) {
        String text = body.replace("\\r", "\r").replace("\\n", "\n");
        String got = switch (StsPolicy.parse(text)) {
            case StsPolicy.Parsed.Valid v -> "VALID " + v.policy().mode().token() + " " + v.policy().maxAge().toSeconds();
            case StsPolicy.Parsed.Invalid i -> "INVALID";
        };
        assertThat(got).isEqualTo(expected);
    }
}
