package dev.tern.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5322 §2.2: fields, folding, and malformed lines kept rather than dropped. */
class HeaderSectionTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # section (\\r \\n \\t escaped)            | names                 | values
            From: a@b\\r\\nTo: c@d\\r\\n                 | From,To               | a@b,c@d
            From: a@b\\nTo: c@d\\n                       | From,To               | a@b,c@d
            Subject: one\\r\\n two\\r\\n\\tthree\\r\\n   | Subject               | one two\\tthree
            Subject : spaced\\r\\n                       | Subject               | spaced
            no colon here\\r\\nFrom: a@b\\r\\n           | ~,From                 | no colon here,a@b
            \\tstray continuation\\r\\nFrom: x\\r\\n     | ~,From                 | stray continuation,x
            Bad Name: v\\r\\n                            | ~                     | v
            From: a@b\\r\\nX: no final break             | From,X                | a@b,no final break
            From: a@b\\r\\n\\r\\nbody: not a field\\r\\n | From                  | a@b
            """)
    void parsesFields(String section, String names, String values) {
        List<HeaderField> fields = HeaderSection.parse(unescape(section).getBytes(StandardCharsets.UTF_8));
        assertThat(fields).extracting(HeaderField::name).containsExactly(names.replace("~", "").split(",", -1));
        assertThat(fields).extracting(HeaderField::value).containsExactly(unescape(values).split(","));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            From: a@b\\r\\nSubject: x\\r\\n y\\r\\n
            junk\\r\\nFrom:a\\r\\n
            """)
    void roundTripsOctetForOctet(String section) {
        byte[] bytes = unescape(section).getBytes(StandardCharsets.UTF_8);
        assertThat(HeaderSection.toBytes(HeaderSection.parse(bytes))).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            From: x   | from   | true
            FROM: x   | From   | true
            From: x   | To     | false
            junk      | ''     | false
            """)
    void matchesNamesWithoutCase(String text, String name, boolean expected) {
        assertThat(HeaderField.of(text).is(name)).isEqualTo(expected);
    }

    static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
    }
}
