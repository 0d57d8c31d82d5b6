package dev.tern.app.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # RFC 8259 values
            '{}'                                  | Obj[members={}]
            '{"a":1,"b":[true,false,null]}'       | Obj[members={a=Num[text=1], b=Arr[items=[Bool[value=true], Bool[value=false], Null[]]]}]
            ' [ -0 , 12.5e+3 ] '                  | Arr[items=[Num[text=-0], Num[text=12.5e+3]]]
            '"a\\"b\\\\c\\u00e9\\/"'              | Str[value=a"b\\cé/]
            '{"a":1,"a":2}'                       | Obj[members={a=Num[text=2]}]
            # not JSON: empty
            '{'                                   | <none>
            '{"a"}'                               | <none>
            '{"a":1,}'                            | <none>
            '[1 2]'                               | <none>
            '01'                                  | <none>
            '1.'                                  | <none>
            '"\\x"'                               | <none>
            '"\\u12"'                             | <none>
            'tru'                                 | <none>
            '{} x'                                | <none>
            ''                                    | <none>
            """)
    void parsesValuesAndRefusesTheRest(String text, String expected) {
        Optional<JsonValue> value = Json.parse(text);
        assertThat(value.map(Object::toString).orElse("<none>")).isEqualTo(expected);
    }

    @Test
    void rawControlCharacterInAStringIsRefused() {
        assertThat(Json.parse("\"a\u0001b\"")).isEmpty();
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedWithoutExhaustingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThat(Json.parse(deep)).isEmpty();
        String allowed = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThat(Json.parse(allowed)).isPresent();
    }

    @Test
    void quotedStringsReadBackUnchanged() {
        String nasty = "quote\" backslash\\ nl\n cr\r tab\t nul\u0000 del\u007f ls\u2028 é 😀";
        String quoted = Json.quote(new StringBuilder(), nasty).toString();
        assertThat(quoted).doesNotContain("\n", "\r", "\u0000", "\u2028");
        assertThat(Json.parse(quoted)).contains(new JsonValue.Str(nasty));
    }
}
