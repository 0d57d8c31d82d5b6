package dev.tern.app.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControlRequestTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # the requests
            list                          | Listing[]
            summary                       | Summary[]
            show ABC123                   | Show[id=ABC123]
            flush                         | Flush[target=All[]]
            flush ABC123                  | Flush[target=Message[id=ABC123]]
            flush domain Remote.EXAMPLE   | Flush[target=ToDomain[domain=remote.example]]
            hold ABC123                   | Hold[id=ABC123]
            release ABC123                | Release[id=ABC123]
            delete ABC123                 | Delete[id=ABC123]
            bounce ABC123                 | Bounce[id=ABC123]
            # words must be exact: one space, lower case, nothing more
            LIST                          | Invalid[reason=unknown request]
            list now                      | Invalid[reason=unknown request]
            show                          | Invalid[reason=unknown request]
            show ABC-123                  | Invalid[reason=invalid queue id]
            show ../../etc                | Invalid[reason=invalid queue id]
            flush domain bad..domain      | Invalid[reason=invalid domain]
            flush everything now          | Invalid[reason=unknown request]
            hold A B                      | Invalid[reason=unknown request]
            purge ABC123                  | Invalid[reason=unknown request]
            """)
    void parsesRequestLines(String line, String expected) {
        assertThat(ControlRequest.parse(line).toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''
            ' list'
            'list '
            'show  ABC'
            """)
    void straySpacesAreInvalid(String line) {
        assertThat(ControlRequest.parse(line)).isInstanceOf(ControlRequest.Invalid.class);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            list
            summary
            show ABC123
            flush
            flush ABC123
            flush domain remote.example
            hold ABC123
            release ABC123
            delete ABC123
            bounce ABC123
            """)
    void renderIsTheInverseOfParse(String line) {
        assertThat(ControlRequest.render(ControlRequest.parse(line))).isEqualTo(line);
    }
}
