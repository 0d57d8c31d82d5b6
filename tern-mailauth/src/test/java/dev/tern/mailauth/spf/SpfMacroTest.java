package dev.tern.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpfMacroTest {
    private static SpfMacro.Context context(String ip) {
        return new SpfMacro.Context(InetAddress.ofLiteral(ip), "strong-bad@email.example.com", "email.example.com",
                "mx.example.org", () -> "mx.example.org", "receiver.example.net", 1_700_000_000L);
    }

    // RFC 7208 §7.4's examples, then the escapes, URL-encoding and the exp-only letters.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        %{s}                               | strong-bad@email.example.com
        %{o}                               | email.example.com
        %{d}                               | email.example.com
        %{d4}                              | email.example.com
        %{d3}                              | email.example.com
        %{d2}                              | example.com
        %{d1}                              | com
        %{dr}                              | com.example.email
        %{d2r}                             | example.email
        %{l}                               | strong-bad
        %{l-}                              | strong.bad
        %{lr}                              | strong-bad
        %{lr-}                             | bad.strong
        %{l1r-}                            | strong
        %{ir}.%{v}._spf.%{d2}              | 3.2.0.192.in-addr._spf.example.com
        %{lr-}.lp._spf.%{d2}               | bad.strong.lp._spf.example.com
        %{lr-}.lp.%{ir}.%{v}._spf.%{d2}    | bad.strong.lp.3.2.0.192.in-addr._spf.example.com
        %{ir}.%{v}.%{l1r-}.lp._spf.%{d2}   | 3.2.0.192.in-addr.strong.lp._spf.example.com
        %{d2}.trusted-domains.example.net  | example.com.trusted-domains.example.net
        %{h}                               | mx.example.org
        %{p}                               | mx.example.org
        %{S}                               | strong-bad%40email.example.com
        a%%b%_c%-d                         | a%b c%20d
        """)
    void expandsRfcExamples(String macro, String expected) {
        assertThat(SpfMacro.expand(macro, context("192.0.2.3"), false)).isEqualTo(expected);
    }

    @Test
    void ipv6IsDottedNibbles() {
        // RFC 7208 §7.4: the IPv6 example.
        assertThat(SpfMacro.expand("%{ir}.%{v}._spf.%{d2}", context("2001:db8::cb01"), false)).isEqualTo(
                "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        %{c} from %{r} at %{t}   | 192.0.2.3       | 192.0.2.3 from receiver.example.net at 1700000000
        %{c}                     | 2001:db8::cb01  | 2001:db8::cb01
        %{c}                     | 2001:db8:0:1:0:0:0:1 | 2001:db8:0:1::1
        %{c}                     | 2001:0:0:1:0:0:0:0 | 2001:0:0:1::
        %{c}                     | 2001:db8:1:1:1:1:1:0 | 2001:db8:1:1:1:1:1:0
        """)
    void explanationLetters(String macro, String ip, String expected) {
        assertThat(SpfMacro.expand(macro, context(ip), true)).isEqualTo(expected);
    }

    // RFC 7208 §7.1 grammar: what is not a macro-string (a permerror where it appears).
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        %{c}             | false | allowed only in exp
        %{x}             | false | unknown macro letter
        %{d0}            | false | bad digit transformer
        %{d2x}           | false | bad macro delimiter
        %{d              | false | unclosed
        %                | false | at the end
        %a               | false | not followed by
        %{}              | false | empty
        a b              | false | bad character
        a b              | true  | ''
        %{t}             | true  | ''
        %{d2r+-}         | false | ''
        """)
    void syntaxErrors(String text, boolean explanation, String expected) {
        var error = SpfMacro.syntaxError(text, explanation);
        if (expected.isEmpty()) assertThat(error).isEmpty();
        else assertThat(error).get().asString().contains(expected);
    }
}
