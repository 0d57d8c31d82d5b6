package dev.tern.mailauth.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.results.AuthenticationResults.MethodResult;
import dev.tern.mailauth.results.AuthenticationResults.Property;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8601 §2.2 field syntax, and §5's removal of fields claiming our authserv-id. */
class AuthenticationResultsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # method | result    | reason          | properties (name=value, comma-separated) | expected after "mx.example.org; "
            dkim     | pass      | ''              | header.d=example.com,header.s=sel          | dkim=pass header.d=example.com header.s=sel
            dkim     | fail      | bad signature   | header.b=/gCrinpc                          | dkim=fail reason="bad signature" header.b="/gCrinpc"
            spf      | pass      | ''              | smtp.mailfrom=alice@example.com            | spf=pass smtp.mailfrom=alice@example.com
            spf      | none      | ''              | smtp.mailfrom=@example.com                 | spf=none smtp.mailfrom=@example.com
            spf      | softfail  | ''              | smtp.helo=mail.example.com                 | spf=softfail smtp.helo=mail.example.com
            dmarc    | fail      | ''              | header.from=example.com,policy.dmarc=reject | dmarc=fail header.from=example.com policy.dmarc=reject
            dkim     | PASS      | say "hi"\\x     | header.i=a b@example.com                   | dkim=pass reason="say \\"hi\\"\\\\x" header.i="a b@example.com"
            """)
    void writesOneResult(String method, String result, String reason, String properties, String expected) {
        List<Property> props = new ArrayList<>();
        for (String p : properties.split(",")) {
            int eq = p.indexOf('=');
            props.add(new Property(p.substring(0, eq), p.substring(eq + 1)));
        }
        String field = AuthenticationResults.field("mx.example.org",
                List.of(new MethodResult(method, result, reason, props)));
        assertThat(field.replace("\r\n\t", " ")).isEqualTo("Authentication-Results: mx.example.org; " + expected + "\r\n");
    }

    @Test
    void noResultsIsNone() {
        assertThat(AuthenticationResults.field("mx.example.org", List.of()))
                .isEqualTo("Authentication-Results: mx.example.org; none\r\n");
    }

    @Test
    void severalResultsAreSeparatedAndFolded() {
        List<MethodResult> results = new ArrayList<>();
        for (String sel : List.of("tern202612-ed25519", "tern202612-rsa")) {
            results.add(new MethodResult("dkim", "pass", List.of(new Property("header.d", "example.com"),
                    new Property("header.s", sel), new Property("header.b", "AbCdEfGh"))));
        }
        results.add(new MethodResult("spf", "pass", List.of(new Property("smtp.mailfrom", "alice@example.com"))));
        String field = AuthenticationResults.field("mx.example.org", results);
        assertThat(field).endsWith("\r\n").contains("dkim=pass", "; spf=pass", "header.b=AbCdEfGh;");
        for (String line : field.split("\r\n")) assertThat(line.length()).isLessThan(78);
        assertThat(field.replaceAll("\r\n\t", " ")).isEqualTo("Authentication-Results: mx.example.org; dkim=pass"
                + " header.d=example.com header.s=tern202612-ed25519 header.b=AbCdEfGh; dkim=pass"
                + " header.d=example.com header.s=tern202612-rsa header.b=AbCdEfGh; spf=pass"
                + " smtp.mailfrom=alice@example.com\r\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # field                                                              | claims mx.example.org
            Authentication-Results: mx.example.org; dkim=pass                    | true
            Authentication-Results: MX.Example.ORG; spf=fail                     | true
            authentication-results: mx.example.org 1; none                       | true
            Authentication-Results: (forged) mx.example.org (c); dkim=pass       | true
            Authentication-Results: ((nested) c) mx.example.org;none             | true
            Authentication-Results: "mx.example.org"; dkim=pass                  | true
            Authentication-Results:\\r\\n\\tmx.example.org;\\r\\n\\tdkim=pass    | true
            Authentication-Results: mx.example.org.evil; dkim=pass               | false
            Authentication-Results: other.example.net; dkim=pass mx.example.org  | false
            Authentication-Results: ; dkim=pass                                  | false
            Authentication-Results: (unclosed mx.example.org                     | false
            ARC-Authentication-Results: i=1; mx.example.org; dkim=pass           | false
            X-Authentication-Results: mx.example.org; dkim=pass                  | false
            """)
    void recognizesFieldsClaimingOurId(String field, boolean expected) {
        HeaderField f = HeaderField.of(field.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t"));
        assertThat(AuthenticationResults.claims(f, "mx.example.org")).isEqualTo(expected);
    }
}
