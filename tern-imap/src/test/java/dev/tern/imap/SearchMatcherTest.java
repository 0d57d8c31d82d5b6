package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.store.MessageMeta;
import dev.tern.store.MessageStructure;
import dev.tern.store.StructureParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9051 §6.4.4 keys against the samples, as the search parser gives them. */
class SearchMatcherTest {
    /** A message of the samples at sequence 3 of 10, UID 30 of at most 99, flagged and with a keyword. */
    record Sample(String name, byte[] content, MessageStructure structure) implements SearchMatcher.Candidate {
        static Sample of(String name) {
            return new Sample(name, Samples.content(name), Samples.structure(name));
        }

        @Override public long sequence() { return 3; }
        @Override public long largestSequence() { return 10; }
        @Override public long largestUid() { return 99; }

        @Override
        public MessageMeta meta() {
            return new MessageMeta(30, 7, Set.of("\\Flagged", "$Important"), Instant.parse("2025-02-03T23:30:00Z"),
                    content.length);
        }
    }

    private static SearchKey key(String search) {
        Command command = CommandParser.parse(RawCommand.of("a SEARCH CHARSET UTF-8 " + search), TextMode.UTF8);
        assertThat(command).as(search).isInstanceOf(Command.Search.class);
        return ((Command.Search) command).key();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        simple.eml           | ALL                                   | true
        simple.eml           | 3                                     | true
        simple.eml           | 4:*                                   | false
        simple.eml           | UID 30                                | true
        simple.eml           | UID 31:*                              | false
        simple.eml           | UID *:20                              | true
        simple.eml           | FLAGGED                               | true
        simple.eml           | UNFLAGGED                             | false
        simple.eml           | SEEN                                  | false
        simple.eml           | KEYWORD $important                    | true
        simple.eml           | UNKEYWORD $Junk                       | true
        simple.eml           | RECENT                                | false
        simple.eml           | NEW                                   | false
        # HEADER, FROM, TO, CC, SUBJECT: decoded value, case-insensitive substring
        simple.eml           | FROM "terry gray"                     | true
        simple.eml           | CC klensin                            | true
        simple.eml           | TO minutes                            | false
        simple.eml           | SUBJECT "WG MTG"                      | true
        simple.eml           | HEADER message-id ""                  | true
        simple.eml           | HEADER X-Absent ""                    | false
        simple.eml           | HEADER Content-Type charset=us-ascii  | true
        encoded-words.eml    | SUBJECT "grüße aus köln"              | true
        encoded-words.eml    | SUBJECT "köln und bonn"               | true
        encoded-words.eml    | FROM "JÖRG MÜLLER"                    | true
        encoded-words.eml    | FROM "=?ISO"                          | false
        eightbit-headers.eml | SUBJECT "日本"                         | true
        eightbit-headers.eml | FROM "ZOË"                            | true
        missing-headers.eml  | FROM ""                               | false
        # BODY and TEXT: transfer encoding and charset undone, text parts only
        encoded-words.eml    | BODY "schöne grüße"                   | true
        encoded-words.eml    | BODY "=F6"                            | false
        alternative.eml      | BODY "café"                           | true
        alternative.eml      | BODY "<b>"                            | true
        alternative.eml      | BODY lunch                            | true
        alternative.eml      | BODY alice                            | false
        alternative.eml      | TEXT alice                            | true
        mixed-attachment.eml | BODY quarterly                        | true
        mixed-attachment.eml | BODY JVBERi0                          | false
        mixed-attachment.eml | BODY epilogue                         | false
        nested-rfc822.eml    | BODY "shall we have lunch"            | true
        nested-rfc822.eml    | BODY prev@example.net                 | true
        nested-rfc822.eml    | SUBJECT "Fwd"                         | true
        eightbit-headers.eml | TEXT "こんにちは"                      | true
        eightbit-headers.eml | BODY "HALLO ZOË"                      | true
        # dates: internal date by its UTC day, sent date by the day written
        simple.eml           | ON 3-Feb-2025                         | true
        simple.eml           | BEFORE 4-Feb-2025                     | true
        simple.eml           | BEFORE 3-Feb-2025                     | false
        simple.eml           | SINCE 3-Feb-2025                      | true
        simple.eml           | SINCE 4-Feb-2025                      | false
        simple.eml           | SENTON 17-Jul-1996                    | true
        simple.eml           | SENTBEFORE 17-Jul-1996                | false
        simple.eml           | SENTSINCE 1-Jan-1990                  | true
        groups.eml           | SENTON 1-Mar-2025                     | true
        missing-headers.eml  | SENTBEFORE 1-Jan-2100                 | false
        missing-headers.eml  | NOT SENTBEFORE 1-Jan-2100             | true
        # size and mod-sequence
        simple.eml           | LARGER 422                            | true
        simple.eml           | LARGER 423                            | false
        simple.eml           | SMALLER 424                           | true
        simple.eml           | SMALLER 423                           | false
        simple.eml           | MODSEQ 7                              | true
        simple.eml           | MODSEQ 8                              | false
        # combinations
        simple.eml           | NOT FLAGGED                           | false
        simple.eml           | OR SEEN FLAGGED                       | true
        simple.eml           | FLAGGED SUBJECT imap                  | true
        simple.eml           | (FLAGGED SUBJECT nothing)             | false
        simple.eml           | OR (SEEN) NOT (TEXT zebra)            | true
        """)
    void matches(String sample, String search, boolean expected) {
        assertThat(SearchMatcher.matches(key(search), Sample.of(sample))).as(search).isEqualTo(expected);
    }

    @CsvSource(delimiter = '|', textBlock = """
        Wed, 17 Jul 1996 02:23:25 -0700 (PDT) | 1996-07-17
        17 Jul 96 02:23 GMT                   | 1996-07-17
        1 mar 2025                            | 2025-03-01
        Sat, 01 Jan 100 00:00:00 +0000        | 2000-01-01
        (comment 2 Feb 2020) 3 Mar 2021       | 2021-03-03
        Mon, 31 Feb 2025 10:00:00 +0000       | none
        yesterday                             | none
        """)
    @ParameterizedTest
    void sentDatesAreReadLeniently(String field, String expected) {
        assertThat(SentDate.parse(field).map(LocalDate::toString).orElse("none")).isEqualTo(expected);
    }

    @Test
    void textSearchOverTenThousandMessagesIsFast() {
        List<SearchMatcher.Candidate> messages = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String text = "From: Sender " + i + " <s" + i + "@example.org>\r\nTo: rcpt@example.net\r\nSubject: message number "
                    + i + "\r\nDate: Mon, 3 Feb 2025 10:00:00 +0100\r\nMessage-ID: <" + i + "@example.org>\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                    + "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore\r\n".repeat(3)
                    + (i % 100 == 0 ? "needle\r\n" : "");
            byte[] content = text.getBytes(StandardCharsets.UTF_8);
            messages.add(new Sample("m" + i, content, StructureParser.parse(content)));
        }
        SearchKey key = key("TEXT NEEDLE");
        long best = Long.MAX_VALUE;
        int found = 0;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            found = 0;
            for (SearchMatcher.Candidate m : messages) if (SearchMatcher.matches(key, m)) found++;
            best = Math.min(best, System.nanoTime() - start);
        }
        assertThat(found).isEqualTo(100);
        // The target is well under 150 ms on this 2-core machine; the bound leaves room for a loaded CI run.
        System.out.printf("SEARCH TEXT over 10,000 messages: %d ms%n", best / 1_000_000);
        assertThat(best / 1_000_000).isLessThan(600);
    }
}
