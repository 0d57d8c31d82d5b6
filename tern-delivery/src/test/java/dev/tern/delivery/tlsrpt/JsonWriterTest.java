package dev.tern.delivery.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The small JSON writer: RFC 8259 §7 string escapes and the structure rules. */
class JsonWriterTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
        plain                | '"plain"'
        'say "hi"'           | '"say \\"hi\\""'
        back\\slash          | '"back\\\\slash"'
        'tab\there'          | '"tab\\there"'
        'é ü 日本'            | '"é ü 日本"'
        '/'                  | '"/"'
        """)
    void escapesStrings(String text, String expected) {
        assertThat(new JsonWriter().value(text).text()).isEqualTo(expected);
    }

    @Test
    void escapesControlCharactersAndLoneSurrogates() {
        assertThat(new JsonWriter().value("a\nb\r\u0001\u001f\b\f").text()).isEqualTo("\"a\\nb\\r\\u0001\\u001f\\b\\f\"");
        assertThat(new JsonWriter().value("x\ud800y\ud83d\ude00").text()).isEqualTo("\"x\ufffdy\ud83d\ude00\"");
    }

    @Test
    void writesNestedObjectsAndArraysWithCommas() {
        String text = new JsonWriter().beginObject().field("a", 1).name("b").beginArray().value("x").value(2)
                .beginObject().endObject().beginArray().endArray().endArray().field("c", "d").endObject().text();
        assertThat(text).isEqualTo("{\"a\":1,\"b\":[\"x\",2,{},[]],\"c\":\"d\"}");
    }

    @Test
    void misuseIsABug() {
        assertThatThrownBy(() -> new JsonWriter().beginObject().value("no name")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonWriter().beginObject().text()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonWriter().beginArray().endObject()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonWriter().value(1).value(2)).isInstanceOf(IllegalStateException.class);
    }
}
