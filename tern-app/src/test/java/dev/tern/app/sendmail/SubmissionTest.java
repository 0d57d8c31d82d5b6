package dev.tern.app.sendmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How {@code tern sendmail} reads its input: dots, line ends, -t recipients and the Bcc: removal. */
class SubmissionTest {
    record Case(String name, String input, List<String> arguments, boolean dotEnds, boolean fromHeader,
                String message, List<String> recipients) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("LF becomes CRLF", "Subject: a\n\nbody\n", List.of("bob@x.test"), true, false,
                        "Subject: a\r\n\r\nbody\r\n", List.of("bob@x.test")),
                new Case("a lone dot ends the input", "Subject: a\n\none\n.\nlost\n", List.of("bob@x.test"), true, false,
                        "Subject: a\r\n\r\none\r\n", List.of("bob@x.test")),
                new Case("-i keeps a lone dot", "Subject: a\n\none\n.\nkept\n", List.of("bob@x.test"), false, false,
                        "Subject: a\r\n\r\none\r\n.\r\nkept\r\n", List.of("bob@x.test")),
                new Case("a dot inside a line is text", "Subject: a\n\n..x\n.y\n", List.of("bob@x.test"), true, false,
                        "Subject: a\r\n\r\n..x\r\n.y\r\n", List.of("bob@x.test")),
                new Case("no final newline", "Subject: a\r\n\r\nend", List.of("bob@x.test"), true, false,
                        "Subject: a\r\n\r\nend\r\n", List.of("bob@x.test")),
                new Case("-t takes To, Cc and Bcc and drops Bcc",
                        "To: Bob <bob@x.test>, carol@y.test\nCc: dan@x.test\nBcc: eve@z.test\nSubject: s\n\nbody\nBcc: stays\n",
                        List.of(), true, true,
                        "To: Bob <bob@x.test>, carol@y.test\r\nCc: dan@x.test\r\nSubject: s\r\n\r\nbody\r\nBcc: stays\r\n",
                        List.of("bob@x.test", "carol@y.test", "dan@x.test", "eve@z.test")),
                new Case("-t adds to the arguments and reads folded fields and groups",
                        "To: team: ann@x.test,\n\tben@x.test;\nSubject: s\n\nb\n", List.of("arg@x.test"), true, true,
                        "To: team: ann@x.test,\r\n\tben@x.test;\r\nSubject: s\r\n\r\nb\r\n",
                        List.of("arg@x.test", "ann@x.test", "ben@x.test")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void reads(Case c) throws Exception {
        Submission s = Submission.read(new ByteArrayInputStream(c.input().getBytes(StandardCharsets.UTF_8)),
                c.arguments(), c.dotEnds(), c.fromHeader(), 10_000);
        assertThat(new String(s.message(), StandardCharsets.UTF_8)).isEqualTo(c.message());
        assertThat(s.recipients()).isEqualTo(c.recipients());
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void refuses(String input, boolean fromHeader, long limit, String why) {
        assertThatThrownBy(() -> Submission.read(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                List.of(), true, fromHeader, limit)).isInstanceOf(Submission.BadInput.class).hasMessageContaining(why);
    }

    static List<org.junit.jupiter.params.provider.Arguments> refusals() {
        return List.of(
                org.junit.jupiter.params.provider.Arguments.of("Subject: x\n\nb\n", false, 1000, "no recipients"),
                org.junit.jupiter.params.provider.Arguments.of("Subject: x\n\nb\n", true, 1000, "no recipients"),
                org.junit.jupiter.params.provider.Arguments.of("To: \"Bob <bob@x.test>\n\nb\n", true, 1000, "To:"),
                org.junit.jupiter.params.provider.Arguments.of("Subject: " + "x".repeat(200) + "\n", false, 100, "larger"));
    }
}
