package dev.tern.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Applying a filter's header changes, libmilter's index rules: smfi_insheader's index counts fields from the top
 * (0 = first), smfi_chgheader's the occurrences of the name from 1 (0 = 1), an empty value deletes.
 */
class HeaderSectionTest {
    private static final HeaderSection SECTION = new HeaderSection(List.of(
            new HeaderSection.Field("Received", "Received: from a\r\n"),
            new HeaderSection.Field("Received", "Received: from b\r\n"),
            new HeaderSection.Field("Subject", "Subject: hi\r\n"),
            new HeaderSection.Field("X-Spam", "X-Spam: old\r\n")));

    /** Changes as {@code A name value}, {@code I index name value}, {@code C name index value} separated by {@code ;}. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # add goes last
            A X-New 1                     | Received: from a/Received: from b/Subject: hi/X-Spam: old/X-New: 1
            # insert at 0 is the top, 2 before the third field, past the end appends
            I 0 X-Top t                   | X-Top: t/Received: from a/Received: from b/Subject: hi/X-Spam: old
            I 2 X-Mid m                   | Received: from a/Received: from b/X-Mid: m/Subject: hi/X-Spam: old
            I 99 X-End e                  | Received: from a/Received: from b/Subject: hi/X-Spam: old/X-End: e
            # change the n-th occurrence, names case-insensitive; index 0 means 1
            C received 2 from c           | Received: from a/received: from c/Subject: hi/X-Spam: old
            C SUBJECT 0 new               | Received: from a/Received: from b/SUBJECT: new/X-Spam: old
            # an empty value deletes; deleting what is not there does nothing
            C X-Spam 1 _                  | Received: from a/Received: from b/Subject: hi
            C Received 3 _                | Received: from a/Received: from b/Subject: hi/X-Spam: old
            # changing what is not there adds it (Sendmail, Postfix)
            C X-Other 1 v                 | Received: from a/Received: from b/Subject: hi/X-Spam: old/X-Other: v
            # in order: each change sees the section the earlier ones left
            I 0 X-Top t;C X-Top 1 _;A X-B b | Received: from a/Received: from b/Subject: hi/X-Spam: old/X-B: b
            # a value with its own leading space keeps it; folded values get CRLF
            A X-S \\tlead                  | Received: from a/Received: from b/Subject: hi/X-Spam: old/X-S:\\tlead
            A X-F a\\n\\tb                  | Received: from a/Received: from b/Subject: hi/X-Spam: old/X-F: a\\r\\n\\tb
            """)
    void appliesChanges(String changes, String expected) {
        List<HeaderChange> list = new ArrayList<>();
        for (String change : changes.split(";")) list.add(parse(change));
        String actual = String.join("/", SECTION.apply(list).fields().stream()
                .map(f -> f.raw().substring(0, f.raw().length() - 2))
                .toList());
        assertThat(actual).isEqualTo(unescape(expected));
        SECTION.apply(list).fields().forEach(f -> assertThat(f.raw()).endsWith("\r\n"));
    }

    private static HeaderChange parse(String change) {
        String[] p = change.strip().split(" ", 4);
        return switch (p[0]) {
            case "A" -> new HeaderChange.Add(p[1], unescape(p.length > 2 ? p[2] + (p.length > 3 ? " " + p[3] : "") : ""));
            case "I" -> new HeaderChange.Insert(Integer.parseInt(p[1]), p[2], unescape(p[3]));
            case "C" -> new HeaderChange.Change(p[1], Integer.parseInt(p[2]), p[3].equals("_") ? "" : unescape(p[3]));
            default -> throw new IllegalArgumentException(change);
        };
    }

    private static String unescape(String s) {
        return s.replace("\\t", "\t").replace("\\r", "\r").replace("\\n", "\n");
    }
}
