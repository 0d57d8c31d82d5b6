package dev.tern.imap;

import java.util.List;
import java.util.Optional;

/** One fetch-att of RFC 9051 §6.4.5 (with RFC 3516 BINARY, RFC 7162 MODSEQ and RFC 3501's RFC822 forms). */
public sealed interface FetchItem {
    record Flags() implements FetchItem {}

    record InternalDate() implements FetchItem {}

    record Rfc822Size() implements FetchItem {}

    record Envelope() implements FetchItem {}

    record BodyStructure() implements FetchItem {}

    /** {@code BODY} without a section: the non-extensible BODYSTRUCTURE. */
    record Body() implements FetchItem {}

    record Uid() implements FetchItem {}

    /** RFC 7162 §3.1.4.1. */
    record ModSeq() implements FetchItem {}

    /** RFC 3501: {@code RFC822} is {@code BODY[]}, {@code RFC822.HEADER} is {@code BODY.PEEK[HEADER]}, ... */
    record Rfc822() implements FetchItem {}

    record Rfc822Header() implements FetchItem {}

    record Rfc822Text() implements FetchItem {}

    /** {@code BODY[section]<partial>} or {@code BODY.PEEK[...]}, which leaves {@code \Seen} alone. */
    record BodySection(Section section, boolean peek, Optional<Partial> partial) implements FetchItem {}

    /** RFC 3516 §4.1: {@code BINARY[part]<partial>}, the decoded content. */
    record Binary(List<Integer> part, boolean peek, Optional<Partial> partial) implements FetchItem {
        public Binary {
            part = List.copyOf(part);
        }
    }

    /** RFC 3516 §4.2: {@code BINARY.SIZE[part]}. */
    record BinarySize(List<Integer> part) implements FetchItem {
        public BinarySize {
            part = List.copyOf(part);
        }
    }

    /** What after the part number a section names (RFC 9051 §6.4.5). */
    enum SectionText {
        ALL,
        HEADER,
        HEADER_FIELDS,
        HEADER_FIELDS_NOT,
        TEXT,
        MIME
    }

    /**
     * {@code [1.2.HEADER.FIELDS (From To)]}: the part path (empty for the whole message), what of it, and the
     * header fields for HEADER.FIELDS[.NOT]. MIME needs a part (§6.4.5).
     */
    record Section(List<Integer> part, SectionText text, List<String> fields) {
        public Section {
            part = List.copyOf(part);
            fields = List.copyOf(fields);
            if (text == SectionText.MIME && part.isEmpty()) throw new IllegalArgumentException("MIME needs a part number");
            boolean needsFields = text == SectionText.HEADER_FIELDS || text == SectionText.HEADER_FIELDS_NOT;
            if (needsFields == fields.isEmpty()) throw new IllegalArgumentException("fields only and always for HEADER.FIELDS");
        }

        public static final Section WHOLE = new Section(List.of(), SectionText.ALL, List.of());
    }

    /** {@code <offset.count>}: octets from {@code offset}, at most {@code count} (non-zero). */
    record Partial(long offset, long count) {
        public Partial {
            if (offset < 0 || count < 1) throw new IllegalArgumentException("bad partial");
        }
    }

    /** RFC 9051 §6.4.5 macros. */
    List<FetchItem> FAST = List.of(new Flags(), new InternalDate(), new Rfc822Size());
    List<FetchItem> ALL = List.of(new Flags(), new InternalDate(), new Rfc822Size(), new Envelope());
    List<FetchItem> FULL = List.of(new Flags(), new InternalDate(), new Rfc822Size(), new Envelope(), new Body());
}
