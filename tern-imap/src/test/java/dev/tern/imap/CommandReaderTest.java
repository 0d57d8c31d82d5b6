package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reader: lines, literals (RFC 9051 §4.3, RFC 7888, RFC 3516), limits and resynchronisation. ⏎ is CRLF. */
class CommandReaderTest {
    static final ReaderLimits SMALL = new ReaderLimits(1024, 100, 20, 4096, 3);

    // A pipelined stream with every kind of line ending and literal; the events it must give, however it is cut.
    static final String STREAM = "a1 NOOP⏎a2 LOGIN {4}⏎fred {3+}⏎pw!⏎a3 APPEND INBOX ~{5}⏎a\0b\r\n⏎a4 SEARCH SUBJECT {0+}⏎⏎a5 LOGOUT\n";
    static final List<String> STREAM_EVENTS = List.of(
            "a1 NOOP", "+4", "a2 LOGIN {4}|fred| {3+}|pw!|", "+5", "a3 APPEND INBOX ~{5}|a\0b\r\n|", "a4 SEARCH SUBJECT {0+}||", "a5 LOGOUT");

    @Test
    void readsAStreamFedInOnePiece() {
        assertThat(Wire.events(new CommandReader(ReaderLimits.defaults()), Wire.octets(STREAM))).isEqualTo(STREAM_EVENTS);
    }

    @Test
    void readsTheSameSplitAtEveryByteBoundary() {
        byte[] octets = Wire.octets(STREAM);
        for (int cut = 0; cut <= octets.length; cut++) {
            assertThat(Wire.events(new CommandReader(ReaderLimits.defaults()), octets, cut)).as("cut at %d", cut).isEqualTo(STREAM_EVENTS);
        }
    }

    @Test
    void readsTheSameSplitAtEveryPairOfByteBoundaries() {
        byte[] octets = Wire.octets(STREAM);
        for (int a = 0; a <= octets.length; a++) {
            for (int b = a; b <= octets.length; b++) {
                assertThat(Wire.events(new CommandReader(ReaderLimits.defaults()), octets, a, b)).as("cut at %d and %d", a, b).isEqualTo(STREAM_EVENTS);
            }
        }
    }

    @Test
    void readsTheSameFedOneByteAtATime() {
        byte[] octets = Wire.octets(STREAM);
        int[] cuts = new int[octets.length - 1];
        for (int i = 0; i < cuts.length; i++) cuts[i] = i + 1;
        assertThat(Wire.events(new CommandReader(ReaderLimits.defaults()), octets, cuts)).isEqualTo(STREAM_EVENTS);
    }

    @Test
    void aCrlfSplitBetweenCrAndLfEndsTheLineOnce() {
        byte[] octets = Wire.octets("a1 NOOP⏎");
        assertThat(Wire.events(new CommandReader(ReaderLimits.defaults()), octets, 8)).containsExactly("a1 NOOP");
    }

    @Test
    void noContinuationIsAskedForANonSynchronizingLiteral() {
        assertThat(Wire.events(new CommandReader(ReaderLimits.defaults()), Wire.octets("a1 LOGIN {4+}⏎fred x⏎")))
                .containsExactly("a1 LOGIN {4+}|fred| x");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '¤', textBlock = """
        # Limits: line 1024, APPEND literal 100, other literal 20, command 4096, depth 3 (SMALL).
        # RFC 9051 §7.1 TOOBIG: a refused {n} is not sent by the client (§7.5), so the next line is a new command.
        a1 LOGIN fred {21}⏎a2 NOOP⏎                 => a1 NO [TOOBIG] Literal too big ; a2 NOOP
        a1 APPEND INBOX {101}⏎a2 NOOP⏎              => a1 NO [TOOBIG] Literal too big ; a2 NOOP
        a1 APPEND INBOX {100}⏎                      => +100
        # RFC 7888 §4: a refused {n+} still arrives; it is skipped with the rest of its command.
        a1 LOGIN fred {21+}⏎a2 LOGOUT is not a cmd⏎a3 NOOP⏎  => a1 BAD [TOOBIG] Literal too big ; a3 NOOP
        a1 LOGIN {21+}⏎a2 LOGOUT is not a cm {4+}⏎a4⏎ x⏎a3 NOOP⏎  => a1 BAD [TOOBIG] Literal too big ; a3 NOOP
        # Past twice the cap a {n+} is not worth reading (99 MB to skip): * BYE, and the reader takes nothing more.
        a1 LOGIN fred {40+}⏎{40a}⏎a2 NOOP⏎          => a1 BAD [TOOBIG] Literal too big ; a2 NOOP
        a1 LOGIN fred {41+}⏎a2 NOOP⏎                => * BYE [TOOBIG] Literal too big; closing the connection
        a1 APPEND INBOX {201+}⏎a2 NOOP⏎             => * BYE [TOOBIG] Literal too big; closing the connection
        a1 NOOP {1100a} {201+}⏎a2 NOOP⏎             => a1 BAD Command line too long ; * BYE [TOOBIG] Literal too big; closing the connection
        a1 APPEND INBOX {201}⏎a2 NOOP⏎              => a1 NO [TOOBIG] Literal too big ; a2 NOOP
        # Nesting: three levels pass, a fourth is refused; parentheses in quoted strings do not count.
        a1 SEARCH (((ALL)))⏎                        => a1 SEARCH (((ALL)))
        a1 SEARCH ((((ALL))))⏎a2 NOOP⏎              => a1 BAD Lists nested too deeply ; a2 NOOP
        a1 SEARCH SUBJECT "(((("⏎                   => a1 SEARCH SUBJECT "(((("
        a1 SEARCH ((({1+}⏎(⏎a2 NOOP⏎                => a1 SEARCH ((({1+}|(| ; a2 NOOP
        a1 SEARCH (((({2+}⏎((⏎a2 NOOP⏎              => a1 BAD Lists nested too deeply ; a2 NOOP
        # Several literals in one command: the second may break the per-command total.
        a1 LOGIN {3}⏎abc {3}⏎def⏎                   => +3 ; +3 ; a1 LOGIN {3}|abc| {3}|def|
        # Bare LF ends a line as CRLF does; an empty line is an (invalid) command of its own.
        a1 NOOP\\na2 NOOP⏎                          => a1 NOOP ; a2 NOOP
        ⏎a1 NOOP⏎                                   => <empty> ; a1 NOOP
        # A line of exactly 1024 octets (tag and verb included) passes; 1025 is refused; an unreadable tag gets an untagged BAD.
        a1 NOOP {1016a}⏎                            => a1 NOOP {1016a}
        a1 NOOP {1017a}⏎a2 NOOP⏎                    => a1 BAD Command line too long ; a2 NOOP
        (( {1100a}⏎a2 NOOP⏎                         => * BAD Command line too long ; a2 NOOP
        a1 NOOP {1100a} {3+}⏎abc⏎a2 NOOP⏎           => a1 BAD Command line too long ; a2 NOOP
        a1 NOOP {1100a} {3}⏎a2 NOOP⏎                => a1 BAD Command line too long ; a2 NOOP
        """)
    void enforcesLimitsAndResynchronises(String input, String expected) {
        String text = expand(input);
        List<String> events = Wire.events(new CommandReader(SMALL), Wire.octets(text));
        assertThat(String.join(" ; ", events)).isEqualTo(expand(expected).strip());
        // The same events when the octets come one at a time: the refusal does not depend on where reads end.
        byte[] octets = Wire.octets(text);
        int[] cuts = new int[Math.max(0, octets.length - 1)];
        for (int i = 0; i < cuts.length; i++) cuts[i] = i + 1;
        assertThat(String.join(" ; ", Wire.events(new CommandReader(SMALL), octets, cuts))).isEqualTo(expand(expected).strip());
    }

    @Test
    void aHugeRefusedLiteralIsCountedOffNotStored() {
        // 50 MB over a 30 MB cap: under twice the cap, so skipped rather than a reason to close.
        CommandReader reader = new CommandReader(new ReaderLimits(1024, 30_000_000, 20, 36_000_000, 3));
        List<String> events = new ArrayList<>();
        reader.feed(Wire.octets("a1 APPEND INBOX {50000000+}⏎"));
        Wire.drain(reader, events);
        byte[] chunk = new byte[65536];
        for (int i = 0; i < 50_000_000 / chunk.length; i++) {
            reader.feed(chunk);
            Wire.drain(reader, events);
            assertThat(reader.buffered()).isZero();
        }
        reader.feed(new byte[50_000_000 % chunk.length]);
        reader.feed(Wire.octets("⏎a2 NOOP⏎"));
        Wire.drain(reader, events);
        assertThat(events).containsExactly("a1 BAD [TOOBIG] Literal too big", "a2 NOOP");
    }

    @Test
    void anEndlessLineIsNotBuffered() {
        CommandReader reader = new CommandReader(SMALL);
        List<String> events = new ArrayList<>();
        byte[] chunk = "aaaaaaaa".repeat(512).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < 1000; i++) {
            reader.feed(chunk);
            Wire.drain(reader, events);
            assertThat(reader.buffered()).isZero();
        }
        assertThat(events).containsExactly("* BAD Command line too long");
    }

    @Test
    void largerAppendLimitAppliesFromTheNextCommand() {
        CommandReader reader = new CommandReader(SMALL);
        reader.limits(SMALL.withMaxAppendLiteralOctets(1000));
        assertThat(Wire.events(reader, Wire.octets("a1 APPEND INBOX {500}⏎"))).containsExactly("+500");
    }

    @Test
    void beforeLoginACommandOfManyPasswordSizedLiteralsIsRefused() {
        // Each literal is within the 64 KiB cap; together they pass what a command before login may hold.
        CommandReader reader = new CommandReader(ReaderLimits.defaults().beforeLogin());
        String literal = "{60000+}⏎" + "x".repeat(60000);
        List<String> events = Wire.events(reader, Wire.octets("a1 LOGIN " + literal + " " + literal + " " + literal + "⏎a2 NOOP⏎"));
        assertThat(events).hasSize(2);
        assertThat(events.getFirst()).startsWith("a1 BAD [TOOBIG]");
        assertThat(events.getLast()).isEqualTo("a2 NOOP");
        assertThat(Wire.events(new CommandReader(ReaderLimits.defaults().beforeLogin()),
                Wire.octets("a1 APPEND INBOX {1000000}⏎"))).singleElement().asString().startsWith("a1 NO [TOOBIG]");
    }

    /** {1014a} is 1014 times "a". */
    static String expand(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\d+)a}").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, "a".repeat(Integer.parseInt(m.group(1))));
        m.appendTail(out);
        return out.toString().replace("\\n", "\n");
    }
}
