package dev.tern.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PasswordsTest {
    // RFC 4013 §2 mapping and normalization, written with escapes: input | prepared.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        'plain ascii'              | 'plain ascii'
        'no\\u00A0break'           | 'no break'
        'ideographic\\u3000space'  | 'ideographic space'
        'soft\\u00ADhyphen'        | 'softhyphen'
        'zero\\u200Dwidth joiner'  | 'zerowidth joiner'
        'cafe\\u0301'              | 'caf\\u00E9'
        '\\uFF46\\uFF55\\uFF4C\\uFF4C' | 'full'
        '\\u2168'                  | 'IX'
        """)
    void preparesLikeSaslprep(String input, String prepared) {
        assertThat(Passwords.prepare(unescape(input))).isEqualTo(unescape(prepared));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
        'seven77'               | password must have at least 8 characters
        'eight888'              | -
        'шесть-семь'            | -
        'tab\\u0009inside!'     | password must not contain control characters
        'soft\\u00AD\\u00AD123'| password must have at least 8 characters
        """)
    void weaknessNamesTheRule(String password, String weakness) {
        assertThat(Passwords.weakness(unescape(password))).isEqualTo(java.util.Optional.ofNullable(weakness));
    }

    @Test
    void overlongPasswordIsRefused() {
        assertThat(Passwords.weakness("x".repeat(1025))).contains("password must have at most 1024 characters");
        assertThat(Passwords.weakness("x".repeat(1024))).isEmpty();
    }

    static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\u", i)) {
                sb.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                sb.append(s.charAt(i));
            }
        }
        return sb.toString();
    }
}
