package dev.tern.imap;

import dev.tern.store.MessageMeta;
import dev.tern.store.MessageStructure;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Evaluates RFC 9051 §6.4.4 search criteria against one message.
 *
 * <p>Choices where the RFC leaves room: text is compared as a substring after a simple case fold
 * ({@code toLowerCase(Locale.ROOT)} of both sides), which covers CHARSET UTF-8 text beyond ASCII; header values
 * are compared after RFC 2047 decoding, bodies after their Content-Transfer-Encoding and charset are undone
 * (text parts only, and those of enclosed message/rfc822 messages with their headers). BEFORE, ON and SINCE
 * take the internal date's day in UTC, since the zone it arrived in is not kept. SENTBEFORE, SENTON and
 * SENTSINCE take the day written in the Date field, its zone disregarded (§6.4.4); a message whose Date field
 * is absent or unreadable matches none of them. {@code \Recent} is never set in this store, so searching for
 * it matches nothing.
 */
public final class SearchMatcher {
    private SearchMatcher() {}

    /** What a search may look at; content and structure are fetched only when a key needs them. */
    public interface Candidate {
        /** Its message sequence number in the session's view. */
        long sequence();

        /** The largest sequence number and UID of the view, for {@code *}. */
        long largestSequence();

        long largestUid();

        MessageMeta meta();

        /** The CRLF content; empty octets when the message is gone. */
        byte[] content();

        /** Its structure; a minimal one when the message is gone. */
        MessageStructure structure();
    }

    /** Whether {@code candidate} matches {@code key}; text comparisons are case-insensitive substring ones. */
    public static boolean matches(SearchKey key, Candidate candidate) {
        return matches(key, candidate, new SearchText(candidate));
    }

    private static boolean matches(SearchKey key, Candidate c, SearchText text) {
        return switch (key) {
            case SearchKey.All a -> true;
            case SearchKey.Sequence s -> s.set().contains(c.sequence(), c.largestSequence());
            case SearchKey.Uid u -> u.set().contains(c.meta().uid(), c.largestUid());
            case SearchKey.HasFlag f -> hasFlag(c.meta(), f.flag());
            case SearchKey.LacksFlag f -> !hasFlag(c.meta(), f.flag());
            case SearchKey.Header h -> text.header(h.field(), h.value());
            case SearchKey.Body b -> text.body(b.value());
            case SearchKey.Text t -> text.text(t.value());
            case SearchKey.InternalDate d -> compare(LocalDate.ofInstant(c.meta().internalDate(), ZoneOffset.UTC),
                    d.comparison(), d.date());
            case SearchKey.SentDate d -> {
                Optional<LocalDate> sent = SentDate.parse(c.structure().envelope().date());
                yield sent.isPresent() && compare(sent.get(), d.comparison(), d.date());
            }
            case SearchKey.Larger l -> c.meta().size() > l.octets();
            case SearchKey.Smaller s -> c.meta().size() < s.octets();
            case SearchKey.ModSeq m -> c.meta().modSeq() >= m.modSeq();
            case SearchKey.Not n -> !matches(n.key(), c, text);
            case SearchKey.Or o -> matches(o.left(), c, text) || matches(o.right(), c, text);
            case SearchKey.And a -> {
                for (SearchKey k : a.keys()) if (!matches(k, c, text)) yield false;
                yield true;
            }
        };
    }

    /** Flags compare case-insensitively (RFC 9051 §2.3.2); system flags are canonical already. */
    private static boolean hasFlag(MessageMeta meta, Flag flag) {
        if (flag.equals(Flag.RECENT)) return false;
        if (meta.has(flag.name())) return true;
        if (flag.isSystem()) return false;
        for (String f : meta.flags()) if (f.equalsIgnoreCase(flag.name())) return true;
        return false;
    }

    /** §6.4.4: BEFORE is earlier than the date, ON within it, SINCE within or later. */
    private static boolean compare(LocalDate day, SearchKey.Comparison comparison, LocalDate date) {
        return switch (comparison) {
            case BEFORE -> day.isBefore(date);
            case ON -> day.isEqual(date);
            case SINCE -> !day.isBefore(date);
        };
    }
}
