package dev.tern.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6376 §3.2 tag=value lists. */
class TagListTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # text                               | expected (tags as {k=v}, or Malformed)
            v=1; a=rsa-sha256                    | {v=1, a=rsa-sha256}
            v=1;a=rsa-sha256;                    | {v=1, a=rsa-sha256}
            ' v = 1 ; b = ab cd \\r\\n\\t ef ; ' | {v=1, b=ab cd \\r\\n\\t ef}
            k=                                   | {k=}
            x_1=a:b~c                            | {x_1=a:b~c}
            V=1; v=2                             | {V=1, v=2}
            # errors
            v=1; v=1                             | Malformed
            ''                                   | Malformed
            ;                                    | Malformed
            v=1;; a=2                            | Malformed
            v1                                   | Malformed
            1v=1                                 | Malformed
            =1                                   | Malformed
            v=a\\u0001b                          | Malformed
            """)
    void parses(String text, String expected) {
        TagList.Parsed parsed = TagList.parse(unescape(text));
        String actual = switch (parsed) {
            case TagList.Parsed.Ok ok -> ok.tags().tags().toString();
            case TagList.Parsed.Malformed m -> "Malformed";
        };
        assertThat(actual).isEqualTo(unescape(expected));
    }

    static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t").replace("\\u0001", "\u0001");
    }
}
